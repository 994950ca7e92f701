from __future__ import annotations

from hlm_kit.errors import Conflict, NotFound


class FrameworkNotFound(NotFound):
    code = "framework-not-found"


class VersionNotChangeable(Conflict):
    """A published or retired version never changes: a change is a new version."""

    code = "version-not-changeable"


class InvalidTransition(Conflict):
    code = "invalid-status-transition"


class FrameworkInUse(Conflict):
    """A framework whose questionnaires are published keeps a published version and a published
    questionnaire: new cycles are opened on them."""

    code = "framework-in-use"


class InvalidReplacement(Conflict):
    code = "invalid-replacement"

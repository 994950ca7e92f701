from __future__ import annotations

from hlm_kit.errors import NotFound, ProblemError


class ObservationNotFound(NotFound):
    """Also what anyone but the author gets: entries are private to their author."""

    code = "observation-not-found"


class FrameworkNotKnown(ProblemError):
    """The framework whose dimensions entries are tagged with has not reached this service yet."""

    status, code = 503, "framework-not-known"

from __future__ import annotations

from hlm_kit.errors import Conflict, NotFound, ProblemError


class FacilitatorNotFound(NotFound):
    code = "facilitator-not-found"


class AlreadyRegistered(Conflict):
    """The email address (or account) already belongs to a facilitator of the register."""

    code = "already-registered"


class UnsupportedMediaType(ProblemError):
    """The register is imported as ``text/csv`` and nothing else."""

    status, code = 415, "unsupported-media-type"


class ContentTooLarge(ProblemError):
    status, code = 413, "content-too-large"

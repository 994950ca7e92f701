from __future__ import annotations

from hlm_kit.errors import Conflict, NotFound


class FacilitatorNotFound(NotFound):
    code = "facilitator-not-found"


class AlreadyRegistered(Conflict):
    """The email address (or account) already belongs to a facilitator of the register."""

    code = "already-registered"

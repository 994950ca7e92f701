from __future__ import annotations

from hlm_kit.errors import NotFound


class ParticipantNotFound(NotFound):
    """Also what an academy admin gets for a participant with no cycle in the admin's region: whether
    they exist is not the admin's to know."""

    code = "participant-not-found"

from __future__ import annotations

from hlm_kit.errors import NotFound


class TeamCycleNotFound(NotFound):
    code = "team-cycle-not-found"

from __future__ import annotations

from hlm_kit.errors import NotFound


class GoalNotFound(NotFound):
    """Also what anyone but the author gets: goals are private to their author."""

    code = "goal-not-found"

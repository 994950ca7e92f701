from __future__ import annotations

from hlm_kit.errors import Conflict, NotFound


class CycleNotFound(NotFound):
    """Also what a caller gets for someone else's cycle: whether it exists is not theirs to know."""

    code = "cycle-not-found"


class CycleStateConflict(Conflict):
    """The cycle is not in a state that allows this (already open, closed, awaiting approval, ...)."""

    code = "cycle-state-conflict"


class ReportReleased(Conflict):
    """After the report is released nothing more is accepted: late feedback would let the participant
    tell who said what."""

    code = "report-released"


class MinimumsNotMet(Conflict):
    code = "minimums-not-met"


class SelfAlreadySubmitted(Conflict):
    code = "self-already-submitted"


class AlreadyConverted(Conflict):
    code = "already-converted"

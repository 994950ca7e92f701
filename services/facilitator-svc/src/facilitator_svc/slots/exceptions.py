from __future__ import annotations

from hlm_kit.errors import Conflict, NotFound


class SlotNotFound(NotFound):
    code = "slot-not-found"


class SlotOverlaps(Conflict):
    """Another slot of the same facilitator was added at an overlapping time meanwhile."""

    code = "slot-overlaps"


class SlotBooked(Conflict):
    code = "slot-booked"

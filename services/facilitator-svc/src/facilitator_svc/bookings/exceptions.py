from __future__ import annotations

from collections.abc import Sequence

from facilitator_svc.matching.rules import CONFLICT_OF_INTEREST_DETAIL, CONFLICTS, Exclusion, Rule
from hlm_kit.errors import Conflict, FieldError, NotFound


class BookingNotFound(NotFound):
    code = "booking-not-found"


class SlotTaken(Conflict):
    """Someone else holds or has booked the facilitator at that time."""

    code = "slot-taken"


class SlotUnavailable(Conflict):
    code = "slot-unavailable"


class NoCapacity(Conflict):
    code = "no-capacity"


class NotEligible(Conflict):
    """A hard rule forbids this facilitator for this participant."""

    code = "facilitator-not-eligible"

    @classmethod
    def because(cls, exclusions: Sequence[Exclusion], *, show_conflicts: bool) -> Conflict:
        """The error for ``exclusions``. A participant learns that there is a conflict of interest, not
        which one: a facilitator's declared conflicts are not theirs to see. An administrator sees each
        rule, but a rater is never among them as such (``Rule.CONFLICT_OF_INTEREST`` covers it)."""
        if any(e.rule == Rule.NO_CAPACITY for e in exclusions) and len(exclusions) == 1:
            return NoCapacity("the facilitator has no capacity left in that month")
        errors = []
        hidden = False
        for e in exclusions:
            if e.rule in CONFLICTS and not show_conflicts:
                hidden = True
                continue
            errors.append(FieldError(loc=["facilitator"], msg=e.detail, type=e.rule.value))
        if hidden:
            errors.append(
                FieldError(loc=["facilitator"], msg=CONFLICT_OF_INTEREST_DETAIL, type=Rule.CONFLICT_OF_INTEREST.value)
            )
        return cls("this facilitator cannot take the session", errors=errors)


class AlreadyBooked(Conflict):
    """One open session per participant and cycle: move it with a reschedule."""

    code = "already-booked"


class HoldExpired(Conflict):
    code = "hold-expired"


class InvalidTransition(Conflict):
    code = "invalid-booking-transition"

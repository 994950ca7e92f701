"""Rules of booking: hold, confirm, cancel, reschedule, complete and rate a session.

Two guarantees hold whatever the number of replicas. No two occupying bookings of one facilitator
overlap: the exclusion constraint ``ex_booking_facilitator_during`` refuses the second. A facilitator's
monthly capacity is never exceeded: bookings of a facilitator are counted while holding that
facilitator's row lock, so two transactions cannot both see the last free place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from facilitator_svc.access import is_admin
from facilitator_svc.bookings.exceptions import (
    AlreadyBooked,
    BookingNotFound,
    HoldExpired,
    InvalidTransition,
    NotEligible,
    SlotTaken,
    SlotUnavailable,
)
from facilitator_svc.bookings.models import OCCUPYING, OPEN, Booking, BookingStatus
from facilitator_svc.bookings.repository import BookingRepository, ListedShape, listed_statement
from facilitator_svc.bookings.schemas import BookingIn, BookingOut, CancelIn, RatingIn, RescheduleIn
from facilitator_svc.config import Settings
from facilitator_svc.database import outbox
from facilitator_svc.db_errors import violated_constraint
from facilitator_svc.facilitators.models import Facilitator
from facilitator_svc.facilitators.repository import FacilitatorRepository
from facilitator_svc.matching import rules
from facilitator_svc.matching.repository import monthly_load, rater_hashes
from facilitator_svc.matching.rules import CONFLICT_OF_INTEREST_DETAIL
from facilitator_svc.matching.service import refuse_cycle_unless_feedback, resolve_participant
from facilitator_svc.slots.exceptions import SlotNotFound
from facilitator_svc.slots.models import Slot
from facilitator_svc.slots.repository import SlotRepository
from facilitator_svc.vocabulary import FacilitatorStatus, Mode, SessionKind
from hlm_contracts import SessionBookedV1, SessionCancelledV1, SessionCompletedV1
from hlm_kit import json_answer
from hlm_kit.auth import Principal, Role
from hlm_kit.db import keep
from hlm_kit.errors import FieldError, Forbidden, UnprocessableContent
from hlm_kit.idempotency import NO_CLAIM, Claim, create_once
from hlm_kit.pagination import CursorCodec

# Sessions in order of time (the id breaks ties).
BOOKING_CURSOR = CursorCodec(tuple[datetime, UUID])


@dataclass(frozen=True)
class Placement:
    """A request to put a participant on a slot, as booking and allocation both make it."""

    participant: rules.Participant
    slot: Slot
    mode: Mode | None
    cycle_id: UUID | None
    booked_by: str
    confirm: bool
    idempotency: Claim = NO_CLAIM
    allocation_id: UUID | None = None
    # The kind of session the caller means to book, when they said: the slot must be of that kind.
    kind: SessionKind | None = None


async def create(
    session: AsyncSession,
    principal: Principal,
    body: BookingIn,
    settings: Settings,
    now: datetime,
    *,
    idempotency_key: str | None,
) -> tuple[BookingOut, bool]:
    """Hold (or book at once) a slot for the participant; (booking, whether it is new)."""

    async def make(claim: Claim) -> Booking:
        participant = await resolve_participant(session, principal, body.participant, body.cycle_id)
        slot = await SlotRepository(session).get_by_id(body.slot_id)
        if slot is None:
            raise SlotNotFound(f"no slot {body.slot_id}")
        (facilitator,) = await FacilitatorRepository(session).lock([slot.facilitator_id])
        await BookingRepository(session).expire_holds([facilitator.id], now)
        placement = Placement(
            participant=participant,
            slot=slot,
            mode=body.mode,
            cycle_id=body.cycle_id,
            booked_by=principal.sub,
            confirm=body.confirm,
            idempotency=claim,
            kind=body.kind,
        )
        return await place(session, placement, facilitator, settings, now, show_conflicts=is_admin(principal))

    # A retry that arrives while the first attempt holds the facilitator's lock finds the slot taken once
    # it gets the lock: create_once answers it with the first attempt's booking, not with slot-taken.
    booking, created = await create_once(
        session, Booking, Booking.booked_by == principal.sub, idempotency_key, body, create=make
    )
    facilitator = await FacilitatorRepository(session).get_by_id(booking.facilitator_id)
    assert facilitator is not None
    return await to_out(session, booking, facilitator), created


async def place(
    session: AsyncSession,
    placement: Placement,
    facilitator: Facilitator,
    settings: Settings,
    now: datetime,
    *,
    show_conflicts: bool,
) -> Booking:
    """Put the participant on the slot. The caller holds the facilitator's row lock and has expired
    their stale holds; everything is written in a savepoint, so a refusal leaves the transaction usable.
    Raises an IntegrityError only for a unique key the caller may want to handle (idempotency)."""
    slot = placement.slot
    kind = _kind_for(slot, placement.kind, loc=["body", "kind"])
    refuse_cycle_unless_feedback(kind, placement.cycle_id)
    mode = _mode_for(slot, placement.mode)
    if slot.starts_at <= now:
        raise SlotUnavailable("the slot has already started")
    if await SlotRepository(session).is_booked(slot, now):
        raise SlotTaken("someone else holds or has booked this slot")
    exclusions = await judge_slot(session, placement.participant, facilitator, slot, mode, settings, now)
    if exclusions:
        raise NotEligible.because(exclusions, show_conflicts=show_conflicts)
    booking = Booking(
        facilitator_id=facilitator.id,
        facilitator_number=facilitator.number,
        slot_id=slot.id,
        participant_id=placement.participant.id,
        participant_organisation=placement.participant.organisation,
        participant_region=placement.participant.region,
        cycle_id=placement.cycle_id,
        kind=kind.value,
        mode=mode.value,
        venue=slot.venue if mode == Mode.IN_PERSON else None,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        status=BookingStatus.CONFIRMED if placement.confirm else BookingStatus.HELD,
        hold_expires_at=None if placement.confirm else now + timedelta(seconds=settings.hold_ttl_s),
        confirmed_at=now if placement.confirm else None,
        booked_by=placement.booked_by,
        **placement.idempotency.columns,
        allocation_id=placement.allocation_id,
        created_at=now,
    )
    try:
        async with session.begin_nested():
            session.add(booking)
            await session.flush()
    except IntegrityError as exc:
        constraint = violated_constraint(exc)
        if constraint == "ex_booking_facilitator_during":
            raise SlotTaken("someone else holds or has booked the facilitator at that time") from exc
        if constraint == "uq_booking_participant_cycle":
            raise AlreadyBooked(
                "the participant already has a session for this cycle: reschedule or cancel it"
            ) from exc
        raise
    if placement.confirm:
        await outbox.add(session, booked_event(booking, facilitator), subject=str(booking.id))
    return booking


def _kind_for(slot: Slot, wanted: SessionKind | None, *, loc: list[str | int]) -> SessionKind:
    """The slot's kind, refused when it is not the one ``wanted``: a feedback slot is never booked as
    coaching, nor the other way round."""
    kind = SessionKind(slot.kind)
    if wanted is not None and wanted != kind:
        raise UnprocessableContent(
            f"the slot is a {kind.value} session, not {wanted.value}",
            errors=[FieldError(loc=loc, msg=f"the slot is a {kind.value} session", type="kind_mismatch")],
        )
    return kind


def _mode_for(slot: Slot, wanted: Mode | None) -> Mode:
    if wanted is None:
        if len(slot.modes) == 1:
            return Mode(slot.modes[0])
        raise UnprocessableContent(
            "choose the mode of the session",
            errors=[FieldError(loc=["body", "mode"], msg="the slot is offered in more than one mode", type="missing")],
        )
    if wanted.value not in slot.modes:
        raise UnprocessableContent(
            "the slot is not offered in that mode",
            errors=[
                FieldError(loc=["body", "mode"], msg=f"offered only {', '.join(slot.modes)}", type="mode_not_offered")
            ],
        )
    return wanted


async def judge_slot(
    session: AsyncSession,
    participant: rules.Participant,
    facilitator: Facilitator,
    slot: Slot,
    mode: Mode,
    settings: Settings,
    now: datetime,
    *,
    moving: Booking | None = None,
) -> list[rules.Exclusion]:
    """The hard rules for this participant on this slot, with the facilitator's load counted now.
    ``moving`` is a booking being rescheduled: it does not count against the capacity it leaves."""
    tz = ZoneInfo(settings.timezone)
    load = (await monthly_load(session, [facilitator.id], slot.starts_at, slot.starts_at, now, settings.timezone)).get(
        facilitator.id, {}
    )
    month = rules.month_of(slot.starts_at, tz)
    if (
        moving is not None
        and moving.facilitator_id == facilitator.id
        and moving.status in OCCUPYING
        and rules.month_of(moving.starts_at, tz) == month
    ):
        load = {**load, month: load.get(month, 0) - 1}
    candidate = rules.Candidate(
        id=facilitator.id,
        name=facilitator.name,
        organisation=facilitator.organisation,
        region=facilitator.region,
        status=FacilitatorStatus(facilitator.status),
        accreditation_level=str(facilitator.accreditation_level),
        accreditation_expires_on=facilitator.accreditation_expires_on,
        capacity_per_month=facilitator.capacity_per_month,
        modes=tuple(facilitator.modes),
        languages=tuple(facilitator.languages),
        specialisms=tuple(facilitator.specialisms),
        email_hash=facilitator.email_hash,
        conflict_organisations=tuple(facilitator.conflict_organisations),
        conflict_participants=tuple(facilitator.conflict_participants),
        slots=(rules.FreeSlot(slot.id, slot.starts_at, slot.ends_at, tuple(slot.modes), slot.venue, kind=slot.kind),),
        load=load,
        session_kinds=tuple(facilitator.session_kinds),
    )
    preferences = rules.Preferences(
        window_starts_at=slot.starts_at, window_ends_at=slot.ends_at, mode=mode, kind=SessionKind(slot.kind)
    )
    verdict = rules.judge(participant, preferences, candidate, tz=tz, reference_km=settings.match_reference_distance_km)
    return list(verdict.exclusions)


# --- transitions -------------------------------------------------------------------------------------


def _is_participant(principal: Principal, booking: Booking) -> bool:
    return principal.has_role(Role.PARTICIPANT) and booking.participant_id == principal.sub


def _is_facilitator(principal: Principal, facilitator: Facilitator) -> bool:
    return principal.has_role(Role.FACILITATOR) and facilitator.subject == principal.sub


def _is_admin(principal: Principal, facilitator: Facilitator) -> bool:
    return principal.is_academy_admin_for(facilitator.region)


async def _for_action(
    session: AsyncSession, principal: Principal, id: UUID, *, allowed: Sequence[str], action: str
) -> tuple[Booking, Facilitator]:
    found = await BookingRepository(session).get_with_facilitator(id, for_update=True)
    if found is None:
        raise BookingNotFound(f"no booking {id}")
    booking, facilitator = found
    parties = {
        "participant": _is_participant(principal, booking),
        "facilitator": _is_facilitator(principal, facilitator),
        "admin": _is_admin(principal, facilitator),
    }
    if not any(parties.values()):
        raise BookingNotFound(f"no booking {id}")
    if not any(parties[who] for who in allowed):
        raise Forbidden(f"only the {' or the '.join(allowed)} may {action} this session")
    return booking, facilitator


async def get(session: AsyncSession, principal: Principal, id: UUID) -> BookingOut:
    found = await BookingRepository(session).get_with_facilitator(id)
    if found is None:
        raise BookingNotFound(f"no booking {id}")
    booking, facilitator = found
    if not (
        _is_participant(principal, booking)
        or _is_facilitator(principal, facilitator)
        or _is_admin(principal, facilitator)
    ):
        raise BookingNotFound(f"no booking {id}")
    return await to_out(session, booking, facilitator)


# A listed session's fields in the order BookingOut writes them.
_LISTED_FIELDS = tuple(BookingOut.model_fields)


async def list_bookings(
    session: AsyncSession,
    principal: Principal,
    *,
    status: BookingStatus | None,
    facilitator_id: UUID | None,
    starts_from: datetime | None,
    starts_before: datetime | None,
    cursor: str | None,
    limit: int,
    cycle_ids: Sequence[UUID] | None = None,
    kind: SessionKind | None = None,
) -> bytes:
    """The sessions the caller takes part in or manages, in order of time, as ``BookingList`` JSON; with
    ``cycle_ids``, only those of these cycles (every session of a cycle, a cancelled one too, as for any
    other filter). One statement compiled once per shape of the filters (``listed_statement``)."""
    values: dict[str, object] = {"limit": limit + 1}
    if principal.has_role(Role.PARTICIPANT):
        values["participant"] = principal.sub
    if principal.has_role(Role.FACILITATOR):
        values["facilitator_subject"] = principal.sub
    if (region := principal.administered_region) is not None:
        values["region"] = region
    if len(values) == 1:  # none of the caller's own
        return json_answer.encode({"items": [], "next_cursor": None})
    given = {
        "status": status,
        "facilitator_id": facilitator_id,
        "cycle_ids": None if cycle_ids is None else list(cycle_ids),
        "kind": None if kind is None else kind.value,
        "starts_from": starts_from,
        "starts_before": starts_before,
    }
    values |= {name: value for name, value in given.items() if value is not None}
    after = BOOKING_CURSOR.decode(cursor)
    if after is not None:
        values["after_starts_at"], values["after_id"] = after
    shape = ListedShape(
        participant="participant" in values,
        facilitator="facilitator_subject" in values,
        region="region" in values,
        status=status is not None,
        facilitator_id=facilitator_id is not None,
        cycle_ids=cycle_ids is not None,
        kind=kind is not None,
        starts_from=starts_from is not None,
        starts_before=starts_before is not None,
        after=after is not None,
    )
    rows = (await listed_statement(shape).execute(session, values)).mappings().all()
    page, next_cursor = BOOKING_CURSOR.page(rows, limit, key=lambda row: (row["starts_at"], row["id"]))
    # Plain rows written as BookingList's JSON (a test holds it to the models' bytes): the home screen reads
    # its feedback sessions on every visit.
    items = [{field: row[field] for field in _LISTED_FIELDS} for row in page]
    return json_answer.encode({"items": items, "next_cursor": next_cursor})


async def confirm(session: AsyncSession, principal: Principal, id: UUID, now: datetime) -> BookingOut:
    """Confirm a hold. A hold that ran out is refused with ``HoldExpired``, and recorded as expired by a
    write the request keeps past the refusal's rollback, so the booking reads as what it is."""
    booking, facilitator = await _for_action(session, principal, id, allowed=("participant", "admin"), action="confirm")
    if booking.status == BookingStatus.CONFIRMED:
        return await to_out(session, booking, facilitator)
    if booking.status != BookingStatus.HELD:
        raise InvalidTransition(f"a {booking.status.value} booking cannot be confirmed")
    assert booking.hold_expires_at is not None
    if booking.hold_expires_at <= now:
        facilitator_id = booking.facilitator_id
        keep(session, lambda own: BookingRepository(own).expire_holds([facilitator_id], now))
        raise HoldExpired("the hold ran out before it was confirmed; book the slot again if it is still free")
    booking.status, booking.confirmed_at, booking.hold_expires_at = BookingStatus.CONFIRMED, now, None
    # The announcement names the facilitator's account: read it under a lock that an administrator
    # relinking the account waits for (see `announce_again`), so the last announcement names the new one.
    (facilitator,) = await FacilitatorRepository(session).lock([booking.facilitator_id], shared=True)
    await outbox.add(session, booked_event(booking, facilitator), subject=str(booking.id))
    return await to_out(session, booking, facilitator)


async def cancel(session: AsyncSession, principal: Principal, id: UUID, body: CancelIn, now: datetime) -> BookingOut:
    booking, facilitator = await _for_action(
        session, principal, id, allowed=("participant", "facilitator", "admin"), action="cancel"
    )
    if booking.status == BookingStatus.CANCELLED:
        return await to_out(session, booking, facilitator)
    if booking.status not in OPEN:
        raise InvalidTransition(f"a {booking.status.value} booking cannot be cancelled")
    if booking.starts_at <= now:
        raise InvalidTransition("the session has started: it can be completed, not cancelled")
    was_confirmed = booking.status == BookingStatus.CONFIRMED
    booking.status, booking.cancelled_at, booking.cancelled_by = BookingStatus.CANCELLED, now, principal.sub
    booking.cancellation_reason = body.reason
    booking.hold_expires_at = None
    if was_confirmed:
        # A hold was never announced, so releasing one announces nothing either.
        await outbox.add(session, cancelled_event(booking, now), subject=str(booking.id))
    return await to_out(session, booking, facilitator)


async def reschedule(
    session: AsyncSession, principal: Principal, id: UUID, body: RescheduleIn, settings: Settings, now: datetime
) -> BookingOut:
    """Move an open booking to another slot, of the same or another facilitator, under the same id."""
    booking, _ = await _for_action(session, principal, id, allowed=("participant", "admin"), action="reschedule")
    if booking.status not in OPEN:
        raise InvalidTransition(f"a {booking.status.value} booking cannot be rescheduled")
    if booking.status == BookingStatus.HELD and booking.hold_expires_at is not None and booking.hold_expires_at <= now:
        raise HoldExpired("the hold ran out; book a slot again")
    if booking.starts_at <= now:
        raise InvalidTransition("the session has started and cannot be moved")
    if booking.participant_id is None or booking.participant_organisation is None:
        raise InvalidTransition("the participant's data has been erased")
    slot = await SlotRepository(session).get_by_id(body.slot_id)
    if slot is None:
        raise SlotNotFound(f"no slot {body.slot_id}")
    if slot.id == booking.slot_id:
        raise UnprocessableContent(
            "the booking is already on that slot",
            errors=[FieldError(loc=["body", "slot_id"], msg="choose another slot", type="same_slot")],
        )
    # A session stays the kind it was booked as: coaching moves to another coaching slot.
    _kind_for(slot, SessionKind(booking.kind), loc=["body", "slot_id"])
    locked = {f.id: f for f in await FacilitatorRepository(session).lock([booking.facilitator_id, slot.facilitator_id])}
    target = locked[slot.facilitator_id]
    await BookingRepository(session).expire_holds([target.id], now)
    mode = _mode_for(slot, body.mode or (Mode(booking.mode) if booking.mode in slot.modes else None))
    if slot.starts_at <= now:
        raise SlotUnavailable("the slot has already started")
    if await SlotRepository(session).is_booked(slot, now):
        raise SlotTaken("someone else holds or has booked this slot")
    participant = rules.Participant(
        booking.participant_id,
        booking.participant_organisation,
        booking.participant_region,
        await rater_hashes(session, booking.participant_id),
    )
    exclusions = await judge_slot(session, participant, target, slot, mode, settings, now, moving=booking)
    if exclusions:
        raise NotEligible.because(exclusions, show_conflicts=is_admin(principal))
    try:
        # The move is made inside the savepoint: a refusal by the exclusion constraint undoes it alone.
        async with session.begin_nested():
            booking.facilitator_id, booking.facilitator_number, booking.slot_id = target.id, target.number, slot.id
            booking.starts_at, booking.ends_at, booking.mode = slot.starts_at, slot.ends_at, mode.value
            booking.venue = slot.venue if mode == Mode.IN_PERSON else None
            if booking.status == BookingStatus.HELD:
                booking.hold_expires_at = now + timedelta(seconds=settings.hold_ttl_s)
            await session.flush()
    except IntegrityError as exc:
        if violated_constraint(exc) == "ex_booking_facilitator_during":
            raise SlotTaken("someone else holds or has booked the facilitator at that time") from exc
        raise
    if booking.status == BookingStatus.CONFIRMED:
        # Consumers keep the latest booked event per booking id: the same id with the new time.
        await outbox.add(session, booked_event(booking, target), subject=str(booking.id))
    return await to_out(session, booking, target)


async def complete(session: AsyncSession, principal: Principal, id: UUID, now: datetime) -> BookingOut:
    booking, facilitator = await _for_action(
        session, principal, id, allowed=("facilitator", "admin"), action="complete"
    )
    if booking.status == BookingStatus.COMPLETED:
        return await to_out(session, booking, facilitator)
    if booking.status != BookingStatus.CONFIRMED:
        raise InvalidTransition(f"a {booking.status.value} booking cannot be completed")
    if booking.starts_at > now:
        raise InvalidTransition("a session can be completed once it has started")
    booking.status, booking.completed_at = BookingStatus.COMPLETED, now
    await outbox.add(
        session,
        SessionCompletedV1(booking_id=booking.id, completed_at=now, kind=booking.kind),
        subject=str(booking.id),
    )
    return await to_out(session, booking, facilitator)


async def rate(session: AsyncSession, principal: Principal, id: UUID, body: RatingIn, now: datetime) -> BookingOut:
    booking, facilitator = await _for_action(session, principal, id, allowed=("participant",), action="rate")
    if booking.status != BookingStatus.COMPLETED:
        raise InvalidTransition("only a completed session can be rated")
    if booking.rating is not None:
        raise InvalidTransition("the session has been rated already")
    booking.rating, booking.rating_comment, booking.rated_at = body.rating, body.comment, now
    return await to_out(session, booking, facilitator)


async def announce_again(session: AsyncSession, facilitator: Facilitator) -> int:
    """Publish ``session.booked`` again for each of the facilitator's sessions that consumers know as
    booked (confirmed or completed, its participant not erased), now naming the account the facilitator
    is linked to; the number announced.

    Called in the transaction that changes the facilitator's ``subject``, which holds the facilitator's
    row lock: every other announcement of a session reads the subject under that lock too (placing,
    confirming and rescheduling a booking), so it either came before, and is visible here, or comes
    after the change and names the new account.
    """
    statement = (
        select(Booking)
        .where(
            Booking.facilitator_id == facilitator.id,
            Booking.status.in_((BookingStatus.CONFIRMED, BookingStatus.COMPLETED)),
            Booking.participant_id.is_not(None),
        )
        .order_by(Booking.starts_at, Booking.id)
    )
    bookings = (await session.execute(statement)).scalars().all()
    for booking in bookings:
        await outbox.add(session, booked_event(booking, facilitator), subject=str(booking.id))
    return len(bookings)


async def cancel_for_rater(session: AsyncSession, participant_id: str, rater_email_hash: str, now: datetime) -> None:
    """Cancel the participant's sessions to come with the facilitator who was just nominated as one of
    their raters, announcing those that were confirmed."""
    repository = BookingRepository(session)
    for booking in await repository.lock_upcoming_of(participant_id, now, facilitator_email_hash=rater_email_hash):
        await _cancel_by_the_service(session, booking, now)
        booking.cancelled_by = "facilitator-svc"
        # Worded as any conflict of interest: the participant, the facilitator and the administrators
        # who read the booking must not learn that the facilitator is a rater.
        booking.cancellation_reason = CONFLICT_OF_INTEREST_DETAIL


async def forget_participant(session: AsyncSession, participant_id: str, now: datetime) -> None:
    """Cancel an erased participant's sessions to come (announcing those that were confirmed), then
    strip every session of what is about them."""
    repository = BookingRepository(session)
    for booking in await repository.lock_upcoming_of(participant_id, now):
        await _cancel_by_the_service(session, booking, now)
    await session.flush()
    await repository.forget_participant(participant_id)


async def _cancel_by_the_service(session: AsyncSession, booking: Booking, now: datetime) -> None:
    if booking.status == BookingStatus.CONFIRMED:
        # A hold was never announced, so releasing one announces nothing either.
        await outbox.add(session, cancelled_event(booking, now), subject=str(booking.id))
    booking.status, booking.cancelled_at, booking.hold_expires_at = BookingStatus.CANCELLED, now, None


def booked_event(booking: Booking, facilitator: Facilitator) -> SessionBookedV1:
    assert booking.participant_id is not None
    assert booking.facilitator_id == facilitator.id
    return SessionBookedV1(
        booking_id=booking.id,
        facilitator_id=booking.facilitator_id,
        facilitator_subject=facilitator.subject,
        participant_id=booking.participant_id,
        cycle_id=booking.cycle_id,
        kind=booking.kind,
        starts_at=booking.starts_at,
        ends_at=booking.ends_at,
    )


def cancelled_event(booking: Booking, now: datetime) -> SessionCancelledV1:
    return SessionCancelledV1(booking_id=booking.id, cancelled_at=now, kind=booking.kind)


async def to_out(session: AsyncSession, booking: Booking, facilitator: Facilitator) -> BookingOut:
    reports = await BookingRepository(session).reports_for([booking.cycle_id] if booking.cycle_id else [])
    return _out(booking, facilitator, reports.get(booking.cycle_id) if booking.cycle_id else None)


def _out(booking: Booking, facilitator: Facilitator, report_id: UUID | None) -> BookingOut:
    return BookingOut(
        id=booking.id,
        status=booking.status,
        facilitator_id=booking.facilitator_id,
        facilitator_name=facilitator.name,
        slot_id=booking.slot_id,
        participant_id=booking.participant_id,
        cycle_id=booking.cycle_id,
        kind=SessionKind(booking.kind),
        mode=Mode(booking.mode),
        venue=booking.venue,
        starts_at=booking.starts_at,
        ends_at=booking.ends_at,
        hold_expires_at=booking.hold_expires_at,
        allocation_id=booking.allocation_id,
        report_id=report_id,
        created_at=booking.created_at,
        confirmed_at=booking.confirmed_at,
        cancelled_at=booking.cancelled_at,
        cancellation_reason=booking.cancellation_reason,
        completed_at=booking.completed_at,
        rating=booking.rating,
        rating_comment=booking.rating_comment,
    )

"""Rules of availability: a facilitator (or their administrator) offers sessions that never overlap."""

from __future__ import annotations

import itertools
from datetime import datetime
from uuid import UUID

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from facilitator_svc.db_errors import violated_constraint
from facilitator_svc.facilitators import service as facilitator_service
from facilitator_svc.slots.exceptions import SlotBooked, SlotNotFound, SlotOverlaps
from facilitator_svc.slots.models import Slot
from facilitator_svc.slots.repository import SlotRepository
from facilitator_svc.slots.schemas import SlotList, SlotOut, SlotsIn
from facilitator_svc.vocabulary import Mode, SessionKind
from hlm_kit.auth import Principal
from hlm_kit.errors import FieldError, UnprocessableContent


async def add(
    session: AsyncSession, principal: Principal, facilitator_id: UUID, body: SlotsIn, now: datetime
) -> SlotList:
    """Add every slot, or none: each one must lie in the future, be of a kind the facilitator offers, in
    modes they work in, and overlap neither another slot of the request nor one they already offer."""
    facilitator = await facilitator_service.visible(session, principal, facilitator_id, for_update=True)
    offered = set(facilitator.modes)
    kinds = set(facilitator.session_kinds)
    errors: list[FieldError] = []

    def problem(index: int, field: str, msg: str, type_: str) -> None:
        errors.append(FieldError(loc=["body", "slots", index, field], msg=msg, type=type_))

    for i, slot in enumerate(body.slots):
        if slot.starts_at <= now:
            problem(i, "starts_at", "a slot must start in the future", "in_past")
        if slot.kind.value not in kinds:
            problem(
                i,
                "kind",
                f"the facilitator does not offer {slot.kind.value} sessions (they offer {', '.join(sorted(kinds))})",
                "kind_not_offered",
            )
        for mode in slot.modes or []:
            if mode.value not in offered:
                problem(i, "modes", f"the facilitator does not work in the mode {mode.value!r}", "mode_not_offered")
    ordered = sorted(range(len(body.slots)), key=lambda i: body.slots[i].starts_at)
    for a, b in itertools.pairwise(ordered):
        if body.slots[b].starts_at < body.slots[a].ends_at:
            problem(b, "starts_at", f"overlaps slot {a} of this request", "overlap")
    existing = await SlotRepository(session).overlapping(facilitator.id, [(s.starts_at, s.ends_at) for s in body.slots])
    for i, slot in enumerate(body.slots):
        for other in existing:
            if slot.starts_at < other.ends_at and other.starts_at < slot.ends_at:
                problem(
                    i,
                    "starts_at",
                    f"overlaps the slot {other.id} ({other.starts_at.isoformat()} to {other.ends_at.isoformat()})",
                    "overlap",
                )
    if errors:
        raise UnprocessableContent(f"{len(errors)} problem(s) with the slots; none was added", errors=errors)

    slots = [
        Slot(
            facilitator_id=facilitator.id,
            facilitator_number=facilitator.number,
            starts_at=s.starts_at,
            ends_at=s.ends_at,
            modes=[m.value for m in s.modes] if s.modes else list(facilitator.modes),
            venue=s.venue,
            kind=s.kind.value,
        )
        for s in body.slots
    ]
    try:
        async with session.begin_nested():
            session.add_all(slots)
            await session.flush()
    except IntegrityError as exc:
        if violated_constraint(exc) == "ex_slot_facilitator_during":
            raise SlotOverlaps("another slot was added at an overlapping time meanwhile; nothing was added") from exc
        raise
    return SlotList(items=[to_out(s, is_booked=False) for s in slots])


async def list_for(
    session: AsyncSession,
    principal: Principal,
    facilitator_id: UUID,
    now: datetime,
    *,
    starts_from: datetime | None,
    starts_before: datetime | None,
    kind: SessionKind | None = None,
) -> SlotList:
    facilitator = await facilitator_service.visible(session, principal, facilitator_id)
    rows = await SlotRepository(session).list_for(
        facilitator.id, now, starts_from=starts_from, starts_before=starts_before, kind=kind
    )
    return SlotList(items=[to_out(slot, is_booked=booked) for slot, booked in rows])


async def remove(
    session: AsyncSession, principal: Principal, facilitator_id: UUID, slot_id: UUID, now: datetime
) -> None:
    """Withdraw a slot nobody holds or has booked; a booked one must be cancelled or moved first."""
    facilitator = await facilitator_service.visible(session, principal, facilitator_id, for_update=True)
    repository = SlotRepository(session)
    slot = await repository.get_by_id(slot_id)
    if slot is None or slot.facilitator_id != facilitator.id:
        raise SlotNotFound(f"no slot {slot_id} of facilitator {facilitator_id}")
    if await repository.is_booked(slot, now):
        raise SlotBooked("the slot is booked: cancel or reschedule the session first")
    await session.delete(slot)
    await session.flush()


def to_out(slot: Slot, *, is_booked: bool) -> SlotOut:
    return SlotOut(
        id=slot.id,
        facilitator_id=slot.facilitator_id,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        kind=SessionKind(slot.kind),
        modes=[Mode(m) for m in slot.modes],
        venue=slot.venue,
        is_booked=is_booked,
    )

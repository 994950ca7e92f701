"""Rules of cohort allocation: an administrator asks, a worker solves, the administrator reviews the
proposal and confirms it into bookings (or discards it)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from facilitator_svc.allocations.exceptions import AllocationNotFound, AllocationNotReady
from facilitator_svc.allocations.models import Allocation, AllocationParticipant, AllocationStatus
from facilitator_svc.allocations.repository import AllocationRepository
from facilitator_svc.allocations.schemas import (
    AllocationIn,
    AllocationList,
    AllocationOut,
    AllocationSummary,
    AssignmentOut,
    UnassignedOut,
)
from facilitator_svc.bookings import service as booking_service
from facilitator_svc.bookings.repository import BookingRepository
from facilitator_svc.config import Settings
from facilitator_svc.facilitators.repository import FacilitatorRepository
from facilitator_svc.matching import rules
from facilitator_svc.matching.schemas import ReasonOut, Window
from facilitator_svc.participants.models import RaterConflict
from facilitator_svc.slots.models import Slot
from facilitator_svc.vocabulary import Mode
from hlm_kit.auth import Principal
from hlm_kit.errors import Conflict, FieldError, UnprocessableContent
from hlm_kit.idempotency import Claim, create_once
from hlm_kit.pagination import CursorCodec

# A region's allocations newest first (the id breaks ties).
ALLOCATION_CURSOR = CursorCodec(tuple[datetime, UUID])


async def request(
    session: AsyncSession,
    principal: Principal,
    body: AllocationIn,
    settings: Settings,
    now: datetime,
    *,
    idempotency_key: str | None,
) -> tuple[AllocationSummary, bool]:
    """Queue the allocation of a cohort; (the job, whether it is new)."""
    region = principal.require_administered_region()

    async def make(claim: Claim) -> Allocation:
        allocation = _new_allocation(principal, region, body, settings, now, claim)
        session.add(allocation)
        return allocation

    allocation, created = await create_once(
        session, Allocation, Allocation.requested_by == principal.sub, idempotency_key, body, create=make
    )
    return summary(allocation), created


def _new_allocation(
    principal: Principal, region: str, body: AllocationIn, settings: Settings, now: datetime, claim: Claim
) -> Allocation:
    errors: list[FieldError] = []
    if len(body.participants) > settings.allocation_max_participants:
        errors.append(
            FieldError(
                loc=["body", "participants"],
                msg=f"at most {settings.allocation_max_participants} participants per allocation",
                type="too_long",
            )
        )
    first: dict[str, int] = {}
    for i, member in enumerate(body.participants):
        if member.participant_id in first:
            errors.append(
                FieldError(
                    loc=["body", "participants", i, "participant_id"],
                    msg=f"also at position {first[member.participant_id]}",
                    type="duplicate",
                )
            )
        first.setdefault(member.participant_id, i)
    if body.window.ends_at <= now:
        errors.append(FieldError(loc=["body", "window", "ends_at"], msg="the window has passed", type="in_past"))
    if errors:
        raise UnprocessableContent(f"{len(errors)} problem(s) with the cohort; nothing was queued", errors=errors)
    allocation = Allocation(
        region=region,
        requested_by=principal.sub,
        status=AllocationStatus.QUEUED,
        progress=0.0,
        stage="queued",
        window_starts_at=body.window.starts_at,
        window_ends_at=body.window.ends_at,
        participant_count=len(body.participants),
        created_at=now,
        participants=[
            AllocationParticipant(
                participant_id=m.participant_id,
                position=i,
                organisation=m.organisation,
                cycle_id=m.cycle_id,
                preferences=m.model_dump(
                    mode="json", include={"mode", "languages", "specialisms", "location", "max_distance_km"}
                ),
            )
            for i, m in enumerate(body.participants)
        ],
        **claim.columns,
    )
    return allocation


async def _visible(session: AsyncSession, principal: Principal, id: UUID, *, for_update: bool = False) -> Allocation:
    region = principal.require_administered_region()
    allocation = await AllocationRepository(session).get_whole(id, for_update=for_update)
    if allocation is None or allocation.region != region:
        raise AllocationNotFound(f"no allocation {id}")
    return allocation


async def get(session: AsyncSession, principal: Principal, id: UUID) -> AllocationOut:
    return to_out(await _visible(session, principal, id))


async def list_region(session: AsyncSession, principal: Principal, *, cursor: str | None, limit: int) -> AllocationList:
    region = principal.require_administered_region()
    rows = await AllocationRepository(session).page(region, after=ALLOCATION_CURSOR.decode(cursor), limit=limit + 1)
    page, next_cursor = ALLOCATION_CURSOR.page(rows, limit, key=lambda a: (a.created_at, a.id))
    return AllocationList(items=[summary(a) for a in page], next_cursor=next_cursor)


async def discard(session: AsyncSession, principal: Principal, id: UUID) -> AllocationOut:
    allocation = await _visible(session, principal, id, for_update=True)
    if allocation.status == AllocationStatus.DISCARDED:
        return to_out(allocation)
    if allocation.status not in (AllocationStatus.QUEUED, AllocationStatus.PROPOSED, AllocationStatus.FAILED):
        raise AllocationNotReady(f"a {allocation.status.value} allocation cannot be discarded")
    allocation.status = AllocationStatus.DISCARDED
    return to_out(allocation)


async def confirm(
    session: AsyncSession, principal: Principal, id: UUID, settings: Settings, now: datetime
) -> AllocationOut:
    """Book every proposed session in one transaction. Each booking is checked again against the
    rules as they stand now (a slot taken since, a rater nominated since); one that no longer holds is
    left out with its reason, the others are booked and announced."""
    allocation = await _visible(session, principal, id, for_update=True)
    if allocation.status == AllocationStatus.CONFIRMED:
        return to_out(allocation)
    if allocation.status != AllocationStatus.PROPOSED:
        raise AllocationNotReady(f"a {allocation.status.value} allocation cannot be confirmed")
    assigned = [p for p in allocation.participants if p.slot_id is not None and p.facilitator_id is not None]
    facilitators = {
        f.id: f
        for f in await FacilitatorRepository(session).lock([p.facilitator_id for p in assigned if p.facilitator_id])
    }
    await BookingRepository(session).expire_holds(list(facilitators), now)
    slot_ids = [p.slot_id for p in assigned if p.slot_id]
    slots = {s.id: s for s in (await session.execute(select(Slot).where(Slot.id.in_(slot_ids)))).scalars()}
    hashes: dict[str, set[str]] = {}
    rows = await session.execute(
        select(RaterConflict.participant_id, RaterConflict.email_hash).where(
            RaterConflict.participant_id.in_([p.participant_id for p in assigned])
        )
    )
    for participant_id, email_hash in rows:
        hashes.setdefault(participant_id, set()).add(email_hash)
    for member in assigned:
        slot = slots.get(member.slot_id) if member.slot_id else None
        facilitator = facilitators.get(member.facilitator_id) if member.facilitator_id else None
        if slot is None or facilitator is None or member.organisation is None:
            member.booking_error = "the slot or the facilitator no longer exists"
            continue
        placement = booking_service.Placement(
            participant=rules.Participant(
                member.participant_id,
                member.organisation,
                member.region,
                frozenset(hashes.get(member.participant_id, ())),
            ),
            slot=slot,
            mode=None if member.mode is None else Mode(member.mode),
            cycle_id=member.cycle_id,
            booked_by=principal.sub,
            confirm=True,
            allocation_id=allocation.id,
        )
        try:
            booking = await booking_service.place(session, placement, facilitator, settings, now, show_conflicts=True)
        except Conflict as exc:
            member.booking_error = _problem_text(exc)
            continue
        member.booking_id, member.booking_error = booking.id, None
    allocation.status, allocation.confirmed_at, allocation.confirmed_by = AllocationStatus.CONFIRMED, now, principal.sub
    return to_out(allocation)


def _problem_text(exc: Conflict) -> str:
    details = [e.msg for e in exc.errors or []]
    return "; ".join([exc.detail or exc.code, *details])


def summary(a: Allocation) -> AllocationSummary:
    return AllocationSummary(
        id=a.id,
        status=a.status,
        progress=a.progress,
        stage=a.stage,
        region=a.region,
        window=Window(starts_at=a.window_starts_at, ends_at=a.window_ends_at),
        participant_count=a.participant_count,
        assigned_count=a.assigned_count,
        objective_cost=a.objective_cost,
        solve_seconds=a.solve_seconds,
        error=a.error,
        created_at=a.created_at,
        finished_at=a.finished_at,
        confirmed_at=a.confirmed_at,
    )


def to_out(a: Allocation) -> AllocationOut:
    solved = a.status in (AllocationStatus.PROPOSED, AllocationStatus.CONFIRMED)
    assignments: list[AssignmentOut] = []
    unassigned: list[UnassignedOut] = []
    for p in a.participants if solved else []:
        if p.facilitator_id is not None and p.slot_id is not None and p.starts_at and p.ends_at and p.mode:
            assignments.append(
                AssignmentOut(
                    participant_id=p.participant_id,
                    facilitator_id=p.facilitator_id,
                    slot_id=p.slot_id,
                    mode=Mode(p.mode),
                    starts_at=p.starts_at,
                    ends_at=p.ends_at,
                    cost=p.cost or 0,
                    reasons=[ReasonOut.model_validate(r) for r in p.reasons],
                    booking_id=p.booking_id,
                    booking_error=p.booking_error,
                )
            )
        else:
            unassigned.append(
                UnassignedOut(
                    participant_id=p.participant_id,
                    reason=p.unassigned_reason or "not assigned",
                    excluded_by=_excluded_by(p.reasons),
                )
            )
    return AllocationOut(**summary(a).model_dump(), assignments=assignments, unassigned=unassigned)


def _excluded_by(reasons: list[dict[str, Any]]) -> dict[str, int]:
    return {str(r["rule"]): int(r["facilitators"]) for r in reasons if "rule" in r and "facilitators" in r}

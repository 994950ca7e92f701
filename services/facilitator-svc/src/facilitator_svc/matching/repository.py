"""Loading what the rules need in three queries, whatever the size of the register: the facilitators,
their free slots in the window, and how many sessions each already has per month."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from sqlalchemy import ColumnElement, and_, func, not_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from facilitator_svc.bookings.models import Booking
from facilitator_svc.facilitators.models import Facilitator
from facilitator_svc.matching.rules import Candidate, FreeSlot, Participant
from facilitator_svc.participants.models import ParticipantCycle, RaterConflict
from facilitator_svc.slots.models import Slot
from facilitator_svc.slots.repository import occupied, slot_is_booked
from facilitator_svc.vocabulary import FacilitatorStatus, Mode


@dataclass(frozen=True)
class CandidateFilter:
    """Which facilitators to load. ``prefilter`` leaves out in SQL those a hard rule excludes anyway,
    so an ordinary match never loads the ones it cannot offer."""

    participant: Participant | None = None
    mode: Mode | None = None
    earliest_date: date | None = None
    region: str | None = None
    ids: Sequence[UUID] | None = None
    prefilter: bool = True


def _conditions(f: CandidateFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if f.region is not None:
        conditions.append(Facilitator.region == f.region)
    if f.ids is not None:
        conditions.append(Facilitator.id.in_(f.ids))
    if not f.prefilter:
        return conditions
    conditions.append(Facilitator.status == FacilitatorStatus.ACTIVE)
    if f.earliest_date is not None:
        conditions.append(Facilitator.accreditation_expires_on >= f.earliest_date)
    if f.mode is not None:
        conditions.append(Facilitator.modes.contains([f.mode.value]))
    if f.participant is not None:
        p = f.participant
        conditions += [
            Facilitator.organisation != p.organisation,
            not_(Facilitator.conflict_organisations.contains([p.organisation])),
            not_(Facilitator.conflict_participants.contains([p.id])),
        ]
        if p.rater_hashes:
            conditions.append(Facilitator.email_hash.not_in(sorted(p.rater_hashes)))
    return conditions


async def load_candidates(
    session: AsyncSession,
    which: CandidateFilter,
    *,
    window_starts_at: datetime,
    window_ends_at: datetime,
    now: datetime,
    timezone: str,
    earliest_per_group: int | None = None,
) -> list[Candidate]:
    f = Facilitator
    columns = (
        f.id,
        f.name,
        f.organisation,
        f.region,
        f.status,
        f.accreditation_level,
        f.accreditation_expires_on,
        f.capacity_per_month,
        f.modes,
        f.languages,
        f.specialisms,
        f.email_hash,
        f.latitude,
        f.longitude,
        f.conflict_organisations,
        f.conflict_participants,
    )
    # Plain rows, not ORM objects: a match reads hundreds of facilitators and changes none.
    facilitators = (await session.execute(select(*columns).where(and_(true(), *_conditions(which))))).all()
    if not facilitators:
        return []
    ids = [row.id for row in facilitators]
    slots = await free_slots(
        session, ids, window_starts_at, window_ends_at, now, timezone=timezone, earliest_per_group=earliest_per_group
    )
    load = await monthly_load(session, ids, window_starts_at, window_ends_at, now, timezone)
    return [
        Candidate(
            id=row.id,
            name=row.name,
            organisation=row.organisation,
            region=row.region,
            status=FacilitatorStatus(row.status),
            accreditation_level=str(row.accreditation_level.value),
            accreditation_expires_on=row.accreditation_expires_on,
            capacity_per_month=row.capacity_per_month,
            modes=tuple(row.modes),
            languages=tuple(row.languages),
            specialisms=tuple(row.specialisms),
            email_hash=row.email_hash,
            latitude=row.latitude,
            longitude=row.longitude,
            conflict_organisations=tuple(row.conflict_organisations),
            conflict_participants=tuple(row.conflict_participants),
            slots=tuple(slots.get(row.id, ())),
            load=load.get(row.id, {}),
        )
        for row in facilitators
    ]


async def free_slots(
    session: AsyncSession,
    facilitator_ids: Sequence[UUID],
    starts_from: datetime,
    starts_before: datetime,
    now: datetime,
    *,
    timezone: str,
    earliest_per_group: int | None = None,
) -> dict[UUID, list[FreeSlot]]:
    """Slots that start in the window, after now, with no occupying booking on their time.

    ``earliest_per_group`` keeps only the earliest few of each facilitator, month and set of modes. A
    facilitator's sessions of one month and mode score alike but for the date, and earlier scores
    higher, so a match that shows a facilitator's best few sessions never needs the later ones.
    """
    month = func.date_trunc("month", func.timezone(timezone, Slot.starts_at))
    free = (
        select(
            Slot.id,
            Slot.facilitator_id,
            Slot.starts_at,
            Slot.ends_at,
            Slot.modes,
            Slot.venue,
            month.label("month"),
            func.row_number()
            .over(partition_by=(Slot.facilitator_id, month, Slot.modes), order_by=(Slot.starts_at, Slot.id))
            .label("rank"),
        )
        .where(
            Slot.facilitator_id.in_(facilitator_ids),
            Slot.starts_at >= max(starts_from, now),
            Slot.starts_at < starts_before,
            not_(slot_is_booked(now)),
        )
        .subquery()
    )
    statement = select(free).order_by(free.c.starts_at)
    if earliest_per_group is not None:
        statement = statement.where(free.c.rank <= earliest_per_group)
    out: dict[UUID, list[FreeSlot]] = defaultdict(list)
    for id, facilitator_id, starts_at, ends_at, modes, venue, month, _ in await session.execute(statement):
        out[facilitator_id].append(FreeSlot(id, starts_at, ends_at, tuple(modes), venue, month.date()))
    return out


async def monthly_load(
    session: AsyncSession,
    facilitator_ids: Sequence[UUID],
    starts_from: datetime,
    starts_before: datetime,
    now: datetime,
    timezone: str,
) -> dict[UUID, dict[date, int]]:
    """Occupying bookings per facilitator and local calendar month, over the months the window touches."""
    month = func.date_trunc("month", func.timezone(timezone, Booking.starts_at))
    first = func.date_trunc("month", func.timezone(timezone, starts_from))
    after_last = func.date_trunc("month", func.timezone(timezone, starts_before)) + func.make_interval(0, 1)
    statement = (
        select(Booking.facilitator_id, month.label("month"), func.count().label("sessions"))
        .where(
            Booking.facilitator_id.in_(facilitator_ids),
            func.timezone(timezone, Booking.starts_at) >= first,
            func.timezone(timezone, Booking.starts_at) < after_last,
            *occupied(now),
        )
        .group_by(Booking.facilitator_id, month)
    )
    out: dict[UUID, dict[date, int]] = defaultdict(dict)
    for row in await session.execute(statement):
        out[row.facilitator_id][row.month.date()] = int(row.sessions)
    return out


async def rater_hashes(session: AsyncSession, participant_id: str) -> frozenset[str]:
    statement = select(RaterConflict.email_hash).where(RaterConflict.participant_id == participant_id)
    return frozenset((await session.execute(statement)).scalars().all())


async def known_participant(
    session: AsyncSession, participant_id: str, cycle_id: UUID | None = None
) -> ParticipantCycle | None:
    """The participant's organisation and region as their latest (or the named) cycle recorded them."""
    statement = select(ParticipantCycle).where(ParticipantCycle.participant_id == participant_id)
    if cycle_id is not None:
        statement = statement.where(ParticipantCycle.cycle_id == cycle_id)
    statement = statement.order_by(ParticipantCycle.opened_at.desc()).limit(1)
    return (await session.execute(statement)).scalars().first()

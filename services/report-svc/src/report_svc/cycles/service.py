"""The read model of survey-svc's cycles, fed by its events in whatever order they arrive."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime

from sqlalchemy import delete, exists, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from hlm_contracts import CycleClosedV1, CycleOpenedV1, ParticipantErasedV1, ResponseSubmittedV1
from hlm_kit.db import hold_lock
from report_svc.consents.models import Consent
from report_svc.cycles.models import Cycle, ErasedCycle, ErasedParticipant, Response
from report_svc.cycles.repository import CycleRepository, ResponseRepository
from report_svc.questionnaires import service as questionnaire_service
from report_svc.reports import service as report_service
from report_svc.reports.models import Report
from report_svc.sessions.models import Booking


def participant_hash(participant_id: str) -> str:
    return hashlib.sha256(participant_id.encode()).hexdigest()


async def hold_participant(session: AsyncSession, participant_id: str, *, erasing: bool = False) -> None:
    """Order an erasure against the events that name its participant, until this transaction ends.

    An erasure and a cycle's opening come on different queues. Handled at the same moment, the erasure
    would not see the uncommitted cycle and the opening would not see the uncommitted erasure, and the
    cycle would outlive the erasure. Events naming the participant hold this lock shared before they
    check for an erasure; the erasure holds it exclusively before it looks for what to delete.
    """
    await hold_lock(session, f"report-svc participant {participant_hash(participant_id)}", shared=not erasing)


async def is_erased(
    session: AsyncSession, *, cycle_id: uuid.UUID | None = None, participant_id: str | None = None
) -> bool:
    """Whether the cycle, or the participant, was erased: an event about either stores nothing again."""
    conditions = [exists().where(ErasedCycle.cycle_id == cycle_id)] if cycle_id is not None else []
    if participant_id is not None:
        conditions.append(exists().where(ErasedParticipant.participant_hash == participant_hash(participant_id)))
    return bool((await session.execute(select(or_(*conditions)))).scalar())


async def on_opened(session: AsyncSession, data: CycleOpenedV1, *, opened_at: datetime | None = None) -> None:
    await hold_participant(session, data.participant_id)
    if await is_erased(session, cycle_id=data.cycle_id, participant_id=data.participant_id):
        return
    await questionnaire_service.lock_arrival(session, data.questionnaire_id, arriving=False)
    cycle = await CycleRepository(session).lock(data.cycle_id)
    cycle.kind = data.kind.value
    cycle.participant_id = data.participant_id
    cycle.organisation = data.organisation
    cycle.region = data.region
    cycle.questionnaire_id = data.questionnaire_id
    cycle.closes_at = data.closes_at
    cycle.thresholds = data.thresholds.model_dump()
    cycle.release_mode = data.release_mode.value
    cycle.team_cycle_id = data.team_cycle_id
    cycle.opened_at = opened_at or cycle.opened_at
    await session.flush()
    await report_service.build_if_complete(session, cycle)


async def on_response_submitted(session: AsyncSession, data: ResponseSubmittedV1) -> None:
    # A response names no participant, so it cannot wait on an erasure's participant lock; it checks for
    # the erasure once it holds the cycle's lock instead, which an erasure holds until it commits.
    cycle = await CycleRepository(session).lock(data.cycle_id)
    if await is_erased(session, cycle_id=data.cycle_id):
        await session.delete(cycle)  # the empty row the lock stored again
        return
    await ResponseRepository(session).add_once(
        Response(
            id=data.response_id,
            cycle_id=data.cycle_id,
            rater_group=data.rater_group.value,
            answers={a.item_key: (int(a.level) if a.level is not None else None) for a in data.answers},
            importance={r.dimension_key: r.rating for r in data.importance},
            comments={c.dimension_key: c.text for c in data.comments},
        )
    )
    await report_service.build_if_complete(session, cycle)


async def on_closed(session: AsyncSession, data: CycleClosedV1) -> None:
    await hold_participant(session, data.participant_id)
    if await is_erased(session, cycle_id=data.cycle_id, participant_id=data.participant_id):
        return
    cycle = await CycleRepository(session).lock(data.cycle_id)
    # A cycle that was extended closes again with larger counts; an older close arriving late changes nothing.
    if cycle.closed_at is None or data.closed_at >= cycle.closed_at:
        cycle.submitted = {group.value: count for group, count in data.submitted.items()}
        cycle.invited = {group.value: count for group, count in data.invited.items()}
        cycle.closed_at = data.closed_at
        cycle.participant_id = cycle.participant_id or data.participant_id
        await session.flush()
    await report_service.build_if_complete(session, cycle)


async def on_questionnaire_available(session: AsyncSession, questionnaire_id: uuid.UUID) -> None:
    """A questionnaire announced after its cycles closed: build what was waiting for it."""
    repository = CycleRepository(session)
    for cycle_id in await repository.ids_using_questionnaire(questionnaire_id):
        if (cycle := await repository.lock_existing(cycle_id)) is not None:
            await report_service.build_if_complete(session, cycle)


async def on_participant_erased(session: AsyncSession, data: ParticipantErasedV1) -> None:
    """Delete everything held about the participant, and remember (by hash) not to store it again."""
    await hold_participant(session, data.participant_id, erasing=True)
    repository = CycleRepository(session)
    cycle_ids = list(await repository.ids_of_participant(data.participant_id))
    for cycle_id in cycle_ids:
        await repository.lock_existing(cycle_id)
    report_cycles = await session.execute(select(Report.cycle_id).where(Report.participant_id == data.participant_id))
    cycle_ids = sorted(set(cycle_ids) | set(report_cycles.scalars().all()))
    if cycle_ids:
        await session.execute(insert(ErasedCycle).values([{"cycle_id": c} for c in cycle_ids]).on_conflict_do_nothing())
    await session.execute(
        insert(ErasedParticipant)
        .values(participant_hash=participant_hash(data.participant_id))
        .on_conflict_do_nothing()
    )
    await session.execute(delete(Report).where(Report.participant_id == data.participant_id))
    await session.execute(delete(Cycle).where(Cycle.id.in_(cycle_ids)))
    await session.execute(delete(Booking).where(Booking.participant_id == data.participant_id))
    await session.execute(delete(Consent).where(Consent.participant_id == data.participant_id))

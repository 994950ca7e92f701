"""Handlers of other services' events. Each runs in the transaction that records the event in the
inbox, so a redelivered event changes nothing."""

from __future__ import annotations

from collections.abc import Sequence

import structlog
from sqlalchemy import delete, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from hlm_contracts import (
    QuestionnairePublishedV1,
    ReportReleasedV1,
    ResourcesPublishedV1,
    SessionBookedV1,
    SessionCancelledV1,
    queues_for,
)
from hlm_contracts.topology import ConsumerQueue
from hlm_kit.app import ServiceRuntime
from hlm_kit.messaging.consumer import EventConsumer, Handler
from hlm_kit.messaging.envelope import CloudEvent
from survey_svc.cycles.models import Cycle, FeedbackSession
from survey_svc.questionnaires import service as questionnaire_service
from survey_svc.resources import service as resource_service

log = structlog.get_logger(__name__)


async def on_report_released(session: AsyncSession, data: ReportReleasedV1, event: CloudEvent) -> None:
    """From now on the cycle accepts nothing: no response, draft, nomination or extension."""
    result = await session.execute(
        update(Cycle)
        .where(Cycle.id == data.cycle_id, Cycle.report_released_at.is_(None))
        .values(report_released_at=data.released_at)
        .returning(Cycle.id)
    )
    if result.scalar_one_or_none() is None:
        log.info("report released for a cycle unknown here or already released", cycle_id=str(data.cycle_id))


async def on_session_booked(session: AsyncSession, data: SessionBookedV1, event: CloudEvent) -> None:
    """Keep the latest booking per booking id (a reschedule is published again under the same id)."""
    if data.cycle_id is None or await session.get(Cycle, data.cycle_id) is None:
        return
    values = {
        "cycle_id": data.cycle_id,
        "participant_id": data.participant_id,
        "starts_at": data.starts_at,
        "ends_at": data.ends_at,
    }
    await session.execute(
        insert(FeedbackSession)
        .values(booking_id=data.booking_id, **values)
        .on_conflict_do_update(index_elements=[FeedbackSession.booking_id], set_=values)
    )


async def on_session_cancelled(session: AsyncSession, data: SessionCancelledV1, event: CloudEvent) -> None:
    await session.execute(delete(FeedbackSession).where(FeedbackSession.booking_id == data.booking_id))


HANDLERS: dict[str, dict[type, Handler]] = {
    "questionnaire_published": {QuestionnairePublishedV1: questionnaire_service.on_published},
    "report_released": {ReportReleasedV1: on_report_released},
    "session_booked": {SessionBookedV1: on_session_booked},
    "session_cancelled": {SessionCancelledV1: on_session_cancelled},
    "resources_published": {ResourcesPublishedV1: resource_service.on_published},
}


def queues() -> Sequence[ConsumerQueue]:
    return queues_for("survey")


def consumers(runtime: ServiceRuntime) -> list[EventConsumer]:
    """One consumer per queue of survey-svc (``hlm_contracts.topology``)."""
    settings = runtime.settings
    return [
        EventConsumer(
            queue=queue,
            handlers=HANDLERS[queue.handler],
            broker=runtime.broker,
            sessionmaker=runtime.sessionmaker,
            inbox=runtime.inbox,
            prefetch=settings.consumer_prefetch,
            max_attempts=settings.consumer_max_attempts,
            retry_base_delay_s=settings.consumer_retry_base_delay_s,
        )
        for queue in queues()
    ]

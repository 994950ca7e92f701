"""Handlers of other services' events: the read model every report is built from.

Each handler runs in one transaction with its inbox row (a redelivered event changes nothing) and takes
the lock of the cycle it concerns before touching it, so events about one cycle apply one at a time in
whatever order they arrive.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from hlm_contracts import (
    CycleClosedV1,
    CycleOpenedV1,
    EventData,
    ParticipantErasedV1,
    QuestionnairePublishedV1,
    ResourcesPublishedV1,
    ResponseSubmittedV1,
    SessionBookedV1,
    SessionCancelledV1,
    SessionCompletedV1,
)
from hlm_contracts.topology import queues_for
from hlm_kit.app import ServiceRuntime
from hlm_kit.messaging.consumer import EventConsumer, Handler
from hlm_kit.messaging.envelope import CloudEvent
from report_svc.cycles import service as cycle_service
from report_svc.questionnaires import service as questionnaire_service
from report_svc.resources import service as resource_service
from report_svc.sessions import service as session_service


async def questionnaire_published(session: AsyncSession, data: QuestionnairePublishedV1, _: CloudEvent) -> None:
    await questionnaire_service.lock_arrival(session, data.questionnaire_id, arriving=True)
    await questionnaire_service.store(session, data)
    await cycle_service.on_questionnaire_available(session, data.questionnaire_id)


async def cycle_opened(session: AsyncSession, data: CycleOpenedV1, event: CloudEvent) -> None:
    # The event's time is when survey-svc opened the cycle: the report's cover prints it.
    await cycle_service.on_opened(session, data, opened_at=event.time)


async def response_submitted(session: AsyncSession, data: ResponseSubmittedV1, _: CloudEvent) -> None:
    await cycle_service.on_response_submitted(session, data)


async def cycle_closed(session: AsyncSession, data: CycleClosedV1, _: CloudEvent) -> None:
    await cycle_service.on_closed(session, data)


async def session_booked(session: AsyncSession, data: SessionBookedV1, event: CloudEvent) -> None:
    await session_service.on_booked(session, data, event.time)


async def session_cancelled(session: AsyncSession, data: SessionCancelledV1, _: CloudEvent) -> None:
    await session_service.on_cancelled(session, data)


async def session_completed(session: AsyncSession, data: SessionCompletedV1, _: CloudEvent) -> None:
    await session_service.on_completed(session, data)


async def participant_erased(session: AsyncSession, data: ParticipantErasedV1, _: CloudEvent) -> None:
    await cycle_service.on_participant_erased(session, data)


async def resources_published(session: AsyncSession, data: ResourcesPublishedV1, _: CloudEvent) -> None:
    await resource_service.on_published(session, data)


HANDLERS: dict[type[EventData], Handler] = {
    QuestionnairePublishedV1: questionnaire_published,
    CycleOpenedV1: cycle_opened,
    ResponseSubmittedV1: response_submitted,
    CycleClosedV1: cycle_closed,
    SessionBookedV1: session_booked,
    SessionCancelledV1: session_cancelled,
    SessionCompletedV1: session_completed,
    ParticipantErasedV1: participant_erased,
    ResourcesPublishedV1: resources_published,
}


def consumers(runtime: ServiceRuntime) -> Sequence[EventConsumer]:
    """One consumer per queue of report-svc, each with the handler of its event type."""
    by_type = {cls.type: (cls, handler) for cls, handler in HANDLERS.items()}
    settings = runtime.settings
    built = []
    for queue in queues_for("report"):
        handlers = dict(by_type[t] for t in queue.event_types)
        built.append(
            EventConsumer(
                queue=queue,
                handlers=handlers,
                broker=runtime.broker,
                sessionmaker=runtime.sessionmaker,
                inbox=runtime.inbox,
                prefetch=settings.consumer_prefetch,
                max_attempts=settings.consumer_max_attempts,
                retry_base_delay_s=settings.consumer_retry_base_delay_s,
            )
        )
    return built

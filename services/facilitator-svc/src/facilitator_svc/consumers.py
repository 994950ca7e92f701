"""Handlers of other services' events: what this service learns about participants, and forgets.

Each handler runs in the transaction that records the event in the inbox, so a redelivered event
changes nothing; the rules and the writes are the participants service's.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from facilitator_svc.config import Settings
from facilitator_svc.participants import service as participant_service
from hlm_contracts import (
    CycleOpenedV1,
    EventData,
    ParticipantErasedV1,
    RaterNominatedV1,
    ReportReadyV1,
    queues_for,
)
from hlm_kit.app import ConsumerFactory, ServiceRuntime
from hlm_kit.messaging.consumer import EventConsumer, Handler
from hlm_kit.messaging.envelope import CloudEvent


async def on_cycle_opened(session: AsyncSession, data: CycleOpenedV1, event: CloudEvent) -> None:
    await participant_service.record_cycle(session, data, opened_at=event.time)


async def on_rater_nominated(session: AsyncSession, data: RaterNominatedV1, event: CloudEvent) -> None:
    await participant_service.record_rater(session, data, nominated_at=event.time, now=datetime.now(UTC))


async def on_report_ready(session: AsyncSession, data: ReportReadyV1, event: CloudEvent) -> None:
    await participant_service.record_report(session, data, ready_at=event.time)


async def on_participant_erased(session: AsyncSession, data: ParticipantErasedV1, event: CloudEvent) -> None:
    await participant_service.erase(session, data.participant_id, datetime.now(UTC))


HANDLERS: dict[type[EventData], Handler] = {
    CycleOpenedV1: on_cycle_opened,
    RaterNominatedV1: on_rater_nominated,
    ReportReadyV1: on_report_ready,
    ParticipantErasedV1: on_participant_erased,
}


def consumer_factory(settings: Settings) -> ConsumerFactory:
    """What ``create_service_app`` calls with the runtime: one consumer per queue of this service."""
    by_type = {cls.type: cls for cls in HANDLERS}

    def build(runtime: ServiceRuntime) -> list[EventConsumer]:
        return [
            EventConsumer(
                queue=queue,
                handlers={by_type[t]: HANDLERS[by_type[t]] for t in queue.event_types},
                broker=runtime.broker,
                sessionmaker=runtime.sessionmaker,
                inbox=runtime.inbox,
                prefetch=settings.consumer_prefetch,
                max_attempts=settings.consumer_max_attempts,
                retry_base_delay_s=settings.consumer_retry_base_delay_s,
            )
            for queue in queues_for("facilitator")
        ]

    return build

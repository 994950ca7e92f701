"""Which service handles each of other services' events. Each handler runs in the one transaction that
records the event in the inbox (``hlm_kit.messaging.consumer``), so a redelivered event changes nothing."""

from __future__ import annotations

from collections.abc import Sequence

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
from survey_svc.cycles import feedback_sessions, lifecycle
from survey_svc.questionnaires import service as questionnaire_service
from survey_svc.resources import service as resource_service

HANDLERS: dict[str, dict[type, Handler]] = {
    "questionnaire_published": {QuestionnairePublishedV1: questionnaire_service.on_published},
    "report_released": {ReportReleasedV1: lifecycle.on_report_released},
    "session_booked": {SessionBookedV1: feedback_sessions.on_booked},
    "session_cancelled": {SessionCancelledV1: feedback_sessions.on_cancelled},
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

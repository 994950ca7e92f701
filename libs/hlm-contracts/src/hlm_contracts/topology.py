"""Who consumes what: every consumer queue of the platform, and the broadcast events, in one place.

Each consuming service has one durable queue per event type it handles, named `<service>.<handler>`,
bound to the exchange `hlm.events` with the event type as routing key. The gateway is not listed: it
follows events on a queue of its own that lives only as long as its connection.

Every other event type must reach at least one of these queues: the outbox relay publishes it
`mandatory`, so an event nobody is bound for is a deployment error, logged and kept. A broadcast event
(`BROADCAST_EVENT_TYPES`) is published for whoever binds a queue to it, possibly nobody (an academy's own
systems, say): the relay publishes it without `mandatory`, so it is sent once the broker confirms it,
whether or not a queue took it.
"""

from __future__ import annotations

from dataclasses import dataclass

from hlm_contracts.facilitator import (
    AccreditationGrantedV1,
    AccreditationReminderRecordedV1,
    CourseRequestDecidedV1,
    SessionBookedV1,
    SessionCancelledV1,
    SessionCompletedV1,
)
from hlm_contracts.framework import QuestionnairePublishedV1, ResourcesPublishedV1
from hlm_contracts.report import ReportReadyV1, ReportReleasedV1
from hlm_contracts.survey import (
    CycleClosedV1,
    CycleOpenedV1,
    ParticipantErasedV1,
    RaterNominatedV1,
    ResponseSubmittedV1,
)

# The short names of the services, as they appear in queue names and event types.
SERVICES: tuple[str, ...] = ("framework", "survey", "report", "facilitator")


@dataclass(frozen=True, slots=True)
class ConsumerQueue:
    """One handler's queue: the service that owns it, the handler's name, and the event types it receives."""

    service: str
    handler: str
    event_types: tuple[str, ...]

    @property
    def name(self) -> str:
        return f"{self.service}.{self.handler}"


def handler_name(type_name: str) -> str:
    """The handler named after an event: `hlm.survey.cycle.opened.v1` -> `cycle_opened`."""
    parts = type_name.split(".")
    if len(parts) != 5 or parts[0] != "hlm":
        raise ValueError(f"not an event type name: {type_name!r}")
    return f"{parts[2]}_{parts[3]}"


def _queues(type_name: str, *consumers: str) -> tuple[ConsumerQueue, ...]:
    return tuple(ConsumerQueue(service, handler_name(type_name), (type_name,)) for service in consumers)


CONSUMER_QUEUES: tuple[ConsumerQueue, ...] = (
    *_queues(QuestionnairePublishedV1.type, "survey", "report"),
    *_queues(CycleOpenedV1.type, "report", "facilitator"),
    *_queues(RaterNominatedV1.type, "facilitator"),
    *_queues(ResponseSubmittedV1.type, "report"),
    *_queues(CycleClosedV1.type, "report"),
    *_queues(ReportReadyV1.type, "facilitator"),
    # survey-svc stops accepting anything for a cycle whose report has been released.
    *_queues(ReportReleasedV1.type, "survey"),
    *_queues(SessionBookedV1.type, "report", "survey"),
    *_queues(SessionCancelledV1.type, "report", "survey"),
    *_queues(SessionCompletedV1.type, "report"),
    *_queues(ParticipantErasedV1.type, "report", "facilitator"),
    # Each keeps its own copy of the published resources, to point a report's priority areas and blind
    # spots, and the journal's goals, to the resources of their dimension.
    *_queues(ResourcesPublishedV1.type, "report", "survey"),
)

# Published for any consumer ("(any)" in the catalogue): no service of the platform needs them, an
# academy's own systems may bind a queue. Never listed in CONSUMER_QUEUES' event types as well: a type is
# either broadcast or owed to the queues above.
# The answer to a course request is for the requesting organisation's and the academy's own systems.
# So is the reminder that an accreditation lapses soon: facilitator-svc sends no mail.
BROADCAST_EVENT_TYPES: frozenset[str] = frozenset(
    {AccreditationGrantedV1.type, CourseRequestDecidedV1.type, AccreditationReminderRecordedV1.type}
)


def queues_for(service: str) -> tuple[ConsumerQueue, ...]:
    """The queues a service consumes from, by its short name (`survey`) or its full name (`survey-svc`)."""
    short = service.removesuffix("-svc")
    if short not in SERVICES:
        raise ValueError(f"unknown service {service!r}; expected one of {', '.join(SERVICES)}")
    return tuple(queue for queue in CONSUMER_QUEUES if queue.service == short)

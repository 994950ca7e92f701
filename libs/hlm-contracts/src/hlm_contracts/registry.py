"""Every event type of the platform, by its type name."""

from __future__ import annotations

from hlm_contracts.base import EventData
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

_ALL: tuple[type[EventData], ...] = (
    QuestionnairePublishedV1,
    CycleOpenedV1,
    RaterNominatedV1,
    ResponseSubmittedV1,
    CycleClosedV1,
    ReportReadyV1,
    ReportReleasedV1,
    SessionBookedV1,
    SessionCancelledV1,
    SessionCompletedV1,
    ParticipantErasedV1,
    ResourcesPublishedV1,
    AccreditationGrantedV1,
    CourseRequestDecidedV1,
    AccreditationReminderRecordedV1,
)

EVENT_TYPES: dict[str, type[EventData]] = {cls.type: cls for cls in _ALL}
if len(EVENT_TYPES) != len(_ALL):
    raise RuntimeError("two event classes share one type name")


class UnknownEventType(KeyError):
    """No event type of that name exists (in this version of the contracts)."""

    def __init__(self, type_name: str) -> None:
        super().__init__(type_name)
        self.type_name = type_name

    def __str__(self) -> str:
        return f"unknown event type {self.type_name!r}"


def event_class(type_name: str) -> type[EventData]:
    """The data model of the event type `type_name`; raises `UnknownEventType` when there is none."""
    try:
        return EVENT_TYPES[type_name]
    except KeyError:
        raise UnknownEventType(type_name) from None

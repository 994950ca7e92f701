"""The API between the HLM platform's services: the data of every event, the shared vocabularies,
who consumes which event, and the JSON Schemas generated from all of it."""

from hlm_contracts.base import EventData, EventPart
from hlm_contracts.email_hash import EmailAddress, EmailHashKey, email_hash
from hlm_contracts.enums import (
    AccreditationLevel,
    CycleKind,
    NominatedRaterGroup,
    QuestionnairePurpose,
    RaterGroup,
    RatingLevel,
    ReleaseMode,
)
from hlm_contracts.facilitator import AccreditationGrantedV1, SessionBookedV1, SessionCancelledV1, SessionCompletedV1
from hlm_contracts.framework import (
    ImportanceQuestion,
    QuestionnaireDimension,
    QuestionnaireItem,
    QuestionnairePublishedV1,
    ScalePoint,
)
from hlm_contracts.registry import EVENT_TYPES, UnknownEventType, event_class
from hlm_contracts.report import ReportReadyV1, ReportReleasedV1
from hlm_contracts.schemas import event_json_schemas
from hlm_contracts.survey import (
    Answer,
    CycleClosedV1,
    CycleOpenedV1,
    DimensionComment,
    ImportanceRating,
    ParticipantErasedV1,
    RaterNominatedV1,
    ResponseSubmittedV1,
    Thresholds,
)
from hlm_contracts.topology import CONSUMER_QUEUES, SERVICES, ConsumerQueue, handler_name, queues_for

__all__ = [
    "CONSUMER_QUEUES",
    "EVENT_TYPES",
    "SERVICES",
    "AccreditationGrantedV1",
    "AccreditationLevel",
    "Answer",
    "ConsumerQueue",
    "CycleClosedV1",
    "CycleKind",
    "CycleOpenedV1",
    "DimensionComment",
    "EmailAddress",
    "EmailHashKey",
    "EventData",
    "EventPart",
    "ImportanceQuestion",
    "ImportanceRating",
    "NominatedRaterGroup",
    "ParticipantErasedV1",
    "QuestionnaireDimension",
    "QuestionnaireItem",
    "QuestionnairePublishedV1",
    "QuestionnairePurpose",
    "RaterGroup",
    "RaterNominatedV1",
    "RatingLevel",
    "ReleaseMode",
    "ReportReadyV1",
    "ReportReleasedV1",
    "ResponseSubmittedV1",
    "ScalePoint",
    "SessionBookedV1",
    "SessionCancelledV1",
    "SessionCompletedV1",
    "Thresholds",
    "UnknownEventType",
    "email_hash",
    "event_class",
    "event_json_schemas",
    "handler_name",
    "queues_for",
]

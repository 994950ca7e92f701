"""Facilitator training as the academy runs it: courses with places and a waiting list, the e-learning
assessment, interest in train-the-trainer, attendance, and the accreditation a completed course grants.
facilitator-svc decides who may do what; its expected refusals are typed results here."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Annotated, TypedDict

import strawberry
from strawberry.types import Info

from hlm_gateway.context import Context
from hlm_gateway.errors import ErrorCode, GatewayError
from hlm_gateway.facilitators.types import JsonObject, SessionMode, rest_value
from hlm_gateway.journey.types import optional_id
from hlm_gateway.problems import FieldProblem, refusal_code, refused_as
from hlm_gateway.upstream import facilitator as api
from hlm_gateway.vocabulary import AccreditationLevel
from hlm_kit.errors import Problem


@strawberry.enum(
    description="FACILITATOR_TRAINING: the one-day course after the e-learning, granting the facilitator level; "
    "TRAIN_THE_TRAINER: for experienced facilitators who will train others, granting the trainer level."
)
class CourseKind(Enum):
    FACILITATOR_TRAINING = "facilitator_training"
    TRAIN_THE_TRAINER = "train_the_trainer"


@strawberry.enum
class EnrolmentStatus(Enum):
    ENROLLED = strawberry.enum_value("enrolled", description="Has a place.")
    WAITING = strawberry.enum_value("waiting", description="On the waiting list, at waitingPosition.")
    WITHDRAWN = "withdrawn"
    COMPLETED = "completed"


@strawberry.type(description="Someone's place, or waiting-list entry, on a training course.")
class Enrolment:
    id: strawberry.ID
    course_id: strawberry.ID
    facilitator_id: strawberry.ID | None = strawberry.field(description="Their register entry, if they have one.")
    name: str
    email: str
    organisation: str
    status: EnrolmentStatus
    waiting_position: int | None = strawberry.field(description="1 for the first on the waiting list.")
    requested_at: datetime
    placed_at: datetime | None
    promoted_at: datetime | None = strawberry.field(
        description="When they moved up from the waiting list to a place; the academy tells them."
    )
    withdrawn_at: datetime | None
    attended: bool | None
    completed_at: datetime | None


@strawberry.type(description="A training course of a region, run by a facilitator accredited at trainer level.")
class Course:
    id: strawberry.ID
    kind: CourseKind
    title: str
    region: str
    starts_on: date
    ends_on: date
    mode: SessionMode
    place: str | None
    capacity: int
    trainer_id: strawberry.ID
    trainer_name: str
    places_taken: int
    waiting: int = strawberry.field(description="How many are on the waiting list.")
    created_at: datetime

    @strawberry.field(
        description="Places, then the waiting list in order, then withdrawals (the region's administrators and the "
        "course's trainer). Read for one course at a time: on course(id) or a mutation's course."
    )
    async def enrolments(self, info: Info[Context, None]) -> list[Enrolment] | None:
        # facilitator-svc has no batch read of enrolments, so a list of courses would cost one call per course.
        if info.path.prev is None or info.path.prev.prev is not None:
            raise GatewayError(
                "enrolments are read for one course at a time: ask for them on course(id)", ErrorCode.BAD_USER_INPUT
            )
        found = await info.context.facilitator.get(f"/v1/training/courses/{self.id}/enrolments", api.EnrolmentList)
        return [enrolment_from(item) for item in found.items]


@strawberry.type(description="The enrolment was withdrawn; a freed place went to the first on the waiting list.")
class Withdrawal:
    withdrawn: Enrolment
    promoted: Enrolment | None = strawberry.field(description="Who moved up from the waiting list into the place.")


@strawberry.type(description="The accreditation a completed course granted or renewed.")
class AccreditationGrant:
    facilitator_id: strawberry.ID
    level: AccreditationLevel
    granted_on: date
    expires_on: date
    added_to_register: bool = strawberry.field(
        description="The person was new and is now on the register, inactive until an administrator completes them."
    )


@strawberry.type(description="The course was recorded as completed for this person.")
class CourseCompleted:
    enrolment: Enrolment
    accreditation: AccreditationGrant


@strawberry.type(description="An e-learning assessment result, judged against the pass mark of the day it was entered.")
class TrainingAssessment:
    id: strawberry.ID
    name: str
    email: str
    score: int = strawberry.field(description="In percent.")
    pass_mark: int
    is_passed: bool
    assessed_on: date
    recorded_at: datetime


@strawberry.type(description="What an import of e-learning results recorded.")
class AssessmentsImported:
    recorded: int = strawberry.field(description="Results of the file now recorded, each judged against the pass mark.")
    already_recorded: int = strawberry.field(
        description="Rows the region holds already (the same person, day and score), not recorded again."
    )


@strawberry.type(description="A facilitator's interest in train-the-trainer.")
class TrainerInterest:
    id: strawberry.ID
    facilitator_id: strawberry.ID
    facilitator_name: str
    region: str
    statement: str | None
    delivered_sessions: int
    created_at: datetime


@strawberry.type(description="One reason a rule of the academy refused the request.")
class TrainingReason:
    type: str = strawberry.field(
        description="A machine code: course_started, is_the_trainer, not_accredited, too_few_sessions, ..."
    )
    message: str


@strawberry.type(description="A rule of the academy keeps this person from the course or from train-the-trainer.")
class NotEligible:
    message: str
    reasons: list[TrainingReason]


@strawberry.type(
    description="The course cannot be recorded as completed yet: attendance not recorded, did not attend, or "
    "the e-learning assessment not passed."
)
class CompletionRefused:
    message: str
    reasons: list[TrainingReason]


@strawberry.type(
    description="facilitator-svc refused the request and changed nothing: already enrolled or interested, an "
    "enrolment in a state that does not allow it, or fields that break a rule (each listed in problems)."
)
class TrainingRefused:
    message: str
    code: str | None
    problems: list[FieldProblem]


CreateCourseResult = Annotated[Course | TrainingRefused, strawberry.union("CreateCourseResult")]
EnrolResult = Annotated[Enrolment | NotEligible | TrainingRefused, strawberry.union("EnrolResult")]
WithdrawResult = Annotated[Withdrawal | TrainingRefused, strawberry.union("WithdrawResult")]
RecordAssessmentResult = Annotated[TrainingAssessment | TrainingRefused, strawberry.union("RecordAssessmentResult")]
ImportAssessmentsResult = Annotated[AssessmentsImported | TrainingRefused, strawberry.union("ImportAssessmentsResult")]
ExpressInterestResult = Annotated[
    TrainerInterest | NotEligible | TrainingRefused, strawberry.union("ExpressInterestResult")
]
AttendanceResult = Annotated[Enrolment | TrainingRefused, strawberry.union("AttendanceResult")]
CompleteCourseResult = Annotated[
    CourseCompleted | CompletionRefused | TrainingRefused, strawberry.union("CompleteCourseResult")
]


# --- inputs ----------------------------------------------------------------------------------------


@strawberry.input(description="A course of your region; an in-person course says where.")
class CourseInput:
    kind: CourseKind
    title: str
    starts_on: date
    mode: SessionMode
    capacity: int
    trainer_id: strawberry.ID = strawberry.field(description="A facilitator of your region at trainer level.")
    ends_on: date | None = strawberry.field(default=None, description="The last day; the first when left out.")
    place: str | None = None


@strawberry.input(description="Someone not on the register yet, enrolled by an administrator.")
class TraineeInput:
    name: str
    email: str
    organisation: str


@strawberry.input(description="An e-learning assessment result.")
class AssessmentResultInput:
    name: str
    email: str
    score: int = strawberry.field(description="In percent.")
    assessed_on: date


# --- to and from facilitator-svc -------------------------------------------------------------------


def _datetime(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _id(value: str | None) -> strawberry.ID | None:
    return strawberry.ID(value) if value else None


def course_from(data: api.CourseOut) -> Course:
    return Course(
        id=strawberry.ID(str(data.id)),
        kind=CourseKind(data.kind.value),
        title=data.title,
        region=data.region,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        mode=SessionMode(data.mode.value),
        place=data.place,
        capacity=data.capacity,
        trainer_id=strawberry.ID(str(data.trainer_id)),
        trainer_name=data.trainer_name,
        places_taken=data.places_taken,
        waiting=data.waiting,
        created_at=data.created_at,
    )


def enrolment_from(data: api.EnrolmentOut) -> Enrolment:
    return Enrolment(
        id=strawberry.ID(str(data.id)),
        course_id=strawberry.ID(str(data.course_id)),
        facilitator_id=optional_id(data.facilitator_id),
        name=data.name,
        email=data.email,
        organisation=data.organisation,
        status=EnrolmentStatus(data.status.value),
        waiting_position=data.waiting_position,
        requested_at=data.requested_at,
        placed_at=data.placed_at,
        promoted_at=data.promoted_at,
        withdrawn_at=data.withdrawn_at,
        attended=data.attended,
        completed_at=data.completed_at,
    )


def withdrawal_from(data: api.WithdrawalOut) -> Withdrawal:
    promoted = data.promoted
    return Withdrawal(withdrawn=enrolment_from(data.withdrawn), promoted=enrolment_from(promoted) if promoted else None)


def completion_from(data: api.CompletionOut) -> CourseCompleted:
    grant = data.accreditation
    return CourseCompleted(
        enrolment=enrolment_from(data.enrolment),
        accreditation=AccreditationGrant(
            facilitator_id=strawberry.ID(str(grant.facilitator_id)),
            level=AccreditationLevel(grant.level.value),
            granted_on=grant.granted_on,
            expires_on=grant.expires_on,
            added_to_register=grant.added_to_register,
        ),
    )


def assessment_from(data: api.AssessmentOut) -> TrainingAssessment:
    return TrainingAssessment(
        id=strawberry.ID(str(data.id)),
        name=data.name,
        email=data.email,
        score=data.score,
        pass_mark=data.pass_mark,
        is_passed=data.is_passed,
        assessed_on=data.assessed_on,
        recorded_at=data.recorded_at,
    )


def interest_from(data: api.InterestOut) -> TrainerInterest:
    return TrainerInterest(
        id=strawberry.ID(str(data.id)),
        facilitator_id=strawberry.ID(str(data.facilitator_id)),
        facilitator_name=data.facilitator_name,
        region=data.region,
        statement=data.statement,
        delivered_sessions=data.delivered_sessions,
        created_at=data.created_at,
    )


REFUSED = "facilitator-svc refused the request"


def refused_from(problem: Problem, *, sent_as: tuple[str, ...] = ()) -> NotEligible | TrainingRefused:
    """The refusal facilitator-svc answered, by its problem type: ``not-eligible`` lists each reason."""
    if refusal_code(problem) == "not-eligible":
        return refused_as(NotEligible, problem, fallback=REFUSED, reasons_as=TrainingReason)
    return refused_as(TrainingRefused, problem, fallback=REFUSED, sent_as=sent_as)


def completion_refused_from(problem: Problem) -> CompletionRefused | TrainingRefused:
    if refusal_code(problem) == "completion-refused":
        return refused_as(
            CompletionRefused, problem, fallback="the course cannot be recorded as completed", reasons_as=TrainingReason
        )
    return refused_as(TrainingRefused, problem, fallback=REFUSED, sent_as=())


class EnrolmentBody(TypedDict, total=False):
    """facilitator-svc's EnrolmentIn: a facilitator of the register, someone new, or neither (the caller)."""

    facilitator_id: str
    person: JsonObject


def rest_body(input: object) -> JsonObject:
    """An input's fields given, as facilitator-svc's JSON takes them."""
    return {k: rest_value(v) for k, v in vars(input).items() if v is not None}

# Generated from facilitator-svc's OpenAPI document by `make gateway-models` (scripts/gateway_models.py):
# do not edit; generate again when the service's API changes.

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Any
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, RootModel


class AccreditationLevel(StrEnum):
    facilitator = "facilitator"
    trainer = "trainer"


class AccreditationOut(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    expires_on: Annotated[date, Field(title="Expires On")]
    is_current: Annotated[
        bool,
        Field(description="Whether the accreditation is valid today.", title="Is Current"),
    ]
    level: AccreditationLevel
    trained_on: Annotated[date, Field(title="Trained On")]


class AllocationStatus(StrEnum):
    queued = "queued"
    running = "running"
    proposed = "proposed"
    failed = "failed"
    confirmed = "confirmed"
    discarded = "discarded"


class AssessmentImportResult(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    already_recorded: Annotated[
        int,
        Field(
            description="Rows the region holds already (the same person, day and score): a file exported again records nothing twice.",
            title="Already Recorded",
        ),
    ]
    recorded: Annotated[
        int,
        Field(
            description="Results of the file now recorded, each judged against the pass mark.",
            title="Recorded",
        ),
    ]


class AssessmentIn(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    assessed_on: Annotated[date, Field(title="Assessed On")]
    email: Annotated[
        str,
        Field(max_length=254, pattern="^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", title="Email"),
    ]
    name: Annotated[str, Field(max_length=200, min_length=1, pattern="^[^=+\\-@]", title="Name")]
    score: Annotated[int, Field(description="The result in percent.", ge=0, le=100, title="Score")]


class AssessmentOut(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    assessed_on: Annotated[date, Field(title="Assessed On")]
    email: Annotated[str, Field(title="Email")]
    id: Annotated[UUID, Field(title="Id")]
    is_passed: Annotated[bool, Field(title="Is Passed")]
    name: Annotated[str, Field(title="Name")]
    pass_mark: Annotated[int, Field(title="Pass Mark")]
    recorded_at: Annotated[AwareDatetime, Field(title="Recorded At")]
    score: Annotated[int, Field(title="Score")]


class AttendanceIn(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    attended: Annotated[bool, Field(title="Attended")]


class BookingStatus(StrEnum):
    held = "held"
    confirmed = "confirmed"
    cancelled = "cancelled"
    completed = "completed"
    expired = "expired"


class Reason(RootModel[str]):
    root: Annotated[str, Field(max_length=2000, min_length=1, title="Reason")]


class CancelIn(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    reason: Annotated[Reason | None, Field(title="Reason")] = None


class Language(RootModel[str]):
    root: Annotated[str, Field(pattern="^[a-z]{2,3}(-[A-Z]{2})?$")]


class MaxDistanceKm(RootModel[float]):
    root: Annotated[float, Field(gt=0.0, le=2000.0, title="Max Distance Km")]


class Organisation(RootModel[str]):
    root: Annotated[str, Field(max_length=64, min_length=1, pattern="^\\S+$", title="Organisation")]


class Organisation1(RootModel[str]):
    root: Annotated[str, Field(max_length=64, min_length=1, pattern="^\\S+$")]


class Participant(RootModel[str]):
    root: Annotated[str, Field(max_length=255, min_length=1, pattern="\\S")]


class Conflicts(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    organisations: Annotated[list[Organisation1], Field(title="Organisations", validate_default=True)] = []
    participants: Annotated[
        list[Participant],
        Field(
            description="Participants' ids (the `sub` of their token).",
            title="Participants",
            validate_default=True,
        ),
    ] = []


class Phone(RootModel[str]):
    root: Annotated[str, Field(max_length=40, min_length=3, pattern="^[0-9+() -]+$", title="Phone")]


class Contact(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    email: Annotated[
        str,
        Field(max_length=254, pattern="^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", title="Email"),
    ]
    name: Annotated[str, Field(max_length=200, min_length=1, pattern="^[^=+\\-@]", title="Name")]
    phone: Annotated[Phone | None, Field(title="Phone")] = None


class Place(RootModel[str]):
    root: Annotated[str, Field(max_length=500, min_length=1, title="Place")]


class CourseKind(StrEnum):
    facilitator_training = "facilitator_training"
    train_the_trainer = "train_the_trainer"


class Notes(RootModel[str]):
    root: Annotated[str, Field(max_length=4000, min_length=1, title="Notes")]


class CourseRequestStatus(StrEnum):
    requested = "requested"
    scheduled = "scheduled"
    declined = "declined"


class DeclineIn(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    reason: Annotated[
        str,
        Field(
            description="Why the academy cannot run the course; the organisation is told.",
            max_length=2000,
            min_length=1,
            title="Reason",
        ),
    ]


class EnrolmentStatus(StrEnum):
    enrolled = "enrolled"
    waiting = "waiting"
    withdrawn = "withdrawn"
    completed = "completed"


class ExclusionOut(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    detail: Annotated[str, Field(title="Detail")]
    rule: Annotated[str, Field(title="Rule")]


class FacilitatorCard(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    accreditation_level: Annotated[str, Field(title="Accreditation Level")]
    id: Annotated[UUID, Field(title="Id")]
    languages: Annotated[list[str], Field(title="Languages")]
    modes: Annotated[list[str], Field(title="Modes")]
    name: Annotated[str, Field(title="Name")]
    organisation: Annotated[str, Field(title="Organisation")]
    region: Annotated[str, Field(title="Region")]
    specialisms: Annotated[list[str], Field(title="Specialisms")]


class Region(RootModel[str]):
    root: Annotated[str, Field(max_length=200, min_length=1, pattern="\\S", title="Region")]


class Subject(RootModel[str]):
    root: Annotated[
        str,
        Field(
            description="The `sub` of the facilitator's own account.",
            max_length=255,
            min_length=1,
            pattern="\\S",
            title="Subject",
        ),
    ]


class CapacityPerMonth(RootModel[int]):
    root: Annotated[
        int,
        Field(
            description="Sessions the facilitator takes per calendar month.",
            ge=0,
            le=200,
            title="Capacity Per Month",
        ),
    ]


class Email(RootModel[str]):
    root: Annotated[
        str,
        Field(max_length=254, pattern="^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", title="Email"),
    ]


class Name(RootModel[str]):
    root: Annotated[str, Field(max_length=200, min_length=1, pattern="^[^=+\\-@]", title="Name")]


class Organisation2(RootModel[str]):
    root: Annotated[str, Field(max_length=64, min_length=1, pattern="^\\S+$", title="Organisation")]


class Subject1(RootModel[str]):
    root: Annotated[str, Field(max_length=255, min_length=1, pattern="\\S", title="Subject")]


class FacilitatorStatus(StrEnum):
    active = "active"
    inactive = "inactive"
    withdrawn = "withdrawn"


class ImportResult(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    created: Annotated[int, Field(title="Created")]
    unchanged: Annotated[int, Field(title="Unchanged")]
    updated: Annotated[int, Field(title="Updated")]


class IneligibleOut(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    facilitator: FacilitatorCard
    reasons: Annotated[list[ExclusionOut], Field(title="Reasons")]


class Statement(RootModel[str]):
    root: Annotated[str, Field(max_length=4000, min_length=1, title="Statement")]


class InterestIn(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    statement: Annotated[Statement | None, Field(title="Statement")] = None


class InterestOut(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    created_at: Annotated[AwareDatetime, Field(title="Created At")]
    delivered_sessions: Annotated[int, Field(title="Delivered Sessions")]
    facilitator_id: Annotated[UUID, Field(title="Facilitator Id")]
    facilitator_name: Annotated[str, Field(title="Facilitator Name")]
    id: Annotated[UUID, Field(title="Id")]
    region: Annotated[str, Field(title="Region")]
    statement: Annotated[str | None, Field(title="Statement")]


class Location(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    latitude: Annotated[float, Field(ge=-90.0, le=90.0, title="Latitude")]
    longitude: Annotated[float, Field(ge=-180.0, le=180.0, title="Longitude")]


class MatchedParticipant(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    id: Annotated[str, Field(title="Id")]
    organisation: Annotated[str, Field(title="Organisation")]
    region: Annotated[str | None, Field(title="Region")]


class Mode(StrEnum):
    in_person = "in_person"
    video = "video"


class ParticipantRef(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    id: Annotated[str, Field(max_length=255, min_length=1, pattern="\\S", title="Id")]
    organisation: Annotated[Organisation2 | None, Field(title="Organisation")] = None
    region: Annotated[Region | None, Field(title="Region")] = None


class PersonIn(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    email: Annotated[
        str,
        Field(max_length=254, pattern="^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", title="Email"),
    ]
    name: Annotated[str, Field(max_length=200, min_length=1, pattern="^[^=+\\-@]", title="Name")]
    organisation: Annotated[str, Field(max_length=64, min_length=1, pattern="^\\S+$", title="Organisation")]


class PreferredDates(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    end: Annotated[date, Field(description="The last day it could.", title="End")]
    start: Annotated[
        date,
        Field(
            description="The first day the organisation could hold the course.",
            title="Start",
        ),
    ]


class PublishedField(StrEnum):
    name = "name"
    organisation = "organisation"
    region = "region"
    modes = "modes"
    languages = "languages"
    specialisms = "specialisms"
    session_kinds = "session_kinds"
    accreditation_level = "accreditation_level"


class Comment(RootModel[str]):
    root: Annotated[str, Field(max_length=2000, min_length=1, title="Comment")]


class RatingIn(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    comment: Annotated[Comment | None, Field(title="Comment")] = None
    rating: Annotated[int, Field(description="1 (poor) to 5 (excellent).", ge=1, le=5, title="Rating")]


class ReasonOut(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    contribution: Annotated[float, Field(title="Contribution")]
    detail: Annotated[str, Field(title="Detail")]
    factor: Annotated[str, Field(title="Factor")]
    value: Annotated[float, Field(title="Value")]
    weight: Annotated[float, Field(title="Weight")]


class RescheduleIn(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    mode: Mode | None = None
    slot_id: Annotated[UUID, Field(title="Slot Id")]


class SessionKind(StrEnum):
    feedback = "feedback"
    coaching = "coaching"
    mentoring = "mentoring"


class Modes(RootModel[list[Mode]]):
    root: Annotated[list[Mode], Field(min_length=1, title="Modes")]


class Venue(RootModel[str]):
    root: Annotated[
        str,
        Field(
            description="Where an in-person session takes place.",
            max_length=500,
            min_length=1,
            title="Venue",
        ),
    ]


class SlotIn(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    ends_at: Annotated[AwareDatetime, Field(title="Ends At")]
    kind: Annotated[
        SessionKind,
        Field(
            description="What the session is: a 360 feedback session, coaching or mentoring. The facilitator must offer that kind (their `session_kinds`)."
        ),
    ] = SessionKind.feedback
    modes: Annotated[Modes | None, Field(title="Modes")] = None
    starts_at: Annotated[AwareDatetime, Field(title="Starts At")]
    venue: Annotated[
        Venue | None,
        Field(description="Where an in-person session takes place.", title="Venue"),
    ] = None


class SlotOffer(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    ends_at: Annotated[AwareDatetime, Field(title="Ends At")]
    kind: SessionKind
    mode: Mode
    score: Annotated[float, Field(title="Score")]
    slot_id: Annotated[UUID, Field(title="Slot Id")]
    starts_at: Annotated[AwareDatetime, Field(title="Starts At")]
    venue: Annotated[str | None, Field(title="Venue")]


class SlotOut(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    ends_at: Annotated[AwareDatetime, Field(title="Ends At")]
    facilitator_id: Annotated[UUID, Field(title="Facilitator Id")]
    id: Annotated[UUID, Field(title="Id")]
    is_booked: Annotated[bool, Field(title="Is Booked")]
    kind: SessionKind
    modes: Annotated[list[Mode], Field(title="Modes")]
    starts_at: Annotated[AwareDatetime, Field(title="Starts At")]
    venue: Annotated[str | None, Field(title="Venue")]


class SlotsIn(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    slots: Annotated[list[SlotIn], Field(max_length=500, min_length=1, title="Slots")]


class SpecialismOut(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    key: Annotated[str, Field(title="Key")]
    label: Annotated[str, Field(title="Label")]


class UnassignedOut(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    excluded_by: Annotated[
        dict[str, int],
        Field(
            description="How many facilitators each rule kept away.",
            title="Excluded By",
        ),
    ]
    participant_id: Annotated[str, Field(title="Participant Id")]
    reason: Annotated[str, Field(title="Reason")]


class ValidationError(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    ctx: Annotated[dict[str, Any] | None, Field(title="Context")] = None
    input: Annotated[Any | None, Field(title="Input")] = None
    loc: Annotated[list[str | int], Field(title="Location")]
    msg: Annotated[str, Field(title="Message")]
    type: Annotated[str, Field(title="Error Type")]


class Window(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    ends_at: Annotated[AwareDatetime, Field(title="Ends At")]
    starts_at: Annotated[AwareDatetime, Field(title="Starts At")]


class Accreditation(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    expires_on: Annotated[date, Field(title="Expires On")]
    level: AccreditationLevel
    trained_on: Annotated[date, Field(title="Trained On")]


class AccreditationGrant(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    added_to_register: Annotated[
        bool,
        Field(
            description="True when the person was new and is now on the register, inactive.",
            title="Added To Register",
        ),
    ]
    expires_on: Annotated[date, Field(title="Expires On")]
    facilitator_id: Annotated[UUID, Field(title="Facilitator Id")]
    granted_on: Annotated[date, Field(title="Granted On")]
    level: AccreditationLevel


class AllocationSummary(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    assigned_count: Annotated[int | None, Field(title="Assigned Count")]
    confirmed_at: Annotated[AwareDatetime | None, Field(title="Confirmed At")]
    created_at: Annotated[AwareDatetime, Field(title="Created At")]
    error: Annotated[str | None, Field(title="Error")]
    finished_at: Annotated[AwareDatetime | None, Field(title="Finished At")]
    id: Annotated[UUID, Field(title="Id")]
    objective_cost: Annotated[
        int | None,
        Field(
            description="Total cost of the assignment; lower is better.",
            title="Objective Cost",
        ),
    ]
    participant_count: Annotated[int, Field(title="Participant Count")]
    progress: Annotated[float, Field(title="Progress")]
    region: Annotated[str, Field(title="Region")]
    solve_seconds: Annotated[float | None, Field(title="Solve Seconds")]
    stage: Annotated[str, Field(title="Stage")]
    status: AllocationStatus
    window: Window


class AssessmentList(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    items: Annotated[list[AssessmentOut], Field(title="Items")]
    next_cursor: Annotated[
        str | None,
        Field(
            description="Pass as `cursor` for the next page; null on the last page.",
            title="Next Cursor",
        ),
    ] = None


class AssignmentOut(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    booking_error: Annotated[str | None, Field(title="Booking Error")] = None
    booking_id: Annotated[UUID | None, Field(title="Booking Id")] = None
    cost: Annotated[
        int,
        Field(
            description="This participant's share of the objective: 10000 x (1 - score).",
            title="Cost",
        ),
    ]
    ends_at: Annotated[AwareDatetime, Field(title="Ends At")]
    facilitator_id: Annotated[UUID, Field(title="Facilitator Id")]
    mode: Mode
    participant_id: Annotated[str, Field(title="Participant Id")]
    reasons: Annotated[list[ReasonOut], Field(title="Reasons")]
    slot_id: Annotated[UUID, Field(title="Slot Id")]
    starts_at: Annotated[AwareDatetime, Field(title="Starts At")]


class BookingIn(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    confirm: Annotated[
        bool,
        Field(
            description="Book at once instead of holding the slot for a short time.",
            title="Confirm",
        ),
    ] = False
    cycle_id: Annotated[
        UUID | None,
        Field(
            description="The assessment cycle whose report a feedback session discusses; coaching and mentoring are the participant's own and name none.",
            title="Cycle Id",
        ),
    ] = None
    kind: Annotated[
        SessionKind | None,
        Field(
            description="The kind of session meant (feedback, coaching, mentoring): refused when the slot is of another kind. The booking is always the slot's kind."
        ),
    ] = None
    mode: Annotated[
        Mode | None,
        Field(description="Required when the slot is offered in more than one mode."),
    ] = None
    participant: Annotated[
        ParticipantRef | None,
        Field(description="Administrators only: whom to book for."),
    ] = None
    slot_id: Annotated[UUID, Field(title="Slot Id")]


class BookingOut(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    allocation_id: Annotated[UUID | None, Field(title="Allocation Id")]
    cancellation_reason: Annotated[str | None, Field(title="Cancellation Reason")]
    cancelled_at: Annotated[AwareDatetime | None, Field(title="Cancelled At")]
    completed_at: Annotated[AwareDatetime | None, Field(title="Completed At")]
    confirmed_at: Annotated[AwareDatetime | None, Field(title="Confirmed At")]
    created_at: Annotated[AwareDatetime, Field(title="Created At")]
    cycle_id: Annotated[UUID | None, Field(title="Cycle Id")]
    ends_at: Annotated[AwareDatetime, Field(title="Ends At")]
    facilitator_id: Annotated[UUID, Field(title="Facilitator Id")]
    facilitator_name: Annotated[str, Field(title="Facilitator Name")]
    hold_expires_at: Annotated[AwareDatetime | None, Field(title="Hold Expires At")]
    id: Annotated[UUID, Field(title="Id")]
    kind: SessionKind
    mode: Mode
    participant_id: Annotated[str | None, Field(title="Participant Id")]
    rating: Annotated[int | None, Field(title="Rating")]
    rating_comment: Annotated[str | None, Field(title="Rating Comment")]
    report_id: Annotated[
        UUID | None,
        Field(
            description="The participant's report, once it is ready for a coached release.",
            title="Report Id",
        ),
    ]
    slot_id: Annotated[UUID | None, Field(title="Slot Id")]
    starts_at: Annotated[AwareDatetime, Field(title="Starts At")]
    status: BookingStatus
    venue: Annotated[str | None, Field(title="Venue")]


class CohortMemberIn(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    cycle_id: Annotated[UUID | None, Field(title="Cycle Id")] = None
    languages: Annotated[list[Language], Field(max_length=10, title="Languages", validate_default=True)] = []
    location: Location | None = None
    max_distance_km: Annotated[MaxDistanceKm | None, Field(title="Max Distance Km")] = None
    mode: Mode | None = None
    organisation: Annotated[Organisation | None, Field(title="Organisation")] = None
    participant_id: Annotated[str, Field(max_length=255, min_length=1, pattern="\\S", title="Participant Id")]
    specialisms: Annotated[list[str], Field(max_length=20, title="Specialisms")] = []


class CourseIn(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    capacity: Annotated[int, Field(ge=1, le=500, title="Capacity")]
    ends_on: Annotated[
        date | None,
        Field(
            description="The last day; the first when left out (a one-day course).",
            title="Ends On",
        ),
    ] = None
    kind: CourseKind
    mode: Mode
    place: Annotated[Place | None, Field(title="Place")] = None
    starts_on: Annotated[date, Field(title="Starts On")]
    title: Annotated[str, Field(max_length=200, min_length=1, title="Title")]
    trainer_id: Annotated[UUID, Field(title="Trainer Id")]


class CourseOut(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    capacity: Annotated[int, Field(title="Capacity")]
    created_at: Annotated[AwareDatetime, Field(title="Created At")]
    ends_on: Annotated[date, Field(title="Ends On")]
    id: Annotated[UUID, Field(title="Id")]
    kind: CourseKind
    mode: Mode
    place: Annotated[str | None, Field(title="Place")]
    places_taken: Annotated[int, Field(title="Places Taken")]
    region: Annotated[str, Field(title="Region")]
    starts_on: Annotated[date, Field(title="Starts On")]
    title: Annotated[str, Field(title="Title")]
    trainer_id: Annotated[UUID, Field(title="Trainer Id")]
    trainer_name: Annotated[str, Field(title="Trainer Name")]
    waiting: Annotated[int, Field(title="Waiting")]


class CourseRequestIn(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    contact: Contact
    notes: Annotated[Notes | None, Field(title="Notes")] = None
    organisation: Annotated[
        str,
        Field(
            description="Your organisation's code, as your token carries it.",
            max_length=64,
            min_length=1,
            pattern="^\\S+$",
            title="Organisation",
        ),
    ]
    preferred_dates: PreferredDates
    preferred_mode: Mode | None = None
    region: Annotated[
        str,
        Field(
            description="The academy's region that is asked to run the course.",
            max_length=200,
            min_length=1,
            pattern="\\S",
            title="Region",
        ),
    ]
    staff_count: Annotated[
        int,
        Field(
            description="How many staff would attend.",
            ge=1,
            le=500,
            title="Staff Count",
        ),
    ]


class CourseRequestOut(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    contact: Contact
    course_id: Annotated[
        UUID | None,
        Field(
            description="The course scheduled for the organisation, once there is one.",
            title="Course Id",
        ),
    ]
    decided_at: Annotated[AwareDatetime | None, Field(title="Decided At")]
    decline_reason: Annotated[str | None, Field(title="Decline Reason")]
    id: Annotated[UUID, Field(title="Id")]
    notes: Annotated[str | None, Field(title="Notes")]
    organisation: Annotated[str, Field(title="Organisation")]
    preferred_dates: PreferredDates
    preferred_mode: Mode | None
    region: Annotated[str, Field(title="Region")]
    requested_at: Annotated[AwareDatetime, Field(title="Requested At")]
    staff_count: Annotated[int, Field(title="Staff Count")]
    status: CourseRequestStatus


class EnrolmentIn(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    facilitator_id: Annotated[UUID | None, Field(title="Facilitator Id")] = None
    person: PersonIn | None = None


class EnrolmentOut(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    attended: Annotated[bool | None, Field(title="Attended")]
    completed_at: Annotated[AwareDatetime | None, Field(title="Completed At")]
    course_id: Annotated[UUID, Field(title="Course Id")]
    email: Annotated[str, Field(title="Email")]
    facilitator_id: Annotated[UUID | None, Field(title="Facilitator Id")]
    id: Annotated[UUID, Field(title="Id")]
    name: Annotated[str, Field(title="Name")]
    organisation: Annotated[str, Field(title="Organisation")]
    placed_at: Annotated[AwareDatetime | None, Field(title="Placed At")]
    promoted_at: Annotated[
        AwareDatetime | None,
        Field(
            description="When the person moved up from the waiting list to a place; the academy tells them.",
            title="Promoted At",
        ),
    ]
    requested_at: Annotated[AwareDatetime, Field(title="Requested At")]
    status: EnrolmentStatus
    waiting_position: Annotated[
        int | None,
        Field(
            description="1 for the first on the waiting list; null with a place.",
            title="Waiting Position",
        ),
    ]
    withdrawn_at: Annotated[AwareDatetime | None, Field(title="Withdrawn At")]


class SessionKinds(RootModel[list[SessionKind]]):
    root: Annotated[
        list[SessionKind],
        Field(
            description="The kinds of session the facilitator offers (a coach or mentor added to the register offers coaching or mentoring); feedback for a new entry, unchanged for one a register import updates.",
            min_length=1,
            title="Session Kinds",
        ),
    ]


class FacilitatorIn(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    accreditation: Accreditation
    capacity_per_month: Annotated[
        int,
        Field(
            description="Sessions the facilitator takes per calendar month.",
            ge=0,
            le=200,
            title="Capacity Per Month",
        ),
    ]
    conflicts: Annotated[Conflicts, Field(validate_default=True)] = {
        "organisations": [],
        "participants": [],
    }
    email: Annotated[
        str,
        Field(max_length=254, pattern="^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", title="Email"),
    ]
    languages: Annotated[list[Language], Field(title="Languages", validate_default=True)] = ["en"]
    location: Location | None = None
    modes: Annotated[list[Mode], Field(min_length=1, title="Modes")]
    name: Annotated[str, Field(max_length=200, min_length=1, pattern="^[^=+\\-@]", title="Name")]
    organisation: Annotated[str, Field(max_length=64, min_length=1, pattern="^\\S+$", title="Organisation")]
    phone: Annotated[Phone | None, Field(title="Phone")] = None
    region: Annotated[Region | None, Field(title="Region")] = None
    session_kinds: Annotated[
        SessionKinds | None,
        Field(
            description="The kinds of session the facilitator offers (a coach or mentor added to the register offers coaching or mentoring); feedback for a new entry, unchanged for one a register import updates.",
            title="Session Kinds",
        ),
    ] = None
    specialisms: Annotated[list[str], Field(title="Specialisms")] = []
    status: FacilitatorStatus = FacilitatorStatus.active
    subject: Annotated[
        Subject | None,
        Field(description="The `sub` of the facilitator's own account.", title="Subject"),
    ] = None


class FacilitatorOut(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    accreditation: AccreditationOut
    capacity_per_month: Annotated[int, Field(title="Capacity Per Month")]
    conflicts: Conflicts
    created_at: Annotated[AwareDatetime, Field(title="Created At")]
    email: Annotated[str, Field(title="Email")]
    id: Annotated[UUID, Field(title="Id")]
    languages: Annotated[list[str], Field(title="Languages")]
    location: Location | None
    modes: Annotated[list[Mode], Field(title="Modes")]
    name: Annotated[str, Field(title="Name")]
    organisation: Annotated[str, Field(title="Organisation")]
    phone: Annotated[str | None, Field(title="Phone")]
    region: Annotated[str, Field(title="Region")]
    session_kinds: Annotated[
        list[SessionKind],
        Field(
            description="The kinds of session the facilitator offers.",
            title="Session Kinds",
        ),
    ]
    specialisms: Annotated[list[str], Field(title="Specialisms")]
    status: FacilitatorStatus
    subject: Annotated[str | None, Field(title="Subject")]
    updated_at: Annotated[AwareDatetime, Field(title="Updated At")]


class SessionKinds1(RootModel[list[SessionKind]]):
    root: Annotated[list[SessionKind], Field(min_length=1, title="Session Kinds")]


class FacilitatorPatch(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    accreditation: Accreditation | None = None
    capacity_per_month: Annotated[CapacityPerMonth | None, Field(title="Capacity Per Month")] = None
    conflicts: Conflicts | None = None
    email: Annotated[Email | None, Field(title="Email")] = None
    languages: Annotated[list[Language] | None, Field(title="Languages")] = None
    location: Location | None = None
    modes: Annotated[Modes | None, Field(title="Modes")] = None
    name: Annotated[Name | None, Field(title="Name")] = None
    organisation: Annotated[Organisation2 | None, Field(title="Organisation")] = None
    phone: Annotated[Phone | None, Field(title="Phone")] = None
    region: Annotated[Region | None, Field(title="Region")] = None
    session_kinds: Annotated[SessionKinds1 | None, Field(title="Session Kinds")] = None
    specialisms: Annotated[list[str] | None, Field(title="Specialisms")] = None
    status: FacilitatorStatus | None = None
    subject: Annotated[Subject1 | None, Field(title="Subject")] = None


class HTTPValidationError(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    detail: Annotated[list[ValidationError] | None, Field(title="Detail")] = None


class InterestList(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    items: Annotated[list[InterestOut], Field(title="Items")]
    next_cursor: Annotated[
        str | None,
        Field(
            description="Pass as `cursor` for the next page; null on the last page.",
            title="Next Cursor",
        ),
    ] = None


class MatchOut(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    facilitator: FacilitatorCard
    rank: Annotated[int, Field(title="Rank")]
    reasons: Annotated[list[ReasonOut], Field(title="Reasons")]
    score: Annotated[
        float,
        Field(
            description="0 to 1: the weighted sum of the reasons' values for the best session.",
            title="Score",
        ),
    ]
    slots: Annotated[
        list[SlotOffer],
        Field(
            description="The facilitator's best free sessions for this participant.",
            title="Slots",
        ),
    ]


class MatchRequest(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    cycle_id: Annotated[
        UUID | None,
        Field(
            description="The assessment cycle a feedback session is for; coaching and mentoring are the participant's own and name none.",
            title="Cycle Id",
        ),
    ] = None
    include_ineligible: Annotated[
        bool,
        Field(
            description="Administrators only: also list who is excluded and why.",
            title="Include Ineligible",
        ),
    ] = False
    kind: Annotated[
        SessionKind,
        Field(
            description="The kind of session sought: only facilitators who offer it, and only their slots of that kind."
        ),
    ] = SessionKind.feedback
    languages: Annotated[
        list[Language],
        Field(
            description="In order of preference.",
            max_length=10,
            title="Languages",
            validate_default=True,
        ),
    ] = []
    limit: Annotated[int, Field(ge=1, le=100, title="Limit")] = 20
    location: Annotated[
        Location | None,
        Field(description="Where the participant would meet in person."),
    ] = None
    max_distance_km: Annotated[MaxDistanceKm | None, Field(title="Max Distance Km")] = None
    mode: Annotated[Mode | None, Field(description="Leave out to consider both.")] = None
    participant: Annotated[ParticipantRef | None, Field(description="Administrators only: whom to match.")] = None
    specialisms: Annotated[list[str], Field(max_length=20, title="Specialisms")] = []
    window: Annotated[Window | None, Field(description="Defaults to the coming weeks.")] = None


class MatchResult(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    eligible: Annotated[list[MatchOut], Field(title="Eligible")]
    ineligible: Annotated[list[IneligibleOut] | None, Field(title="Ineligible")] = None
    kind: Annotated[SessionKind, Field(description="The kind of session matched for.")]
    participant: MatchedParticipant
    window: Window


class SessionKinds2(RootModel[list[SessionKind]]):
    root: Annotated[
        list[SessionKind],
        Field(
            description="The kinds of session you offer, which the register shows and which you may be booked for; left out, they stay as they are.",
            min_length=1,
            title="Session Kinds",
        ),
    ]


class PublicationIn(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    is_listed: Annotated[
        bool,
        Field(description="Whether the register shows you at all.", title="Is Listed"),
    ]
    published_fields: Annotated[
        list[PublishedField],
        Field(
            description="What your entry shows besides its id; the rest of your profile is never shown.",
            title="Published Fields",
        ),
    ] = [PublishedField.region, PublishedField.modes, PublishedField.session_kinds]
    session_kinds: Annotated[
        SessionKinds2 | None,
        Field(
            description="The kinds of session you offer, which the register shows and which you may be booked for; left out, they stay as they are.",
            title="Session Kinds",
        ),
    ] = None


class RegisterEntry(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    accreditation_level: AccreditationLevel | None = None
    id: Annotated[UUID, Field(title="Id")]
    languages: Annotated[list[str] | None, Field(title="Languages")] = None
    modes: Annotated[list[Mode] | None, Field(title="Modes")] = None
    name: Annotated[str | None, Field(title="Name")] = None
    organisation: Annotated[str | None, Field(title="Organisation")] = None
    region: Annotated[str | None, Field(title="Region")] = None
    session_kinds: Annotated[list[SessionKind] | None, Field(title="Session Kinds")] = None
    specialisms: Annotated[list[str] | None, Field(title="Specialisms")] = None


class RegisterPage(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    items: Annotated[list[RegisterEntry], Field(title="Items")]
    next_cursor: Annotated[
        str | None,
        Field(
            description="Pass as `cursor` for the next page; null on the last page.",
            title="Next Cursor",
        ),
    ] = None


class ScheduleIn(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    course: CourseIn


class ScheduledOut(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    course: CourseOut
    request: CourseRequestOut


class SlotList(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    items: Annotated[list[SlotOut], Field(title="Items")]


class SpecialismList(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    items: Annotated[list[SpecialismOut], Field(title="Items")]


class WithdrawalOut(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    promoted: Annotated[
        EnrolmentOut | None,
        Field(description="Who moved up from the waiting list into the freed place."),
    ]
    withdrawn: EnrolmentOut


class AllocationIn(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    participants: Annotated[list[CohortMemberIn], Field(min_length=1, title="Participants")]
    window: Window


class AllocationList(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    items: Annotated[list[AllocationSummary], Field(title="Items")]
    next_cursor: Annotated[
        str | None,
        Field(
            description="Pass as `cursor` for the next page; null on the last page.",
            title="Next Cursor",
        ),
    ] = None


class AllocationOut(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    assigned_count: Annotated[int | None, Field(title="Assigned Count")]
    assignments: Annotated[list[AssignmentOut], Field(title="Assignments")]
    confirmed_at: Annotated[AwareDatetime | None, Field(title="Confirmed At")]
    created_at: Annotated[AwareDatetime, Field(title="Created At")]
    error: Annotated[str | None, Field(title="Error")]
    finished_at: Annotated[AwareDatetime | None, Field(title="Finished At")]
    id: Annotated[UUID, Field(title="Id")]
    objective_cost: Annotated[
        int | None,
        Field(
            description="Total cost of the assignment; lower is better.",
            title="Objective Cost",
        ),
    ]
    participant_count: Annotated[int, Field(title="Participant Count")]
    progress: Annotated[float, Field(title="Progress")]
    region: Annotated[str, Field(title="Region")]
    solve_seconds: Annotated[float | None, Field(title="Solve Seconds")]
    stage: Annotated[str, Field(title="Stage")]
    status: AllocationStatus
    unassigned: Annotated[list[UnassignedOut], Field(title="Unassigned")]
    window: Window


class BookingList(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    items: Annotated[list[BookingOut], Field(title="Items")]
    next_cursor: Annotated[
        str | None,
        Field(
            description="Pass as `cursor` for the next page; null on the last page.",
            title="Next Cursor",
        ),
    ] = None


class CompletionOut(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    accreditation: AccreditationGrant
    enrolment: EnrolmentOut


class CourseList(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    items: Annotated[list[CourseOut], Field(title="Items")]
    next_cursor: Annotated[
        str | None,
        Field(
            description="Pass as `cursor` for the next page; null on the last page.",
            title="Next Cursor",
        ),
    ] = None


class CourseRequestList(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    items: Annotated[list[CourseRequestOut], Field(title="Items")]
    next_cursor: Annotated[
        str | None,
        Field(
            description="Pass as `cursor` for the next page; null on the last page.",
            title="Next Cursor",
        ),
    ] = None


class EnrolmentList(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    items: Annotated[list[EnrolmentOut], Field(title="Items")]


class FacilitatorList(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    items: Annotated[list[FacilitatorOut], Field(title="Items")]
    next_cursor: Annotated[
        str | None,
        Field(
            description="Pass as `cursor` for the next page; null on the last page.",
            title="Next Cursor",
        ),
    ] = None


class PublicationOut(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    entry: Annotated[
        RegisterEntry,
        Field(description="Your entry as everyone else sees it when you are shown."),
    ]
    is_listed: Annotated[bool, Field(title="Is Listed")]
    is_shown: Annotated[
        bool,
        Field(
            description="Whether searches find you now: listed, active and with a current accreditation.",
            title="Is Shown",
        ),
    ]
    published_fields: Annotated[list[PublishedField], Field(title="Published Fields")]
    session_kinds: Annotated[list[SessionKind], Field(title="Session Kinds")]

"""The register of facilitators as an academy administrator manages it and a facilitator keeps their own
profile: who they are, how they work, when they can be booked, and the typed refusal of a change."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from enum import Enum
from typing import Annotated

import strawberry
from pydantic import JsonValue

from hlm_gateway.problems import FieldProblem
from hlm_gateway.upstream import facilitator as api
from hlm_gateway.vocabulary import AccreditationLevel, SessionKind


@strawberry.enum(description="How a feedback session takes place.")
class SessionMode(Enum):
    IN_PERSON = "in_person"
    VIDEO = "video"


@strawberry.enum
class FacilitatorStatus(Enum):
    ACTIVE = "active"
    INACTIVE = "inactive"
    WITHDRAWN = "withdrawn"


@strawberry.type
class Accreditation:
    level: AccreditationLevel
    trained_on: date
    expires_on: date
    is_current: bool = strawberry.field(description="Whether the accreditation is valid today.")


@strawberry.type
class Location:
    latitude: float
    longitude: float


@strawberry.type(description="Whom the facilitator must not facilitate, as they or their administrator declared it.")
class DeclaredConflicts:
    organisations: list[str]
    participants: list[str]


@strawberry.type(description="A facilitator of the register, as their administrator and they themself see them.")
class Facilitator:
    id: strawberry.ID
    name: str
    email: str
    phone: str | None
    subject: str | None = strawberry.field(description="The account the facilitator signs in with.")
    organisation: str
    region: str
    accreditation: Accreditation
    status: FacilitatorStatus
    capacity_per_month: int = strawberry.field(description="Sessions the facilitator takes per calendar month.")
    modes: list[SessionMode]
    languages: list[str]
    specialisms: list[str]
    session_kinds: list[SessionKind] = strawberry.field(description="The kinds of session the facilitator offers.")
    location: Location | None
    conflicts: DeclaredConflicts
    created_at: datetime
    updated_at: datetime


@strawberry.type(description="A session the facilitator offers.")
class AvailabilitySlot:
    id: strawberry.ID
    facilitator_id: strawberry.ID
    starts_at: datetime
    ends_at: datetime
    kind: SessionKind
    modes: list[SessionMode]
    venue: str | None
    is_booked: bool


@strawberry.type
class Specialism:
    key: str
    label: str


@strawberry.type(description="The offered sessions were added, all of them.")
class AvailabilityAdded:
    slots: list[AvailabilitySlot]


@strawberry.type(description="The slot was withdrawn.")
class AvailabilityRemoved:
    slot_id: strawberry.ID


@strawberry.type(
    description="The register refused the change and stored nothing: an address already registered, a slot "
    "that overlaps or is booked, or fields that break a rule (each listed in problems)."
)
class RegisterRefused:
    message: str
    code: str | None
    problems: list[FieldProblem]


FacilitatorResult = Annotated[Facilitator | RegisterRefused, strawberry.union("FacilitatorResult")]
AddAvailabilityResult = Annotated[AvailabilityAdded | RegisterRefused, strawberry.union("AddAvailabilityResult")]
RemoveAvailabilityResult = Annotated[
    AvailabilityRemoved | RegisterRefused, strawberry.union("RemoveAvailabilityResult")
]


# --- inputs ----------------------------------------------------------------------------------------


@strawberry.input
class AccreditationInput:
    level: AccreditationLevel
    trained_on: date
    expires_on: date


@strawberry.input
class LocationInput:
    latitude: float
    longitude: float


@strawberry.input
class DeclaredConflictsInput:
    organisations: list[str] = strawberry.field(default_factory=list)
    participants: list[str] = strawberry.field(
        default_factory=list, description="Participants' ids (the account they sign in with)."
    )


@strawberry.input(description="A facilitator to add to the register; the region defaults to the administrator's.")
class FacilitatorInput:
    name: str
    email: str
    organisation: str
    accreditation: AccreditationInput
    capacity_per_month: int
    modes: list[SessionMode]
    phone: str | None = None
    subject: str | None = None
    region: str | None = None
    status: FacilitatorStatus = FacilitatorStatus.ACTIVE
    languages: list[str] = strawberry.field(default_factory=lambda: ["en"])
    specialisms: list[str] = strawberry.field(default_factory=list)
    session_kinds: list[SessionKind] | None = strawberry.field(
        default=None,
        description="The kinds of session offered: a coach or mentor added to the register offers COACHING or "
        "MENTORING. FEEDBACK when left out.",
    )
    location: LocationInput | None = None
    conflicts: DeclaredConflictsInput | None = None


@strawberry.input(
    description="A change to a profile: fields left out stay as they are; phone, subject and location may be "
    "set to null. A facilitator may change their phone, capacity, modes, languages, specialisms, the kinds of "
    "session they offer, location and conflicts; the rest is their administrator's."
)
class FacilitatorChangesInput:
    name: str | None = strawberry.UNSET
    email: str | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
    subject: str | None = strawberry.UNSET
    organisation: str | None = strawberry.UNSET
    region: str | None = strawberry.UNSET
    accreditation: AccreditationInput | None = strawberry.UNSET
    status: FacilitatorStatus | None = strawberry.UNSET
    capacity_per_month: int | None = strawberry.UNSET
    modes: list[SessionMode] | None = strawberry.UNSET
    languages: list[str] | None = strawberry.UNSET
    specialisms: list[str] | None = strawberry.UNSET
    session_kinds: list[SessionKind] | None = strawberry.UNSET
    location: LocationInput | None = strawberry.UNSET
    conflicts: DeclaredConflictsInput | None = strawberry.UNSET


@strawberry.input(description="A session to offer; its modes default to every mode the facilitator works in.")
class SlotInput:
    starts_at: datetime
    ends_at: datetime
    kind: SessionKind | None = strawberry.field(
        default=None, description="FEEDBACK when left out; the facilitator must offer the kind."
    )
    modes: list[SessionMode] | None = None
    venue: str | None = None


@strawberry.input
class TimeWindowInput:
    starts_at: datetime
    ends_at: datetime


@strawberry.type
class TimeWindow:
    starts_at: datetime
    ends_at: datetime


# --- to and from facilitator-svc -------------------------------------------------------------------


JsonObject = dict[str, JsonValue]


def rest_value(value: object) -> JsonValue:
    """An input value as facilitator-svc's JSON takes it."""
    if isinstance(value, Enum):
        return rest_value(value.value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list):
        return [rest_value(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        # A nested input (accreditation, location, window...): its fields, by their REST names.
        return {k: rest_value(v) for k, v in vars(value).items()}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"{type(value).__name__} has no JSON form")


def register_body(input: FacilitatorInput) -> JsonObject:
    return {k: rest_value(v) for k, v in vars(input).items() if v is not None}


def changes_body(input: FacilitatorChangesInput) -> JsonObject:
    """Only the fields given (null included), so a field left out is left alone."""
    return {k: rest_value(v) for k, v in vars(input).items() if v is not strawberry.UNSET}


def slot_body(slot: SlotInput) -> JsonObject:
    return {k: rest_value(v) for k, v in vars(slot).items() if v is not None}


def facilitator_from(data: api.FacilitatorOut) -> Facilitator:
    accreditation = data.accreditation
    location = data.location
    conflicts = data.conflicts
    return Facilitator(
        id=strawberry.ID(str(data.id)),
        name=data.name,
        email=data.email,
        phone=data.phone,
        subject=data.subject,
        organisation=data.organisation,
        region=data.region,
        accreditation=Accreditation(
            level=AccreditationLevel(accreditation.level.value),
            trained_on=accreditation.trained_on,
            expires_on=accreditation.expires_on,
            is_current=accreditation.is_current,
        ),
        status=FacilitatorStatus(data.status.value),
        capacity_per_month=data.capacity_per_month,
        modes=[SessionMode(m.value) for m in data.modes],
        languages=list(data.languages),
        specialisms=list(data.specialisms),
        session_kinds=[SessionKind(k.value) for k in data.session_kinds],
        location=Location(latitude=location.latitude, longitude=location.longitude) if location else None,
        conflicts=DeclaredConflicts(
            organisations=[o.root for o in conflicts.organisations or []],
            participants=[p.root for p in conflicts.participants or []],
        ),
        created_at=data.created_at,
        updated_at=data.updated_at,
    )


def slot_from(data: api.SlotOut) -> AvailabilitySlot:
    return AvailabilitySlot(
        id=strawberry.ID(str(data.id)),
        facilitator_id=strawberry.ID(str(data.facilitator_id)),
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        kind=SessionKind(data.kind.value),
        modes=[SessionMode(m.value) for m in data.modes],
        venue=data.venue,
        is_booked=data.is_booked,
    )


def window_from(data: api.Window) -> TimeWindow:
    return TimeWindow(starts_at=data.starts_at, ends_at=data.ends_at)

"""Finding and booking a feedback session with a facilitator: the ranked matches a participant chooses
from, and the typed refusals of booking and of each change to a session."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated, TypedDict

import strawberry
from pydantic import JsonValue

from hlm_gateway.errors import ErrorCode, GatewayError
from hlm_gateway.facilitators.types import SessionMode
from hlm_gateway.journey.types import FeedbackSession
from hlm_gateway.problems import FieldProblem
from hlm_gateway.upstream import facilitator as api
from hlm_gateway.vocabulary import SessionKind


@strawberry.type(
    description="The slot could not be held or moved to: someone holds or booked it, it is no longer free, the "
    "facilitator has no capacity left that month, or a rule rules the facilitator out for you (a conflict of "
    "interest is only ever named as such). problems lists each reason the service gave."
)
class BookingConflict:
    message: str
    code: str | None = strawberry.field(
        default=None, description="slot-taken, slot-unavailable, no-capacity, facilitator-not-eligible, ..."
    )
    problems: list[FieldProblem] = strawberry.field(default_factory=list)


HoldSessionResult = Annotated[FeedbackSession | BookingConflict, strawberry.union("HoldSessionResult")]


@strawberry.type(
    description="The session was left as it was: the hold ran out, it has started (or not yet, to complete "
    "it), or it was rated already. problems lists any field that broke a rule."
)
class SessionChangeRefused:
    message: str
    code: str | None
    problems: list[FieldProblem]


SessionChangeResult = Annotated[FeedbackSession | SessionChangeRefused, strawberry.union("SessionChangeResult")]


class MatchRequestBody(TypedDict):
    """facilitator-svc's MatchRequest: the participant's preferences a match is scored against."""

    kind: str
    cycle_id: str | None
    mode: JsonValue
    languages: list[str]
    specialisms: list[str]
    window: JsonValue
    location: JsonValue
    max_distance_km: float | None
    participant: dict[str, str] | None
    limit: int


@strawberry.enum
class SessionStatus(Enum):
    HELD = "held"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    COMPLETED = "completed"
    EXPIRED = "expired"


@strawberry.type(description="What a participant sees of a facilitator: enough to choose, no contact details.")
class FacilitatorCard:
    id: strawberry.ID
    name: str
    organisation: str
    region: str
    accreditation_level: str
    modes: list[SessionMode]
    languages: list[str]
    specialisms: list[str]


@strawberry.type(description="One factor of a match's score: its value (0 to 1), weight and contribution.")
class MatchReason:
    factor: str
    weight: float
    value: float
    contribution: float
    detail: str


@strawberry.type(description="A free session of the facilitator that suits the participant.")
class SlotOffer:
    slot_id: strawberry.ID
    starts_at: datetime
    ends_at: datetime
    kind: SessionKind
    mode: SessionMode
    venue: str | None
    score: float


@strawberry.type(description="An eligible facilitator, ranked, with the reasons for the score and the best sessions.")
class FacilitatorMatch:
    rank: int
    facilitator: FacilitatorCard
    score: float = strawberry.field(description="0 to 1: the weighted sum of the reasons' values.")
    reasons: list[MatchReason]
    slots: list[SlotOffer]


def coaching_kind(kind: SessionKind) -> SessionKind:
    """Coaching or mentoring; a feedback session is found and held for its cycle instead."""
    if kind == SessionKind.FEEDBACK:
        raise GatewayError(
            "a feedback session is about a cycle: use facilitatorMatches and holdSession with its cycleId",
            ErrorCode.BAD_USER_INPUT,
        )
    return kind


def reason_from(data: api.ReasonOut) -> MatchReason:
    return MatchReason(
        factor=data.factor, weight=data.weight, value=data.value, contribution=data.contribution, detail=data.detail
    )


def match_from(data: api.MatchOut) -> FacilitatorMatch:
    card = data.facilitator
    return FacilitatorMatch(
        rank=data.rank,
        facilitator=FacilitatorCard(
            id=strawberry.ID(str(card.id)),
            name=card.name,
            organisation=card.organisation,
            region=card.region,
            accreditation_level=card.accreditation_level,
            modes=[SessionMode(m) for m in card.modes],
            languages=list(card.languages),
            specialisms=list(card.specialisms),
        ),
        score=data.score,
        reasons=[reason_from(r) for r in data.reasons],
        slots=[
            SlotOffer(
                slot_id=strawberry.ID(str(s.slot_id)),
                starts_at=s.starts_at,
                ends_at=s.ends_at,
                kind=SessionKind(s.kind.value),
                mode=SessionMode(s.mode.value),
                venue=s.venue,
                score=s.score,
            )
            for s in data.slots
        ],
    )

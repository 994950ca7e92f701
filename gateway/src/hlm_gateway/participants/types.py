"""Erasure: everything the platform holds about a participant is deleted, at their request or an
academy administrator's."""

from __future__ import annotations

import strawberry


@strawberry.type(
    description="survey-svc has deleted the participant's cycles, nominations, responses, journal and goals, "
    "and told report-svc and facilitator-svc to delete what they hold (which they do shortly after)."
)
class ParticipantErased:
    participant_id: strawberry.ID = strawberry.field(description="The `sub` of the participant erased.")

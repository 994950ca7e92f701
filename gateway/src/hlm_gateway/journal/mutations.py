from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

import strawberry
from strawberry.types import Info

from hlm_gateway.arguments import checked, idempotency_key
from hlm_gateway.context import Context
from hlm_gateway.journal.types import (
    GoalResult,
    ObservationResult,
    RecordObservationInput,
    SetGoalInput,
    UpdateGoalInput,
    UpdateObservationInput,
    changes_body,
    goal_from,
    goal_rejected_from,
    observation_from,
    observation_rejected_from,
    record_body,
)
from hlm_gateway.upstream import Refusal
from hlm_gateway.upstream.survey import GoalOut, ObservationOut

# Validation failures (422) come back as the typed ...Rejected results; anything else, such as an entry
# that is not yours or no longer exists (NOT_FOUND), is an error with extensions.code.
REJECTED = (422,)

IdempotencyKey = Annotated[
    str | None, checked(idempotency_key, "Send the same key when retrying: the write is then done once only.")
]


def _idempotency(key: str | None) -> dict[str, str]:
    return {"Idempotency-Key": key} if key else {}


@strawberry.type
class JournalMutation:
    @strawberry.mutation(description="Record a behaviour you saw; only you will ever see it.")
    async def record_observation(
        self, info: Info[Context, None], input: RecordObservationInput, idempotency_key: IdempotencyKey = None
    ) -> ObservationResult | None:
        result = await info.context.survey.send_outcome(
            "POST",
            "/v1/observations",
            ObservationOut,
            record_body(input),
            expected=REJECTED,
            headers=_idempotency(idempotency_key),
        )
        return observation_rejected_from(result.problem) if isinstance(result, Refusal) else observation_from(result)

    @strawberry.mutation(description="Change some fields of one of your observations.")
    async def update_observation(
        self, info: Info[Context, None], id: strawberry.ID, input: UpdateObservationInput
    ) -> ObservationResult | None:
        result = await info.context.survey.send_outcome(
            "PATCH", f"/v1/observations/{quote(id, safe='')}", ObservationOut, changes_body(input), expected=REJECTED
        )
        return observation_rejected_from(result.problem) if isinstance(result, Refusal) else observation_from(result)

    @strawberry.mutation(description="Delete one of your observations for good.")
    async def delete_observation(self, info: Info[Context, None], id: strawberry.ID) -> bool | None:
        await info.context.survey.send("DELETE", f"/v1/observations/{quote(id, safe='')}")
        return True

    @strawberry.mutation(description="Set yourself a development goal, with a reminder date if you like.")
    async def set_goal(
        self, info: Info[Context, None], input: SetGoalInput, idempotency_key: IdempotencyKey = None
    ) -> GoalResult | None:
        result = await info.context.survey.send_outcome(
            "POST", "/v1/goals", GoalOut, record_body(input), expected=REJECTED, headers=_idempotency(idempotency_key)
        )
        return goal_rejected_from(result.problem) if isinstance(result, Refusal) else goal_from(result)

    @strawberry.mutation(description="Change some fields of one of your goals, its status among them.")
    async def update_goal(
        self, info: Info[Context, None], id: strawberry.ID, input: UpdateGoalInput
    ) -> GoalResult | None:
        result = await info.context.survey.send_outcome(
            "PATCH", f"/v1/goals/{quote(id, safe='')}", GoalOut, changes_body(input), expected=REJECTED
        )
        return goal_rejected_from(result.problem) if isinstance(result, Refusal) else goal_from(result)

    @strawberry.mutation(description="Delete one of your goals for good.")
    async def delete_goal(self, info: Info[Context, None], id: strawberry.ID) -> bool | None:
        await info.context.survey.send("DELETE", f"/v1/goals/{quote(id, safe='')}")
        return True

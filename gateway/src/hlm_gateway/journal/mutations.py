from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

import strawberry
from strawberry.types import Info

from hlm_gateway.arguments import Key, checked, idempotency_key
from hlm_gateway.context import Context
from hlm_gateway.journal.types import (
    GoalRejected,
    GoalResult,
    ObservationRejected,
    ObservationResult,
    RecordObservationInput,
    SetGoalInput,
    UpdateGoalInput,
    UpdateObservationInput,
    changes_body,
    goal_from,
    observation_from,
    record_body,
    resource_not_saved_from,
)
from hlm_gateway.problems import refused_as
from hlm_gateway.upstream import Refusal
from hlm_gateway.upstream.survey import GoalOut, ObservationOut

# Validation failures (422) come back as the typed ...Rejected results; anything else, such as an entry
# that is not yours or no longer exists (NOT_FOUND), is an error with extensions.code.
REJECTED = (422,)

IdempotencyKey = Annotated[
    str | None, checked(idempotency_key, "Send the same key when retrying: the write is then done once only.")
]

_BAD_OBSERVATION = "the observation is not valid"
_BAD_GOAL = "the goal is not valid"


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
        return (
            refused_as(ObservationRejected, result.problem, fallback=_BAD_OBSERVATION, sent_as=("input",))
            if isinstance(result, Refusal)
            else observation_from(result)
        )

    @strawberry.mutation(description="Change some fields of one of your observations.")
    async def update_observation(
        self, info: Info[Context, None], id: strawberry.ID, input: UpdateObservationInput
    ) -> ObservationResult | None:
        result = await info.context.survey.send_outcome(
            "PATCH", f"/v1/observations/{quote(id, safe='')}", ObservationOut, changes_body(input), expected=REJECTED
        )
        return (
            refused_as(ObservationRejected, result.problem, fallback=_BAD_OBSERVATION, sent_as=("input",))
            if isinstance(result, Refusal)
            else observation_from(result)
        )

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
        return (
            refused_as(GoalRejected, result.problem, fallback=_BAD_GOAL, sent_as=("input",))
            if isinstance(result, Refusal)
            else goal_from(result)
        )

    @strawberry.mutation(description="Change some fields of one of your goals, its status among them.")
    async def update_goal(
        self, info: Info[Context, None], id: strawberry.ID, input: UpdateGoalInput
    ) -> GoalResult | None:
        result = await info.context.survey.send_outcome(
            "PATCH", f"/v1/goals/{quote(id, safe='')}", GoalOut, changes_body(input), expected=REJECTED
        )
        return (
            refused_as(GoalRejected, result.problem, fallback=_BAD_GOAL, sent_as=("input",))
            if isinstance(result, Refusal)
            else goal_from(result)
        )

    @strawberry.mutation(description="Delete one of your goals for good.")
    async def delete_goal(self, info: Info[Context, None], id: strawberry.ID) -> bool | None:
        await info.context.survey.send("DELETE", f"/v1/goals/{quote(id, safe='')}")
        return True

    @strawberry.mutation(
        description="Save a published development resource to one of your goals (by the resource's key); saving "
        "it again changes nothing. A key that is not a published resource is refused as GoalRejected."
    )
    async def save_resource_to_goal(
        self, info: Info[Context, None], goal_id: strawberry.ID, resource_key: Key
    ) -> GoalResult | None:
        result = await info.context.survey.send_outcome(
            "PUT", _goal_resource_path(goal_id, resource_key), GoalOut, expected=REJECTED
        )
        return resource_not_saved_from(result.problem) if isinstance(result, Refusal) else goal_from(result)

    @strawberry.mutation(
        description="Take a saved resource off one of your goals (also when it was not on it); the goal as it is now."
    )
    async def remove_resource_from_goal(
        self, info: Info[Context, None], goal_id: strawberry.ID, resource_key: Key
    ) -> GoalResult | None:
        refusal = await info.context.survey.send_outcome_without_answer(
            "DELETE", _goal_resource_path(goal_id, resource_key), expected=REJECTED
        )
        if refusal is not None:
            return resource_not_saved_from(refusal.problem)
        return goal_from(await info.context.survey.get(f"/v1/goals/{quote(goal_id, safe='')}", GoalOut))


def _goal_resource_path(goal_id: str, resource_key: str) -> str:
    return f"/v1/goals/{quote(goal_id, safe='')}/resources/{quote(resource_key, safe='')}"

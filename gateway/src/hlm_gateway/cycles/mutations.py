from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

import strawberry
from strawberry.types import Info

from hlm_gateway.arguments import IdempotencyKey
from hlm_gateway.context import Context
from hlm_gateway.cycles.types import (
    CreateCycleInput,
    Nomination,
    OpenCycleResult,
    RaterInput,
    RemindersSent,
    create_body,
    nomination_from,
    threshold_not_met_from,
)
from hlm_gateway.journey.types import Cycle, cycle_from
from hlm_gateway.upstream import Refusal
from hlm_gateway.upstream.survey import CycleOut, RaterList, RemindersQueued


@strawberry.type
class CycleMutation:
    @strawberry.mutation(
        description="Start a draft cycle pinned to a published questionnaire. Send the same idempotencyKey when "
        "retrying: the cycle the first attempt made is returned, never a second one."
    )
    async def create_cycle(
        self, info: Info[Context, None], input: CreateCycleInput, idempotency_key: IdempotencyKey = None
    ) -> Cycle | None:
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key is not None else None
        return cycle_from(
            await info.context.survey.send("POST", "/v1/cycles", CycleOut, create_body(input), headers=headers)
        )

    @strawberry.mutation(description="Nominate raters by group; once the cycle is open each is invited at once.")
    async def nominate_raters(
        self, info: Info[Context, None], cycle_id: strawberry.ID, raters: list[RaterInput]
    ) -> list[Nomination] | None:
        body = {"raters": [{"name": r.name, "email": r.email, "rater_group": r.rater_group.value} for r in raters]}
        found = await info.context.survey.post(f"/v1/cycles/{quote(cycle_id, safe='')}/raters", RaterList, body)
        return [nomination_from(item) for item in found.items]

    @strawberry.mutation(description="Open a 360 to its raters with its closing date, or learn every reason it cannot.")
    async def open_cycle(
        self, info: Info[Context, None], cycle_id: strawberry.ID, closes_at: datetime
    ) -> OpenCycleResult | None:
        result = await info.context.survey.post_outcome(
            f"/v1/cycles/{quote(cycle_id, safe='')}/open", CycleOut, {"closes_at": closes_at.isoformat()}
        )
        return threshold_not_met_from(result.problem) if isinstance(result, Refusal) else cycle_from(result)

    @strawberry.mutation(
        description="Withdraw a nomination; the rater's link stops working. Answers already given stay and count, "
        "and the result is the same either way, so it never tells whether they had answered."
    )
    async def remove_rater(
        self, info: Info[Context, None], cycle_id: strawberry.ID, rater_id: strawberry.ID
    ) -> bool | None:
        await info.context.survey.send("DELETE", f"{_cycle_path(cycle_id)}/raters/{quote(rater_id, safe='')}")
        return True

    @strawberry.mutation(description="Remind the raters who have neither submitted nor declined (the cycle is open).")
    async def send_reminders(self, info: Info[Context, None], cycle_id: strawberry.ID) -> RemindersSent | None:
        found = await info.context.survey.post(f"{_cycle_path(cycle_id)}/reminders", RemindersQueued)
        return RemindersSent(reminded=found.reminded)

    @strawberry.mutation(
        description="Move a 360's closing date later; a closed cycle whose report is not released opens again."
    )
    async def extend_cycle(
        self, info: Info[Context, None], cycle_id: strawberry.ID, closes_at: datetime
    ) -> Cycle | None:
        return cycle_from(
            await info.context.survey.post(
                f"{_cycle_path(cycle_id)}/extend", CycleOut, {"closes_at": closes_at.isoformat()}
            )
        )

    @strawberry.mutation(description="Close your 360 early, once enough raters have submitted.")
    async def close_cycle(self, info: Info[Context, None], cycle_id: strawberry.ID) -> Cycle | None:
        return cycle_from(await info.context.survey.post(f"{_cycle_path(cycle_id)}/close", CycleOut))


def _cycle_path(cycle_id: str) -> str:
    return f"/v1/cycles/{quote(cycle_id, safe='')}"

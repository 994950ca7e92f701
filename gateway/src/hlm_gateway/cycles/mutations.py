from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

import strawberry
from strawberry.types import Info

from hlm_gateway.context import Context
from hlm_gateway.cycles.types import (
    CreateCycleInput,
    Nomination,
    OpenCycleResult,
    RaterInput,
    create_body,
    nomination_from,
    threshold_not_met_from,
)
from hlm_gateway.journey.types import Cycle, cycle_from


@strawberry.type
class CycleMutation:
    @strawberry.mutation(description="Start a draft cycle pinned to a published questionnaire.")
    async def create_cycle(self, info: Info[Context, None], input: CreateCycleInput) -> Cycle | None:
        return cycle_from(await info.context.survey.post("/v1/cycles", create_body(input)))

    @strawberry.mutation(description="Nominate raters by group; once the cycle is open each is invited at once.")
    async def nominate_raters(
        self, info: Info[Context, None], cycle_id: strawberry.ID, raters: list[RaterInput]
    ) -> list[Nomination] | None:
        body = {"raters": [{"name": r.name, "email": r.email, "rater_group": r.rater_group.value} for r in raters]}
        found = await info.context.survey.post(f"/v1/cycles/{quote(cycle_id, safe='')}/raters", body)
        return [nomination_from(item) for item in found["items"]]

    @strawberry.mutation(description="Open a 360 to its raters with its closing date, or learn every reason it cannot.")
    async def open_cycle(
        self, info: Info[Context, None], cycle_id: strawberry.ID, closes_at: datetime
    ) -> OpenCycleResult | None:
        status, body = await info.context.survey.post_outcome(
            f"/v1/cycles/{quote(cycle_id, safe='')}/open", {"closes_at": closes_at.isoformat()}
        )
        return cycle_from(body) if status < 400 else threshold_not_met_from(body)

from __future__ import annotations

import strawberry
from strawberry.types import Info

from hlm_gateway.context import Context
from hlm_gateway.journey.types import Cycle, cycle_from


@strawberry.type
class CycleQuery:
    @strawberry.field(description="One of your cycles (an academy admin: one of their region's), with its progress.")
    async def cycle(self, info: Info[Context, None], id: strawberry.ID) -> Cycle | None:
        return cycle_from(await info.context.loaders.cycle.load(str(id)))

from __future__ import annotations

from urllib.parse import quote

import strawberry
from strawberry.types import Info

from hlm_gateway.allocations.types import Allocation, AllocationSummary, allocation_from, summary_from
from hlm_gateway.arguments import Cursor
from hlm_gateway.context import Context
from hlm_gateway.pagination import Connection, Edge, First, PageInfo
from hlm_gateway.upstream.facilitator import AllocationList, AllocationOut


@strawberry.type
class AllocationQuery:
    @strawberry.field(description="Your region's cohort allocations, newest first (academy administrators).")
    async def allocations(
        self, info: Info[Context, None], first: First = 20, after: Cursor = None
    ) -> Connection[AllocationSummary] | None:
        params = {"limit": str(first)} | ({"cursor": after} if after else {})
        page = await info.context.facilitator.get("/v1/allocations", AllocationList, params)
        next_cursor = page.next_cursor
        edges = [Edge(cursor=str(item.id), node=summary_from(item)) for item in page.items]
        return Connection(
            edges=edges, page_info=PageInfo(has_next_page=next_cursor is not None, end_cursor=next_cursor)
        )

    @strawberry.field(
        description="An allocation's progress and, once proposed, each assignment with its cost and reasons "
        "and each participant left out with why. Poll it while the job runs."
    )
    async def allocation(self, info: Info[Context, None], id: strawberry.ID) -> Allocation | None:
        return allocation_from(
            await info.context.facilitator.get(f"/v1/allocations/{quote(id, safe='')}", AllocationOut)
        )

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from urllib.parse import quote

import strawberry
from strawberry.types import Info

from hlm_gateway.arguments import Cursor, checked, name
from hlm_gateway.context import Context
from hlm_gateway.errors import ErrorCode, GatewayError
from hlm_gateway.facilitators.loaders import MAX_BATCH_IDS
from hlm_gateway.facilitators.types import (
    AvailabilitySlot,
    Facilitator,
    FacilitatorStatus,
    Specialism,
    facilitator_from,
    slot_from,
)
from hlm_gateway.pagination import Connection, Edge, First, PageInfo
from hlm_gateway.upstream.facilitator import FacilitatorList, FacilitatorOut, SlotList, SpecialismList
from hlm_gateway.vocabulary import SessionKind


@strawberry.type
class FacilitatorQuery:
    @strawberry.field(
        description="The register of your region by name, a page at a time (academy administrators), or only "
        "those whose name or organisation code contains search and who have the status asked; ids reads those "
        "facilitators instead."
    )
    async def facilitators(
        self,
        info: Info[Context, None],
        first: First = 20,
        after: Cursor = None,
        ids: list[strawberry.ID] | None = None,
        search: Annotated[str | None, checked(name, "A part of a name or organisation code, in any case.")] = None,
        status: FacilitatorStatus | None = None,
    ) -> Connection[Facilitator] | None:
        if ids is not None:
            if len(ids) > MAX_BATCH_IDS:
                raise GatewayError(f"at most {MAX_BATCH_IDS} ids", ErrorCode.BAD_USER_INPUT)
            params = {"ids": ",".join(str(i) for i in ids)}
        else:
            params = {"limit": str(first)} | ({"cursor": after} if after else {})
            # A search of spaces alone is no search, as an empty box is.
            params |= {"q": search.strip()} if search and search.strip() else {}
            params |= {"status": status.value} if status else {}
        page = await info.context.facilitator.get("/v1/facilitators", FacilitatorList, params)
        next_cursor = page.next_cursor
        edges = [Edge(cursor=str(item.id), node=facilitator_from(item)) for item in page.items]
        return Connection(
            edges=edges, page_info=PageInfo(has_next_page=next_cursor is not None, end_cursor=next_cursor)
        )

    @strawberry.field(description="One facilitator's profile: their region's administrator, or the facilitator.")
    async def facilitator(self, info: Info[Context, None], id: strawberry.ID) -> Facilitator | None:
        return facilitator_from(
            await info.context.facilitator.get(f"/v1/facilitators/{quote(id, safe='')}", FacilitatorOut)
        )

    @strawberry.field(description="Your own profile in the register, as a facilitator.")
    async def my_facilitator_profile(self, info: Info[Context, None]) -> Facilitator | None:
        return facilitator_from(await info.context.facilitator.get("/v1/facilitators/me", FacilitatorOut))

    @strawberry.field(
        description="The sessions a facilitator offers, in order of time, each saying whether it is booked "
        "(their region's administrator, or the facilitator)."
    )
    async def availability(
        self,
        info: Info[Context, None],
        facilitator_id: strawberry.ID,
        starts_from: datetime | None = None,
        starts_before: datetime | None = None,
        kind: SessionKind | None = None,
    ) -> list[AvailabilitySlot] | None:
        params = {"from": starts_from.isoformat()} if starts_from else {}
        if starts_before:
            params["to"] = starts_before.isoformat()
        if kind is not None:
            params["kind"] = kind.value
        found = await info.context.facilitator.get(
            f"/v1/facilitators/{quote(facilitator_id, safe='')}/slots", SlotList, params
        )
        return [slot_from(item) for item in found.items]

    @strawberry.field(description="The specialisms a facilitator may list, with their labels.")
    async def specialisms(self, info: Info[Context, None]) -> list[Specialism] | None:
        found = await info.context.facilitator.get("/v1/specialisms", SpecialismList)
        return [Specialism(key=item.key, label=item.label) for item in found.items]

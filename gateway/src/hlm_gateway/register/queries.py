from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from hlm_gateway.arguments import Cursor, checked, name
from hlm_gateway.context import Context
from hlm_gateway.facilitators.types import SessionMode
from hlm_gateway.pagination import Connection, Edge, First, PageInfo
from hlm_gateway.register.types import RegisterEntry, RegisterListing, listing_from, register_entry_from
from hlm_gateway.upstream.facilitator import PublicationOut, RegisterPage
from hlm_gateway.vocabulary import SessionKind


@strawberry.type
class RegisterQuery:
    @strawberry.field(
        description="The public register (anyone signed in): active facilitators with a current accreditation "
        "who chose to be listed, a page at a time. Each filter keeps only those who publish that field and "
        "match it; each entry shows only what its facilitator published."
    )
    async def public_register(
        self,
        info: Info[Context, None],
        region: Annotated[str | None, checked(name, "A region, as the register names it.")] = None,
        mode: SessionMode | None = None,
        language: Annotated[str | None, checked(name, "An ISO 639 code, as en, cy or pt-BR.")] = None,
        specialism: Annotated[str | None, checked(name, "A key of the specialisms query's list.")] = None,
        session_kind: Annotated[
            SessionKind | None, strawberry.argument(description="Among those who publish what they offer.")
        ] = None,
        first: First = 20,
        after: Cursor = None,
    ) -> Connection[RegisterEntry] | None:
        params = {"limit": str(first)} | ({"cursor": after} if after else {})
        # An empty box, or spaces alone, is no filter.
        for key, value in (("region", region), ("language", language), ("specialism", specialism)):
            if value is not None and value.strip():
                params[key] = value.strip()
        if mode is not None:
            params["mode"] = mode.value
        if session_kind is not None:
            params["session_kind"] = session_kind.value
        page = await info.context.facilitator.get("/v1/register", RegisterPage, params)
        next_cursor = page.next_cursor
        # As the register's other lists: an edge's cursor is its entry's id, pageInfo.endCursor continues.
        edges = [Edge(cursor=str(item.id), node=register_entry_from(item)) for item in page.items]
        return Connection(
            edges=edges, page_info=PageInfo(has_next_page=next_cursor is not None, end_cursor=next_cursor)
        )

    @strawberry.field(
        description="Your own choices for the public register, as a facilitator, and your entry as others see it."
    )
    async def my_register_listing(self, info: Info[Context, None]) -> RegisterListing | None:
        return listing_from(await info.context.facilitator.get("/v1/facilitators/me/publication", PublicationOut))

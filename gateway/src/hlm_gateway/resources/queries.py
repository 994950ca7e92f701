from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

import strawberry
from strawberry.types import Info

from hlm_gateway.arguments import Cursor, Key, checked, key
from hlm_gateway.context import Context
from hlm_gateway.pagination import Connection, Edge, First, PageInfo
from hlm_gateway.resources.types import Resource, resource_cursor, resource_from
from hlm_gateway.upstream.framework import ResourceList, ResourceOut
from hlm_gateway.vocabulary import ResourceAudience, ResourceKind

OptionalKey = Annotated[str | None, checked(key)]


@strawberry.type
class ResourceQuery:
    @strawberry.field(
        description="Published development resources by key, a page at a time: those that develop a dimension "
        "(or an LF2011 domain, with framework), of a kind, for an audience (with those for all staff)."
    )
    async def resources(
        self,
        info: Info[Context, None],
        dimension: OptionalKey = None,
        framework: OptionalKey = None,
        kind: ResourceKind | None = None,
        audience: ResourceAudience | None = None,
        first: First = 20,
        after: Cursor = None,
    ) -> Connection[Resource] | None:
        params = {"limit": str(first)}
        for name, value in (("dimension", dimension), ("framework", framework), ("cursor", after)):
            if value is not None:
                params[name] = value
        if kind is not None:
            params["kind"] = kind.value
        if audience is not None:
            params["audience"] = audience.value
        page = await info.context.framework.get("/v1/resources", ResourceList, params)
        next_cursor = page.next_cursor
        edges = [Edge(cursor=resource_cursor(item), node=resource_from(item)) for item in page.items]
        return Connection(
            edges=edges, page_info=PageInfo(has_next_page=next_cursor is not None, end_cursor=next_cursor)
        )

    @strawberry.field(description="A development resource's published version, by key.")
    async def resource(self, info: Info[Context, None], key: Key) -> Resource | None:
        return resource_from(await info.context.framework.get(f"/v1/resources/{quote(key, safe='')}", ResourceOut))

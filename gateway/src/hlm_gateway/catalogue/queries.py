from __future__ import annotations

import asyncio

import strawberry
from strawberry.types import Info

from hlm_gateway.arguments import Cursor, Key
from hlm_gateway.catalogue.types import Framework, FrameworkSummary, Questionnaire, framework_from, questionnaire_from
from hlm_gateway.context import Context
from hlm_gateway.errors import ErrorCode, GatewayError
from hlm_gateway.pagination import MAX_PAGE, Connection, Edge, First, PageInfo
from hlm_gateway.upstream.framework import FrameworkList, QuestionnaireOut


@strawberry.type
class CatalogueQuery:
    @strawberry.field(description="Frameworks with their latest version, a page at a time.")
    async def frameworks(
        self, info: Info[Context, None], first: First = 20, after: Cursor = None
    ) -> Connection[FrameworkSummary] | None:
        params = {"limit": str(first)} | ({"cursor": after} if after else {})
        page = await info.context.framework.get("/v1/frameworks", FrameworkList, params)
        edges = [
            Edge(
                cursor=item.key,
                node=FrameworkSummary(
                    key=item.key,
                    name=item.name,
                    dimension_label=item.dimension_label,
                    latest_version=item.latest_version,
                ),
            )
            for item in page.items
        ]
        return Connection(
            edges=edges,
            page_info=PageInfo(has_next_page=page.next_cursor is not None, end_cursor=page.next_cursor),
        )

    @strawberry.field(description="A framework version, whole: the latest published one unless a version is given.")
    async def framework(self, info: Info[Context, None], key: Key, version: int | None = None) -> Framework | None:
        return framework_from(await info.context.loaders.framework.load((key, version)))

    @strawberry.field(description="One questionnaire with its items, scales and importance questions.")
    async def questionnaire(self, info: Info[Context, None], id: strawberry.ID) -> Questionnaire | None:
        return questionnaire_from(await info.context.loaders.questionnaire.load(str(id)))

    @strawberry.field(description="Questionnaires by id, in the order asked (one upstream call for all).")
    async def questionnaires(self, info: Info[Context, None], ids: list[strawberry.ID]) -> list[Questionnaire | None]:
        if len(ids) > MAX_PAGE:
            raise GatewayError(f"at most {MAX_PAGE} ids", ErrorCode.BAD_USER_INPUT)
        loader = info.context.loaders.questionnaire
        loaded = await asyncio.gather(*(loader.load(str(i)) for i in ids), return_exceptions=True)
        for result in loaded:
            # An unknown id is a null in the list; a service that cannot answer fails the whole field.
            if isinstance(result, BaseException) and getattr(result, "code", None) != ErrorCode.NOT_FOUND:
                raise result
        return [questionnaire_from(q) if isinstance(q, QuestionnaireOut) else None for q in loaded]

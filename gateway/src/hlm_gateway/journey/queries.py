from __future__ import annotations

import strawberry
from strawberry.types import Info

from hlm_gateway.arguments import Cursor
from hlm_gateway.context import Context
from hlm_gateway.journey.types import (
    Cycle,
    ReleaseReportResult,
    Report,
    ReportReleaseRefused,
    cycle_from,
    report_from,
)
from hlm_gateway.pagination import Connection, Edge, First, PageInfo
from hlm_gateway.problems import refused_as
from hlm_gateway.upstream import Refusal
from hlm_gateway.upstream.report import ReportOut
from hlm_gateway.upstream.survey import CycleList


@strawberry.type
class JourneyQuery:
    @strawberry.field(description="Your assessment cycles, newest first, a page at a time.")
    async def cycles(
        self, info: Info[Context, None], first: First = 20, after: Cursor = None
    ) -> Connection[Cycle] | None:
        params = {"limit": str(first)} | ({"cursor": after} if after else {})
        page = await info.context.survey.get("/v1/cycles", CycleList, params)
        next_cursor = page.next_cursor
        edges = [Edge(cursor=str(item.id), node=cycle_from(item)) for item in page.items]
        return Connection(
            edges=edges, page_info=PageInfo(has_next_page=next_cursor is not None, end_cursor=next_cursor)
        )


@strawberry.type
class JourneyMutation:
    @strawberry.mutation(
        description="Release a report to its participant (their booked facilitator only).",
        deprecation_reason="Use releaseReportV2: it answers a report with nothing to release as "
        "ReportReleaseRefused, not as an error.",
    )
    async def release_report(self, info: Info[Context, None], id: strawberry.ID) -> Report | None:
        return report_from(await info.context.report.post(f"/v1/reports/{id}/release", ReportOut))

    @strawberry.mutation(
        description="Release a report to its participant (their booked facilitator only); releasing again changes "
        "nothing. A report with nothing to release is answered as ReportReleaseRefused."
    )
    async def release_report_v2(self, info: Info[Context, None], id: strawberry.ID) -> ReleaseReportResult | None:
        result = await info.context.report.post_outcome(f"/v1/reports/{id}/release", ReportOut)
        if isinstance(result, Refusal):
            return refused_as(ReportReleaseRefused, result.problem, fallback="the report was not released")
        return report_from(result)

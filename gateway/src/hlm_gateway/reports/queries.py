"""Reading reports: a participant's own, a facilitator's participants', and group reports for academy
administrators and partners. report-svc decides who may read what; the gateway only forwards the
caller's token and shapes the answer."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, TypeVar
from urllib.parse import quote, urlencode

import strawberry
from strawberry.types import Info

from hlm_gateway.arguments import Cursor, checked, name
from hlm_gateway.context import Context
from hlm_gateway.errors import ErrorCode, GatewayError
from hlm_gateway.journey.loaders import SUMMARY
from hlm_gateway.journey.types import Report, report_from
from hlm_gateway.pagination import Connection, Edge, First, PageInfo
from hlm_gateway.reports.types import (
    GroupReport,
    GroupReportResult,
    GroupScope,
    group_report_from,
    group_too_small_from,
)
from hlm_gateway.selections import selects
from hlm_gateway.upstream import Refusal
from hlm_gateway.upstream.report import GroupReportOut, ReportList, ReportOut, ReportSummaryList, ReportSummaryOut

AnyReport = TypeVar("AnyReport", bound=ReportOut | ReportSummaryOut)


def page_of(items: list[AnyReport], first: int, after: str | None) -> tuple[list[AnyReport], bool]:
    """``first`` items after the one whose id is ``after``, and whether more follow.

    report-svc answers the caller's whole readable list (newest first, at most 100) in one call, so the
    gateway pages it here; a report's id is its cursor, stable while the list grows at its head."""
    start = 0
    if after is not None:
        ids = [str(item.id) for item in items]
        if after not in ids:
            raise GatewayError("after is not a cursor of this list", ErrorCode.BAD_USER_INPUT)
        start = ids.index(after) + 1
    return items[start : start + first], start + first < len(items)


@strawberry.type
class ReportQuery:
    @strawberry.field(
        description=(
            "Reports you may read, newest first: your own once released (or not produced, with the reason), "
            "and as a facilitator those of the participants booked with you."
        )
    )
    async def reports(
        self, info: Info[Context, None], first: First = 20, after: Cursor = None
    ) -> Connection[Report] | None:
        # Reports' content only for a query that reads it: it is nearly all of a report's size.
        found: list[ReportOut | ReportSummaryOut] = []
        if selects(info, "edges", "node", "content"):
            found.extend((await info.context.report.get("/v1/reports", ReportList)).items)
        else:
            found.extend((await info.context.report.get("/v1/reports", ReportSummaryList, SUMMARY)).items)
        items, has_next = page_of(found, first, after)
        edges = [Edge(cursor=str(item.id), node=report_from(item)) for item in items]
        return Connection(
            edges=edges,
            page_info=PageInfo(has_next_page=has_next, end_cursor=edges[-1].cursor if edges else None),
        )

    @strawberry.field(
        description=(
            "One report you may read. Anyone else's is NOT_FOUND (its existence is not revealed); your own "
            "coached report is FORBIDDEN until your facilitator releases it at your feedback session."
        )
    )
    async def report(self, info: Info[Context, None], id: strawberry.ID) -> Report | None:
        return report_from(await info.context.report.get(f"/v1/reports/{quote(id, safe='')}", ReportOut))

    @strawberry.field(
        description=(
            "Issue (or fetch again) the group report of a team 360, an organisation or a region over one "
            "questionnaire, optionally over the cycles closed in a period: academy administrators for their "
            "region, partners for their organisation. A group too small is GroupTooSmall."
        )
    )
    async def group_report(
        self,
        info: Info[Context, None],
        scope: GroupScope,
        value: Annotated[str, checked(name)],
        questionnaire_id: strawberry.ID,
        closed_from: datetime | None = None,
        closed_to: datetime | None = None,
    ) -> GroupReportResult | None:
        params = {"scope": scope.value, "value": value, "questionnaire_id": str(questionnaire_id)}
        if closed_from is not None:
            params["closed_from"] = closed_from.isoformat()
        if closed_to is not None:
            params["closed_to"] = closed_to.isoformat()
        # Issuing stores the report's member set (to refuse a later set that differs by a few people), so
        # it is sent once like a write; asking again for the same set returns the same report.
        result = await info.context.report.send_outcome(
            "GET", f"/v1/group-reports?{urlencode(params)}", GroupReportOut, expected=(409,)
        )
        return group_too_small_from(result.problem) if isinstance(result, Refusal) else group_report_from(result)

    @strawberry.field(description="A group report issued to you before, by its id.")
    async def issued_group_report(self, info: Info[Context, None], id: strawberry.ID) -> GroupReport | None:
        return group_report_from(
            await info.context.report.get(f"/v1/group-reports/{quote(id, safe='')}", GroupReportOut)
        )

"""A participant's progress between two of their released reports (``Report.progress``), and its typed
refusals: no earlier report to compare with, or two reports that cannot be compared.

report-svc decides who may read a comparison (whoever may read both reports) and builds it from the two
reports' published figures alone; the gateway forwards the caller's token and shapes the answer."""

from __future__ import annotations

from typing import Annotated, cast
from urllib.parse import quote

import strawberry
from strawberry.scalars import JSON

from hlm_gateway.context import Context
from hlm_gateway.downloads import progress_pdf_path
from hlm_gateway.errors import ErrorCode, GatewayError
from hlm_gateway.problems import refusal_code, refusal_message, refused_as
from hlm_gateway.upstream import Refusal
from hlm_gateway.upstream.report import ProgressOut


@strawberry.type(
    description=(
        "How a participant moved between an earlier released report and this one, on questionnaires of the "
        "same framework. content holds then and now (each cycle's questionnaire, dates and groups), groups "
        "(the rater groups shown on their own in either cycle), notes (which confidentiality rules shaped the "
        "comparison) and dimensions: per dimension self, others and groups (by rater group), each "
        "{then, now, change}. then and now are that cycle's published figure (score, level, and n for "
        "raters) or null where that cycle does not publish it; change is now minus then where both do."
    )
)
class Progress:
    report_id: strawberry.ID = strawberry.field(description="The later report: now.")
    since_report_id: strawberry.ID = strawberry.field(description="The earlier report: then.")
    participant_id: strawberry.ID
    content: JSON

    @strawberry.field(
        description="Where to download the comparison as PDF from the gateway (a path relative to it, not "
        "/graphql): GET it with the same bearer token."
    )
    def pdf_url(self) -> str:
        return progress_pdf_path(str(self.report_id), str(self.since_report_id))


@strawberry.type(
    description="There is nothing to compare this report with: none of the participant's earlier released "
    "reports on the same framework is one you may read."
)
class NoEarlierReport:
    message: str


@strawberry.type(
    description="The two reports cannot be compared: not both released, of different participants, on "
    "different frameworks or dimensions, the same report, or since is not of an earlier cycle. message says which."
)
class ReportsNotComparable:
    message: str


ProgressResult = Annotated[Progress | NoEarlierReport | ReportsNotComparable, strawberry.union("ProgressResult")]


async def progress_of(context: Context, report_id: str, since: str | None) -> ProgressResult:
    path = f"/v1/reports/{quote(report_id, safe='')}/progress"
    if since is not None:
        path += f"?since={quote(since, safe='')}"
    # A read; the two refusals the app acts on come back typed. report-svc answers 404 both for a report
    # the caller may not read and for one with nothing earlier to compare with, told apart by the type.
    result = await context.report.send_outcome("GET", path, ProgressOut, expected=(404, 409))
    if not isinstance(result, Refusal):
        return Progress(
            report_id=strawberry.ID(str(result.report_id)),
            since_report_id=strawberry.ID(str(result.since_report_id)),
            participant_id=strawberry.ID(result.participant_id),
            content=cast(JSON, result.content),
        )
    problem = result.problem
    if result.status == 409:
        return refused_as(ReportsNotComparable, problem, fallback="these reports cannot be compared")
    if refusal_code(problem) == "no-earlier-report":
        return refused_as(NoEarlierReport, problem, fallback="no earlier report to compare with")
    raise GatewayError(refusal_message(problem, "not found"), ErrorCode.NOT_FOUND, service=context.report.name)

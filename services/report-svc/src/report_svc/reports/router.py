from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import AwareDatetime
from sqlalchemy.ext.asyncio import AsyncSession

from hlm_kit.auth import CurrentPrincipal, Facilitator, Partner, Principal
from hlm_kit.db import Session, Sessionmaker
from hlm_kit.errors import BadRequest
from hlm_kit.http_cache import conditional_response
from hlm_kit.json_answer import json_response
from hlm_kit.pagination import Cursor, CursorCodec, Ids, page_limit
from report_svc.reports import rendering
from report_svc.reports import service as report_service
from report_svc.reports.csv_format import to_csv
from report_svc.reports.models import Report
from report_svc.reports.repository import ReportRepository
from report_svc.reports.schemas import PartnerReportPage, ReportList, ReportOut, ReportSummaryList

router = APIRouter(prefix="/v1/reports", tags=["reports"])
partner_router = APIRouter(prefix="/v1/partner", tags=["partner"])
CSV = "text/csv; charset=utf-8"
HTML_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
# A partner's reports oldest change first (the id breaks ties).
PARTNER_CURSOR = CursorCodec(tuple[datetime, uuid.UUID])

# Clients generated from /openapi.json parse a response by the first media type they know in its
# declaration, one per status: an operation that answers JSON or CSV by a query parameter can be read
# only as JSON by them. So each CSV has a path of its own (like the PDF), declared as text, and the
# PDF is declared with a binary schema, also as octet-stream for generators that know no application/pdf.
CSV_TEXT = {"text/csv": {"schema": {"type": "string"}}}
BINARY = {"schema": {"type": "string", "format": "binary"}}


# Unless asked, a page is 100 reports: what the list answered before it was paged, so a caller that
# does not page still gets every report it got then.
ListLimit = Annotated[int, page_limit(default=100, maximum=100)]


@router.get("", response_model=ReportList | ReportSummaryList)
async def list_reports(
    session: Session,
    principal: CurrentPrincipal,
    ids: Ids,
    limit: ListLimit,
    cursor: Cursor = None,
    view: Annotated[
        Literal["full", "summary"],
        Query(
            description="`full` (the default): every report with its content; `summary`: the same reports, "
            "chosen by the same rules, without their `content` (a ReportSummaryList), for a screen that "
            "shows only a report's state and status."
        ),
    ] = "full",
) -> Response:
    """Reports the caller may read: the ones asked for by id, in that order, or else a page of the caller's
    own and (for a facilitator) those of participants booked with them, newest first (`next_cursor` for
    the next page; `limit` and `cursor` do not apply to a read by `ids`). ``view=summary`` leaves out every
    report's content, which is most of its size."""
    listed = await report_service.list_readable(
        session, principal, ids=ids, with_content=view == "full", cursor=cursor, limit=limit
    )
    # Encoded as the response model documents it, rather than validated again by FastAPI against the
    # union of both views (the home screen reads the summaries on every visit).
    return json_response(listed)


@router.get(
    "/{id}.pdf",
    response_class=Response,
    responses={
        200: {
            "content": {"application/pdf": BINARY, "application/octet-stream": BINARY},
            "description": "The report as PDF (sent as application/pdf).",
        }
    },
)
async def get_pdf(request: Request, sessionmaker: Sessionmaker, principal: CurrentPrincipal, id: uuid.UUID) -> Response:
    """The report as a tagged PDF/UA-1, rendered once per version and kept; with a strong ETag, so a
    client that keeps this version already (``If-None-Match``) gets an empty 304."""
    pdf = await report_service.pdf(sessionmaker, principal, id)
    response = conditional_response(request, pdf.body, etag=pdf.etag, media_type="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="report-{pdf.report.id}-v{pdf.report.version}.pdf"'
    # A person's feedback report may be opened on a shared NHS computer: no cache, the browser's own
    # included, keeps a copy. A client that keeps the file itself (a trust's sync job) may still ask
    # with If-None-Match whether the version it holds is current.
    response.headers["Cache-Control"] = "private, no-store"
    return response


@router.get(
    "/{id}.html",
    response_class=Response,
    responses={
        200: {"content": {"text/html": {"schema": {"type": "string"}}}, "description": "The report as an HTML page."}
    },
)
async def get_html(session: Session, principal: CurrentPrincipal, id: uuid.UUID) -> Response:
    """The report as one self-contained HTML page (the accessible first format; the PDF prints the same page)."""
    report = await report_service.get(session, principal, id)
    return Response(
        rendering.html(report),
        media_type="text/html; charset=utf-8",
        # The page carries its own CSS and inline SVG and needs nothing else: nothing else may load into it.
        headers={"Content-Security-Policy": HTML_POLICY},
    )


@router.get(
    "/{id}.csv",
    response_class=Response,
    responses={200: {"content": CSV_TEXT, "description": "The report as CSV, one published figure a row."}},
)
async def get_csv(session: Session, principal: CurrentPrincipal, id: uuid.UUID) -> Response:
    report = await report_service.get(session, principal, id)
    return Response(to_csv([report]), media_type=CSV)


@router.get(
    "/{id}",
    response_model=ReportOut,
    responses={200: {"content": CSV_TEXT, "description": "The report; as CSV with `format=csv` (or at `/{id}.csv`)."}},
)
async def get(
    session: Session,
    principal: CurrentPrincipal,
    id: uuid.UUID,
    format: Literal["json", "csv"] = "json",
) -> ReportOut | Response:
    if format == "csv":
        return Response(to_csv([await report_service.get(session, principal, id)]), media_type=CSV)
    return await report_service.read(session, principal, id)


@router.post("/{id}/release", response_model=ReportOut)
async def release(session: Session, principal: Facilitator, id: uuid.UUID) -> ReportOut:
    """The booked facilitator releases a coached report to its participant; releasing again changes nothing."""
    return await report_service.release(session, principal, id)


async def _partner_page(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    updated_since: datetime | None,
    cursor: str | None,
    limit: int | None,
) -> tuple[list[Report], str | None]:
    if principal.org is None:
        raise BadRequest("a partner token must carry the organisation (org claim)")
    page_size = limit or request.app.state.settings.partner_page_size
    rows = await ReportRepository(session).partner_page(
        principal.org, after=PARTNER_CURSOR.decode(cursor), since=updated_since, limit=page_size + 1
    )
    return PARTNER_CURSOR.page(rows, page_size, key=lambda r: (r.updated_at, r.id))


def _csv_page(reports: list[Report], next_cursor: str | None) -> Response:
    headers = {"Link": f'<?cursor={next_cursor}>; rel="next"'} if next_cursor else {}
    return Response(to_csv(reports), media_type=CSV, headers=headers)


UpdatedSince = Annotated[AwareDatetime | None, Query(description="only reports changed after this time")]
# Unless asked, a page is REPORT_PARTNER_PAGE_SIZE reports; a sync job may ask for up to 1000.
PartnerLimit = Annotated[int | None, page_limit(default=None, maximum=1000)]


@partner_router.get(
    "/reports",
    response_model=PartnerReportPage,
    responses={
        200: {"content": CSV_TEXT, "description": "A page of reports; as CSV with `format=csv` (or at `/reports.csv`)."}
    },
)
async def partner_reports(
    request: Request,
    session: Session,
    principal: Partner,
    limit: PartnerLimit,
    updated_since: UpdatedSince = None,
    cursor: Cursor = None,
    format: Literal["json", "csv"] = "json",
) -> Response:
    """Released reports of the partner organisation's consenting participants, oldest change first, so a
    trust can sync incrementally: keep the last ``updated_at`` seen and pass it as ``updated_since``."""
    reports, next_cursor = await _partner_page(request, session, principal, updated_since, cursor, limit)
    if format == "csv":
        return _csv_page(reports, next_cursor)
    page = PartnerReportPage(items=await report_service.present(session, reports), next_cursor=next_cursor)
    return Response(page.model_dump_json(), media_type="application/json")


@partner_router.get(
    "/reports.csv",
    response_class=Response,
    responses={
        200: {
            "content": CSV_TEXT,
            "description": "A page of reports as CSV; the next page's link is in the `Link` header (rel=next).",
        }
    },
)
async def partner_reports_csv(
    request: Request,
    session: Session,
    principal: Partner,
    limit: PartnerLimit,
    updated_since: UpdatedSince = None,
    cursor: Cursor = None,
) -> Response:
    """The same pages as ``/v1/partner/reports``, as CSV, one published figure a row."""
    reports, next_cursor = await _partner_page(request, session, principal, updated_since, cursor, limit)
    return _csv_page(reports, next_cursor)

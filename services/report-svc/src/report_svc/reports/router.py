from __future__ import annotations

import asyncio
import base64
import json
import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import AwareDatetime

from hlm_kit.auth import CurrentPrincipal, Principal, Role, require_role
from hlm_kit.db import Session
from hlm_kit.errors import BadRequest, FieldError, UnprocessableContent
from report_svc.reports import rendering
from report_svc.reports import service as report_service
from report_svc.reports.csv_format import to_csv
from report_svc.reports.repository import ReportRepository
from report_svc.reports.schemas import PartnerReportPage, ReportList, ReportOut, ReportSummaryList, ReportSummaryOut

router = APIRouter(prefix="/v1/reports", tags=["reports"])
partner_router = APIRouter(prefix="/v1/partner", tags=["partner"])
Facilitator = Annotated[Principal, Depends(require_role(Role.FACILITATOR))]
Partner = Annotated[Principal, Depends(require_role(Role.PARTNER))]

MAX_BATCH_IDS = 100
CSV = "text/csv; charset=utf-8"
HTML_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)


def _parse_ids(ids: str) -> list[uuid.UUID]:
    parts = [p.strip() for p in ids.split(",") if p.strip()]
    if len(parts) > MAX_BATCH_IDS:
        raise BadRequest(f"at most {MAX_BATCH_IDS} ids per request")
    errors = []
    parsed = []
    for position, part in enumerate(parts):
        try:
            parsed.append(uuid.UUID(part))
        except ValueError:
            errors.append(FieldError(loc=["query", "ids", position], msg=f"not a UUID: {part!r}", type="uuid_parsing"))
    if errors:
        raise UnprocessableContent(f"{len(errors)} invalid id(s)", errors=errors)
    return parsed


@router.get("", response_model=ReportList | ReportSummaryList)
async def list_reports(
    session: Session,
    principal: CurrentPrincipal,
    ids: Annotated[str | None, Query(description="comma-separated report ids (batch read)")] = None,
    view: Annotated[
        Literal["full", "summary"],
        Query(
            description="`full` (the default): every report with its content; `summary`: the same reports, "
            "chosen by the same rules, without their `content` (a ReportSummaryList), for a screen that "
            "shows only a report's state and status."
        ),
    ] = "full",
) -> Response:
    """Reports the caller may read: the ones asked for by id, in that order, or else the caller's own
    and (for a facilitator) those of participants booked with them. ``view=summary`` leaves out every
    report's content, which is most of its size."""
    with_content = view == "full"
    if ids is not None:
        reports = await report_service.get_many(session, principal, _parse_ids(ids), with_content=with_content)
    else:
        reports = await report_service.list_visible(session, principal, with_content=with_content)
    page: ReportList | ReportSummaryList = (
        ReportList(items=[ReportOut.model_validate(r) for r in reports])
        if with_content
        else ReportSummaryList(items=[ReportSummaryOut.model_validate(r) for r in reports])
    )
    return Response(page.model_dump_json(), media_type="application/json")


@router.get(
    "/{id}.pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}, "description": "The report as PDF."}},
)
async def get_pdf(session: Session, principal: CurrentPrincipal, id: uuid.UUID) -> Response:
    report = await report_service.get(session, principal, id)
    body = await asyncio.to_thread(rendering.pdf, report)
    return Response(
        body,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="report-{report.id}-v{report.version}.pdf"'},
    )


@router.get(
    "/{id}.html",
    response_class=Response,
    responses={200: {"content": {"text/html": {}}, "description": "The report as an HTML page."}},
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


@router.get("/{id}", response_model=ReportOut, responses={200: {"content": {"text/csv": {}}}})
async def get(
    session: Session,
    principal: CurrentPrincipal,
    id: uuid.UUID,
    format: Literal["json", "csv"] = "json",
) -> Response:
    report = await report_service.get(session, principal, id)
    if format == "csv":
        return Response(to_csv([report]), media_type=CSV)
    return Response(ReportOut.model_validate(report).model_dump_json(), media_type="application/json")


@router.post("/{id}/release", response_model=ReportOut)
async def release(session: Session, principal: Facilitator, id: uuid.UUID) -> ReportOut:
    """The booked facilitator releases a coached report to its participant; releasing again changes nothing."""
    return ReportOut.model_validate(await report_service.release(session, principal, id))


def _encode_cursor(updated_at: datetime, report_id: uuid.UUID) -> str:
    raw = json.dumps([updated_at.isoformat(), str(report_id)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        updated_at, report_id = json.loads(raw)
        return datetime.fromisoformat(updated_at), uuid.UUID(report_id)
    except (ValueError, TypeError) as exc:
        raise UnprocessableContent(
            "invalid cursor",
            errors=[FieldError(loc=["query", "cursor"], msg="not a cursor this service issued", type="cursor")],
        ) from exc


@partner_router.get("/reports", response_model=PartnerReportPage, responses={200: {"content": {"text/csv": {}}}})
async def partner_reports(
    request: Request,
    session: Session,
    principal: Partner,
    updated_since: Annotated[AwareDatetime | None, Query(description="only reports changed after this time")] = None,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
    limit: Annotated[int | None, Query(ge=1, le=1000)] = None,
    format: Literal["json", "csv"] = "json",
) -> Response:
    """Released reports of the partner organisation's consenting participants, oldest change first, so a
    trust can sync incrementally: keep the last ``updated_at`` seen and pass it as ``updated_since``."""
    if principal.org is None:
        raise BadRequest("a partner token must carry the organisation (org claim)")
    page_size = limit or request.app.state.settings.partner_page_size
    after = _decode_cursor(cursor) if cursor else None
    reports = await ReportRepository(session).partner_page(
        principal.org, after=after, since=updated_since, limit=page_size + 1
    )
    has_more = len(reports) > page_size
    reports = list(reports[:page_size])
    next_cursor = _encode_cursor(reports[-1].updated_at, reports[-1].id) if has_more else None
    if format == "csv":
        headers = {"Link": f'<?cursor={next_cursor}>; rel="next"'} if next_cursor else {}
        return Response(to_csv(reports), media_type=CSV, headers=headers)
    page = PartnerReportPage(items=[ReportOut.model_validate(r) for r in reports], next_cursor=next_cursor)
    return Response(page.model_dump_json(), media_type="application/json")

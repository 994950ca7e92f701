from __future__ import annotations

import asyncio
import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import AwareDatetime, TypeAdapter, ValidationError

from hlm_kit.auth import CurrentPrincipal, Principal
from hlm_kit.db import Session, Sessionmaker, WriteSession
from hlm_kit.errors import FieldError, UnprocessableContent, field_errors_from
from report_svc.group_reports import rendering
from report_svc.group_reports import service as group_report_service
from report_svc.group_reports.schemas import GroupReportOut, GroupReportQuery, Scope
from report_svc.reports.router import BINARY, CSV, CSV_TEXT, HTML_POLICY

router = APIRouter(prefix="/v1/group-reports", tags=["group reports"])
_AWARE: TypeAdapter[AwareDatetime] = TypeAdapter(AwareDatetime)


def _reader(principal: CurrentPrincipal) -> Principal:
    # A dependency, so it is decided before any parameter is validated: a caller who may see no group
    # report is refused as such, and learns nothing from a 422 about what a valid question would be.
    group_report_service.audience_of(principal)
    return principal


GroupReportReader = Annotated[Principal, Depends(_reader)]


@router.get("", response_model=GroupReportOut)
async def get_for_scope(
    request: Request,
    session: WriteSession,  # issues the report the first time it is asked for
    principal: GroupReportReader,
    scope: Annotated[Scope, Query()],
    value: Annotated[str, Query(description="team cycle id, organisation code or region")],
    questionnaire_id: Annotated[uuid.UUID, Query()],
    closed_from: Annotated[str | None, Query(description="ISO 8601 time with offset")] = None,
    closed_to: Annotated[str | None, Query(description="ISO 8601 time with offset")] = None,
) -> GroupReportOut:
    """The group report of a team 360, an organisation or a region (academy administrators: their region;
    partners: their organisation). Asking again for the same participants returns the same report.

    Refused with 409 in two ways the problem's ``type`` tells apart: ``.../problems/group-too-small`` (fewer
    participants than the minimum) and ``.../problems/group-too-close-to-issued`` (the participants differ
    from those of a group report already issued by too few, or would single someone out with others)."""
    errors: list[FieldError] = []
    times: dict[str, datetime | None] = {}
    for name, raw in (("closed_from", closed_from), ("closed_to", closed_to)):
        try:
            times[name] = _AWARE.validate_python(raw) if raw is not None else None
        except ValidationError as exc:
            errors += field_errors_from(exc, prefix=["query", name])
    if scope == "team":
        try:
            uuid.UUID(value)
        except ValueError:
            errors.append(FieldError(loc=["query", "value"], msg="for a team, the team cycle id (a UUID)", type="uuid"))
    start, end = times.get("closed_from"), times.get("closed_to")
    if start is not None and end is not None and start > end:
        errors.append(FieldError(loc=["query", "closed_to"], msg="closed_to is before closed_from", type="range"))
    query: GroupReportQuery | None = None
    try:
        query = GroupReportQuery(
            scope=scope, value=value, questionnaire_id=questionnaire_id, closed_from=start, closed_to=end
        )
    except ValidationError as exc:
        errors += field_errors_from(exc, prefix=["query"])
    if errors or query is None:
        raise UnprocessableContent(f"{len(errors)} invalid parameter(s)", errors=errors)
    minimum = request.app.state.settings.group_report_min_participants
    return await group_report_service.issue(session, principal, query, minimum=minimum)


# Each rendering has a path of its own (declared before ``/{id}``, which would take ``{id}.pdf`` for an id),
# read under the same rule as the JSON: the audience it was issued to, anyone else 404.
@router.get(
    "/{id}.html",
    response_class=Response,
    responses={200: {"content": {"text/html": {"schema": {"type": "string"}}}, "description": "As an HTML page."}},
)
async def get_html(session: Session, principal: CurrentPrincipal, id: uuid.UUID) -> Response:
    report = await group_report_service.get(session, principal, id)
    return Response(
        rendering.html(report), media_type="text/html; charset=utf-8", headers={"Content-Security-Policy": HTML_POLICY}
    )


@router.get(
    "/{id}.pdf",
    response_class=Response,
    responses={
        200: {
            "content": {"application/pdf": BINARY, "application/octet-stream": BINARY},
            "description": "As a tagged PDF/UA-1 (sent as application/pdf).",
        }
    },
)
async def get_pdf(sessionmaker: Sessionmaker, principal: CurrentPrincipal, id: uuid.UUID) -> Response:
    # Read in a unit of work of its own that ends before the render, so the render's CPU time holds no
    # pooled connection.
    async with sessionmaker.begin() as session:
        report = await group_report_service.get(session, principal, id)
    body = await asyncio.to_thread(rendering.pdf, report)
    return Response(
        body,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="group-report-{report.id}.pdf"'},
    )


@router.get(
    "/{id}.csv",
    response_class=Response,
    responses={200: {"content": CSV_TEXT, "description": "One figure a row: heat map means and level counts."}},
)
async def get_csv(session: Session, principal: CurrentPrincipal, id: uuid.UUID) -> Response:
    report = await group_report_service.get(session, principal, id)
    return Response(rendering.to_csv(report), media_type=CSV)


@router.get("/{id}", response_model=GroupReportOut)
async def get(session: Session, principal: CurrentPrincipal, id: uuid.UUID) -> GroupReportOut:
    return await group_report_service.get(session, principal, id)

"""A participant's progress between two released reports, as a page and as PDF.

/reports/{report}/progress?since=      how they moved from an earlier report (by default their latest earlier
                                       one on the same framework) to this one: all raters then, now and the
                                       change per dimension, then a table per dimension with each group
/reports/{report}/progress.pdf?since=  the same, as report-svc's tagged PDF, from the gateway

The gateway's ``Report.progress`` gives the comparison (report-svc builds it from the two reports'
published figures, each under its own cycle's thresholds); the page adds nothing the comparison does not
hold. A figure a cycle does not publish is "Not shown", and a change only where both cycles publish it.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from starlette.exceptions import HTTPException

from hlm_web.gateway import Forbidden, GatewayClient, GatewayRefused, LinkNotValid
from hlm_web.participant import queries
from hlm_web.participant.router import SignedIn, _not_released, call
from hlm_web.templating import render

router = APIRouter(prefix="/reports")

NOT_SHOWN = "Not shown"


@dataclass(frozen=True)
class Row:
    """One row of a table: who (or which dimension), then, now and the change, as the page prints them."""

    label: str
    then: str
    now: str
    change: str


@dataclass(frozen=True)
class DimensionChange:
    key: str
    name: str
    rows: list[Row]


@dataclass(frozen=True)
class CycleSummary:
    questionnaire: str
    closed_on: str
    groups: str


@dataclass
class ProgressView:
    report_id: str
    since_report_id: str | None = None
    # Why there is no comparison (the gateway's NoEarlierReport or ReportsNotComparable), else None.
    refusal: str | None = None
    nothing_earlier: bool = False
    then: CycleSummary | None = None
    now: CycleSummary | None = None
    notes: list[str] = field(default_factory=list)
    others: list[Row] = field(default_factory=list)
    self_rows: list[Row] = field(default_factory=list)
    dimensions: list[DimensionChange] = field(default_factory=list)
    pdf_url: str | None = None


def _figure(value: dict[str, Any] | None) -> str:
    if not value:
        return NOT_SHOWN
    return f"{value['score']:.2f} ({value['level']})" if value.get("level") else f"{value['score']:.2f}"


def _change(value: float | None) -> str:
    if value is None:
        return "Not compared"
    if abs(value) < 0.005:
        return "No change"
    return f"Up {value:.2f}" if value > 0 else f"Down {-value:.2f}"


def _row(label: str, pair: dict[str, Any]) -> Row:
    return Row(label, _figure(pair.get("then")), _figure(pair.get("now")), _change(pair.get("change")))


def _day(value: str | None) -> str:
    if not value:
        return "Not known"
    moment = datetime.fromisoformat(value)
    return f"{moment.day} {moment:%B %Y}"


def _cycle(cycle: dict[str, Any]) -> CycleSummary:
    questionnaire = cycle.get("questionnaire") or {}
    name = questionnaire.get("name") or "Questionnaire"
    if questionnaire.get("version"):
        name = f"{name}, version {questionnaire['version']}"
    groups = ", ".join(g["label"] for g in cycle.get("groups") or []) or "None"
    return CycleSummary(questionnaire=name, closed_on=_day(cycle.get("closed_at")), groups=groups)


def progress_view(report_id: str, progress: dict[str, Any]) -> ProgressView:
    """The gateway's ``ProgressResult`` as the page shows it."""
    view = ProgressView(report_id=report_id)
    if progress["__typename"] != "Progress":
        view.refusal = progress["message"]
        view.nothing_earlier = progress["__typename"] == "NoEarlierReport"
        return view
    content = progress["content"]
    if isinstance(content, str):  # JSON scalar as text, as some gateways send it
        content = json.loads(content)
    view.since_report_id = progress["sinceReportId"]
    view.pdf_url = f"/reports/{report_id}/progress.pdf?since={progress['sinceReportId']}"
    view.then, view.now = _cycle(content["then"]), _cycle(content["now"])
    view.notes = list(content.get("notes") or [])
    labels = {g["key"]: g["label"] for g in content.get("groups") or []}
    for dimension in content.get("dimensions") or []:
        view.others.append(_row(dimension["name"], dimension["others"]))
        if dimension["self"].get("then") or dimension["self"].get("now"):
            view.self_rows.append(_row(dimension["name"], dimension["self"]))
        rows = [_row("You", dimension["self"])] if dimension["self"].get("then") or dimension["self"].get("now") else []
        rows += [_row(labels.get(key, key), pair) for key, pair in (dimension.get("groups") or {}).items()]
        rows.append(_row("All raters", dimension["others"]))
        view.dimensions.append(DimensionChange(dimension["key"], dimension["name"], rows))
    return view


def _report_id(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError as exc:
        raise HTTPException(status_code=404) from exc


@router.get("/{report_id}/progress", response_class=HTMLResponse)
async def progress_page(request: Request, person: SignedIn, report_id: str, since: str | None = None) -> Response:
    report_id = _report_id(report_id)
    since = _report_id(since) if since else None
    try:
        report = (await call(request, person, queries.REPORT_PROGRESS, id=report_id, since=since))["report"]
    except Forbidden:
        return _not_released(request)
    if report is None or report["progress"] is None:
        raise HTTPException(status_code=404)
    return render(request, "participant/progress.html", {"progress": progress_view(report_id, report["progress"])})


@router.get("/{report_id}/progress.pdf")
async def progress_pdf(request: Request, person: SignedIn, report_id: str, since: str | None = None) -> Response:
    """The comparison's PDF from the gateway (``Progress.pdfUrl``) with the person's token, passed on as it
    comes, as a report's PDF is."""
    report_id = _report_id(report_id)
    path = f"/reports/{report_id}/progress.pdf"
    if since:
        path += f"?since={_report_id(since)}"
    gateway: GatewayClient = request.app.state.gateway
    address = request.client.host if request.client is not None else None
    try:
        upstream, body = await gateway.download(path, forwarded_for=address, bearer=person.bearer)
    except (LinkNotValid, GatewayRefused) as exc:
        # Nothing to compare, two reports that cannot be compared, or one the person may not read: no such page.
        raise HTTPException(status_code=404) from exc
    except Forbidden:
        return _not_released(request)
    headers = {
        name: upstream.headers[name] for name in ("content-disposition", "content-length") if name in upstream.headers
    }
    headers["Cache-Control"] = "private, no-store"
    return StreamingResponse(body, media_type="application/pdf", headers=headers)

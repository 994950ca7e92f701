"""A facilitator's pages: their feedback sessions, the coached reports waiting for them, and releasing
a report to its participant at the session.

report-svc lets a facilitator read and release only the reports of participants booked with them (it
learns the bookings from facilitator-svc's events); a report of someone else is the gateway's NOT_FOUND,
the plain "page not found" here."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.exceptions import HTTPException

from hlm_web import csrf
from hlm_web.gateway import GatewayUnavailable
from hlm_web.participant import queries
from hlm_web.participant.booking import _session_view
from hlm_web.participant.router import SignedIn, _see_other, call, refusal_reasons
from hlm_web.templating import render

router = APIRouter()

AWAITING_RELEASE = "awaiting_release"
REPORT_STATUS_NAMES = {
    "awaiting_release": "Waiting for you to release it",
    "released": "Released",
    "not_produced": "Not produced",
}


def _checked(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError as exc:
        raise HTTPException(status_code=404) from exc


@router.get("/facilitator/sessions", response_class=HTMLResponse)
async def sessions(request: Request, person: SignedIn) -> Response:
    data = await call(request, person, queries.FACILITATOR_SESSIONS)
    found = [edge["node"] for edge in (data["feedbackSessions"] or {"edges": []})["edges"]]
    reports = {edge["node"]["id"]: edge["node"] for edge in (data["reports"] or {"edges": []})["edges"]}
    rows = [{**_session_view(s), "report_status": _report_status(reports.get(s.get("reportId") or ""))} for s in found]
    waiting = [row for row, s in zip(rows, found, strict=True) if _awaiting(reports.get(s.get("reportId") or ""))]
    return render(request, "facilitator/sessions.html", {"rows": rows, "waiting": waiting})


def _awaiting(report: dict[str, Any] | None) -> bool:
    return report is not None and report["status"] == AWAITING_RELEASE


def _report_status(report: dict[str, Any] | None) -> str:
    if report is None:
        return "No report yet"
    status = str(report["status"])
    return REPORT_STATUS_NAMES.get(status, status)


async def _session_page(
    request: Request, person: SignedIn, session_id: str, *, released: bool = False, refused: list[str] | None = None
) -> Response:
    session = (await call(request, person, queries.FACILITATOR_SESSION, id=_checked(session_id)))["feedbackSession"]
    if session is None:
        raise HTTPException(status_code=404)
    report = None
    if session.get("reportId"):
        report = (await call(request, person, queries.FACILITATOR_REPORT, id=session["reportId"]))["report"]
    return render(
        request,
        "facilitator/session.html",
        {
            "session": _session_view(session),
            "report": report,
            "report_status": _report_status(report),
            "may_release": _awaiting(report),
            "released": released,
            "refused": refused,
            "errors": bool(refused),
        },
        status_code=400 if refused else 200,
    )


@router.get("/facilitator/sessions/{session_id}", response_class=HTMLResponse)
async def session_page(request: Request, person: SignedIn, session_id: str, released: bool = False) -> Response:
    return await _session_page(request, person, session_id, released=released)


@router.post("/facilitator/sessions/{session_id}/release", dependencies=[Depends(csrf.protect)])
async def release(request: Request, person: SignedIn, session_id: str) -> Response:
    session = (await call(request, person, queries.FACILITATOR_SESSION, id=_checked(session_id)))["feedbackSession"]
    if session is None or not session.get("reportId"):
        raise HTTPException(status_code=404)
    # Releasing twice (a second tab, the back button) changes nothing: report-svc answers the report as it is.
    # A report with nothing to release (too few responses arrived) is refused, and said so on the same page.
    released = (await call(request, person, queries.RELEASE_REPORT, id=session["reportId"]))["releaseReportV2"]
    if released is None:
        raise GatewayUnavailable
    if released["__typename"] == "ReportReleaseRefused":
        return await _session_page(request, person, session["id"], refused=refusal_reasons(released))
    return _see_other(f"/facilitator/sessions/{session['id']}?released=true")

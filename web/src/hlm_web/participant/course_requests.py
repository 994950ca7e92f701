"""Organisations' requests for an internal facilitator training course, on the web: an academy administrator
sees the requests to their region with where each stands, and declines one saying why (the organisation is
told). The academy's refusals (a request answered already) are the NHS.UK error summary on the same page."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.exceptions import HTTPException

from hlm_web import csrf
from hlm_web.gateway import GatewayRefused, GatewayUnavailable
from hlm_web.participant.router import SignedIn, _see_other, call
from hlm_web.participant.training import (
    MODES,
    _blank,
    _checked,
    _new_course_page,
    course_form,
    course_refusal,
    day,
)
from hlm_web.templating import render

router = APIRouter()

REQUESTS_PAGE = 20
MAX_REASON = 2000
STATUSES = {"REQUESTED": "Waiting for an answer", "SCHEDULED": "Scheduled", "DECLINED": "Declined"}

COURSE_REQUESTS = """
query CourseRequests($status: CourseRequestStatus, $first: Int!, $after: String) {
  courseRequests(status: $status, first: $first, after: $after) {
    edges { node {
      id organisation staffCount preferredMode notes status declineReason
      contact { name email } preferredDates { start end }
    } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
ONE = """
query CourseRequest($id: ID!) {
  courseRequest(id: $id) { id organisation staffCount preferredMode status preferredDates { start end } }
}
"""
SCHEDULE = """
mutation ScheduleCourseRequest($id: ID!, $course: CourseInput!) {
  scheduleCourseRequest(id: $id, course: $course) {
    __typename
    ... on CourseRequestScheduled { course { id } }
    ... on CourseRequestRefused { message problems { location message } }
  }
}
"""
DECLINE = """
mutation DeclineCourseRequest($id: ID!, $reason: String!) {
  declineCourseRequest(id: $id, reason: $reason) {
    __typename
    ... on CourseRequestRefused { message }
  }
}
"""


def _view(r: dict[str, Any]) -> dict[str, Any]:
    dates = r["preferredDates"]
    return {
        "id": r["id"], "organisation": r["organisation"], "staff": r["staffCount"],
        "when": f"{day(dates['start'])} to {day(dates['end'])}",
        "how": MODES.get(r["preferredMode"] or "", "Either"),
        "contact": f"{r['contact']['name']}, {r['contact']['email']}",
        "notes": r["notes"], "status": STATUSES.get(r["status"], r["status"]), "open": r["status"] == "REQUESTED",
        "reason": r["declineReason"],
    }  # fmt: skip


def list_url(status: str = "", after: str = "", **more: str) -> str:
    """The list of requests filtered by ``status`` from ``after`` on, as the administrator left it."""
    query = {"status": status if status in STATUSES else "", "after": after} | more
    kept = {k: v for k, v in query.items() if v}
    return "/academy/course-requests" + ("?" + urlencode(kept) if kept else "")


def _where(form: Any) -> tuple[str, str]:
    """The filter and page the list was on when its form was sent: a decline returns the administrator there."""
    status = str(form.get("status", ""))
    return (status if status in STATUSES else ""), str(form.get("after", ""))


async def _page(
    request: Request,
    person: SignedIn,
    *,
    banner: str | None = None,
    errors: list[tuple[str, str]] | None = None,
    reasons: dict[str, str] | None = None,
    status_code: int = 200,
    status: str = "",
    after: str = "",
) -> Response:
    status = status if status in STATUSES else ""
    try:
        data = await call(
            request, person, COURSE_REQUESTS, status=status or None, first=REQUESTS_PAGE, after=after or None
        )
    except GatewayRefused as exc:
        # A page link altered by hand (its cursor is not one the gateway gave): no such page.
        if exc.code == "BAD_USER_INPUT" and after:
            raise HTTPException(status_code=404) from exc
        raise
    page = data["courseRequests"]
    if page is None:
        raise GatewayUnavailable
    next_url = list_url(status, page["pageInfo"]["endCursor"]) if page["pageInfo"]["hasNextPage"] else None
    first_url = list_url(status) if after else None
    # Where a form or link of the page brings the administrator back to: this filter, this page.
    here = {"status": status, "after": after}
    return render(
        request,
        "academy/course_requests.html",
        {"requests": [_view(e["node"]) for e in page["edges"]], "banner": banner, "errors": errors or [],
         "error_for": dict(errors or []), "reasons": reasons or {}, "status": status, "statuses": STATUSES,
         "next_url": next_url, "first_url": first_url, "here": here,
         "here_query": urlencode({k: v for k, v in here.items() if v})},
        status_code=status_code,
    )  # fmt: skip


@router.get("/academy/course-requests", response_class=HTMLResponse)
async def course_requests(
    request: Request, person: SignedIn, declined: str = "", status: str = "", after: str = ""
) -> Response:
    return await _page(
        request,
        person,
        banner="The request is declined; the organisation is told why." if declined else None,
        status=status,
        after=after,
    )


@router.post("/academy/course-requests/{request_id}/decline", dependencies=[Depends(csrf.protect)])
async def decline(request: Request, person: SignedIn, request_id: str) -> Response:
    request_id = _checked(request_id)
    form = await request.form()
    status, after = _where(form)
    reason = str(form.get("reason", "")).strip()
    field = f"reason-{request_id}"
    if not reason or len(reason) > MAX_REASON:
        message = (
            "Enter why the academy cannot run the course"
            if not reason
            else (f"Enter a reason of {MAX_REASON} characters or fewer")
        )
        return await _page(
            request, person, errors=[(field, message)], reasons={request_id: reason}, status_code=400,
            status=status, after=after,
        )  # fmt: skip
    outcome = (await call(request, person, DECLINE, id=request_id, reason=reason))["declineCourseRequest"]
    if outcome is None:
        raise GatewayUnavailable
    if outcome["__typename"] == "CourseRequest":
        return _see_other(list_url(status, after, declined="1"))
    message = outcome["message"]
    errors = [(field, message[:1].upper() + message[1:])]
    return await _page(
        request, person, errors=errors, reasons={request_id: reason}, status_code=409, status=status, after=after
    )


async def _open_request(request: Request, person: SignedIn, request_id: str) -> dict[str, Any]:
    found: dict[str, Any] | None = (await call(request, person, ONE, id=request_id))["courseRequest"]
    if found is None:
        raise HTTPException(status_code=404)
    return found


def _schedule_action(request_id: str, status: str, after: str) -> str:
    kept = {k: v for k, v in (("status", status), ("after", after)) if v}
    return f"/academy/course-requests/{request_id}/schedule" + ("?" + urlencode(kept) if kept else "")


@router.get("/academy/course-requests/{request_id}/schedule", response_class=HTMLResponse)
async def schedule_form(
    request: Request, person: SignedIn, request_id: str, status: str = "", after: str = ""
) -> Response:
    request_id = _checked(request_id)
    status = status if status in STATUSES else ""
    asked = await _open_request(request, person, request_id)
    # The course as the organisation asked for it, for the administrator to complete.
    start = asked["preferredDates"]["start"]
    values = _blank() | {
        "title": f"Facilitator training for {asked['organisation']}",
        "capacity": str(asked["staffCount"]),
        "mode": asked["preferredMode"] or "",
        "starts": dict(zip(("year", "month", "day"), (str(int(p)) for p in start.split("-")), strict=True)),
    }
    return await _new_course_page(
        request, person, values, [], action=_schedule_action(request_id, status, after),
        heading=f"Schedule a course for {asked['organisation']}",
        back=(list_url(status, after), "Back to course requests"),
    )  # fmt: skip


@router.post("/academy/course-requests/{request_id}/schedule", dependencies=[Depends(csrf.protect)])
async def schedule(request: Request, person: SignedIn, request_id: str, status: str = "", after: str = "") -> Response:
    request_id = _checked(request_id)
    status = status if status in STATUSES else ""
    values, errors, course = course_form(await request.form())
    if course is not None:
        outcome = (await call(request, person, SCHEDULE, id=request_id, course=course))["scheduleCourseRequest"]
        if outcome is None:
            raise GatewayUnavailable
        if outcome["__typename"] == "CourseRequestScheduled":
            # The course's page leads back to the list as the administrator left it.
            kept = {"requests": status or "all"} | ({"after": after} if after else {})
            return _see_other(f"/academy/courses/{outcome['course']['id']}?scheduled=1&{urlencode(kept)}")
        errors = course_refusal(outcome)
    asked = await _open_request(request, person, request_id)
    return await _new_course_page(
        request, person, values, errors, status_code=400, action=_schedule_action(request_id, status, after),
        heading=f"Schedule a course for {asked['organisation']}",
        back=(list_url(status, after), "Back to course requests"),
    )  # fmt: skip

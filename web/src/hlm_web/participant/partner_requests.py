"""A partner organisation's pages: asking the academy for an internal facilitator training course for its
staff (`requestCourse`), and the organisation's requests with where each stands (`courseRequests`, which the
gateway keeps to the partner's own organisation). A missing or wrong answer, and the academy's refusal
(`CourseRequestRefused`), are the NHS.UK error summary with every answer kept; the form carries a key made when
it was shown, so sending it twice makes one request."""

from __future__ import annotations

import base64
import binascii
import json
import re
import uuid
from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.exceptions import HTTPException

from hlm_web import csrf
from hlm_web.gateway import GatewayRefused, GatewayUnavailable
from hlm_web.participant.academy import _date, _date_values
from hlm_web.participant.course_requests import STATUSES
from hlm_web.participant.router import SignedIn, _see_other, call
from hlm_web.participant.training import MODES, day
from hlm_web.signin.session import Person
from hlm_web.templating import render

router = APIRouter()

PAGE = 20
MAX_TEXT = 200
MAX_NOTES = 2000
MAX_STAFF = 500
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

REQUEST_COURSE = """
mutation RequestCourse($input: CourseRequestInput!, $key: String) {
  requestCourse(input: $input, idempotencyKey: $key) {
    __typename
    ... on CourseRequest { id }
    ... on CourseRequestRefused { message code problems { location message } }
  }
}
"""
REQUESTS = """
query OurCourseRequests($status: CourseRequestStatus, $first: Int!, $after: String) {
  courseRequests(status: $status, first: $first, after: $after) {
    edges { node { id organisation staffCount preferredMode status declineReason preferredDates { start end } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""

# Where the academy's problems (their location's last part) are shown on the form.
FIELDS = {"organisation": "organisation", "region": "region", "name": "contact_name", "email": "contact_email",
          "phone": "contact_phone", "start": "starts", "end": "ends", "preferredDates": "starts",
          "staffCount": "staff", "preferredMode": "mode", "notes": "notes"}  # fmt: skip


def _claims(person: Person) -> dict[str, Any]:
    """The token's claims, read without checking it: only to fill in the organisation and region the form
    suggests. The gateway checks the token and decides."""
    try:
        payload = person.bearer.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError, binascii.Error):
        return {}
    return claims if isinstance(claims, dict) else {}


def _blank(person: Person) -> dict[str, Any]:
    claims = _claims(person)
    return {
        "organisation": str(claims.get("org") or ""), "region": str(claims.get("region") or ""),
        "contact_name": "", "contact_email": "", "contact_phone": "", "starts": {}, "ends": {}, "staff": "",
        "mode": "", "notes": "", "key": uuid.uuid4().hex,
    }  # fmt: skip


def _read(form: Any) -> tuple[dict[str, Any], list[tuple[str, str]], dict[str, Any] | None]:
    names = ("organisation", "region", "contact_name", "contact_email", "contact_phone", "staff", "mode", "notes")
    text = {k: str(form.get(k, "")).strip() for k in names}
    values: dict[str, Any] = text | {
        "starts": _date_values(form, "starts"), "ends": _date_values(form, "ends"),
        "key": str(form.get("key", ""))[:64] or uuid.uuid4().hex,
    }  # fmt: skip
    errors: list[tuple[str, str]] = []
    if not text["organisation"] or len(text["organisation"]) > MAX_TEXT:
        errors.append(("organisation", "Enter your organisation's code"))
    if not text["region"] or len(text["region"]) > MAX_TEXT:
        errors.append(("region", "Enter the region whose academy you are asking"))
    if not text["contact_name"] or len(text["contact_name"]) > MAX_TEXT:
        errors.append(("contact_name", "Enter the name of the person the academy should talk to"))
    if not EMAIL.match(text["contact_email"]) or len(text["contact_email"]) > MAX_TEXT:
        errors.append(("contact_email", "Enter an email address, like name@example.org"))
    if len(text["contact_phone"]) > 40:
        errors.append(("contact_phone", "Enter a phone number of 40 characters or fewer"))
    starts, ends = _date(form, "starts"), _date(form, "ends")
    if starts is None:
        errors.append(("starts", "Enter the first day you could hold the course, like 20 3 2027"))
    elif starts <= date.today():
        errors.append(("starts", "The first day must be in the future"))
    if ends is None:
        errors.append(("ends", "Enter the last day you could hold the course, like 30 4 2027"))
    elif starts is not None and ends < starts:
        errors.append(("ends", "The last day must be on or after the first day"))
    staff = int(text["staff"]) if text["staff"].isdigit() and len(text["staff"]) < 5 else 0
    if not 1 <= staff <= MAX_STAFF:
        errors.append(("staff", f"Enter how many staff would attend, from 1 to {MAX_STAFF}"))
    if text["mode"] not in ("", "EITHER", *MODES):
        errors.append(("mode", "Select how the course could take place"))
    if len(text["notes"]) > MAX_NOTES:
        errors.append(("notes", f"Enter notes of {MAX_NOTES} characters or fewer"))
    if errors or starts is None or ends is None:
        return values, errors, None
    asked = {
        "organisation": text["organisation"], "region": text["region"],
        "contact": {"name": text["contact_name"], "email": text["contact_email"],
                    "phone": text["contact_phone"] or None},
        "preferredDates": {"start": starts.isoformat(), "end": ends.isoformat()}, "staffCount": staff,
        "preferredMode": text["mode"] if text["mode"] in MODES else None, "notes": text["notes"] or None,
    }  # fmt: skip
    return values, errors, asked


def _form_page(request: Request, values: dict[str, Any], errors: list[tuple[str, str]], status_code: int) -> Response:
    return render(
        request,
        "partner/request_course.html",
        {"values": values, "errors": errors, "error_for": dict(errors)},
        status_code=status_code,
    )


@router.get("/partner/course-requests/new", response_class=HTMLResponse)
async def request_form(request: Request, person: SignedIn) -> Response:
    return _form_page(request, _blank(person), [], 200)


@router.post("/partner/course-requests/new", dependencies=[Depends(csrf.protect)])
async def request_course(request: Request, person: SignedIn) -> Response:
    values, errors, asked = _read(await request.form())
    if asked is not None:
        outcome = (await call(request, person, REQUEST_COURSE, input=asked, key=values["key"]))["requestCourse"]
        if outcome is None:
            raise GatewayUnavailable
        if outcome["__typename"] == "CourseRequest":
            return _see_other("/partner/course-requests?sent=1")
        errors = [
            (FIELDS.get(p["location"].split(".")[-1], "organisation"), p["message"][:1].upper() + p["message"][1:])
            for p in outcome["problems"]
        ] or [("organisation", outcome["message"][:1].upper() + outcome["message"][1:])]
        if outcome["code"] == "idempotency-key-reused":
            values["key"] = uuid.uuid4().hex
    return _form_page(request, values, errors, 400)


@router.get("/partner/course-requests", response_class=HTMLResponse)
async def our_requests(request: Request, person: SignedIn, sent: str = "", after: str = "") -> Response:
    try:
        data = await call(request, person, REQUESTS, status=None, first=PAGE, after=after or None)
    except GatewayRefused as exc:
        if exc.code == "BAD_USER_INPUT" and after:
            raise HTTPException(status_code=404) from exc
        raise
    page = data["courseRequests"]
    if page is None:
        raise GatewayUnavailable
    rows = [
        {
            "organisation": r["organisation"], "staff": r["staffCount"],
            "when": f"{day(r['preferredDates']['start'])} to {day(r['preferredDates']['end'])}",
            "how": MODES.get(r["preferredMode"] or "", "Either"),
            "status": STATUSES.get(r["status"], r["status"]), "reason": r["declineReason"],
        }
        for r in (e["node"] for e in page["edges"])
    ]  # fmt: skip
    next_url = (
        "/partner/course-requests?" + urlencode({"after": page["pageInfo"]["endCursor"]})
        if page["pageInfo"]["hasNextPage"]
        else None
    )
    return render(
        request,
        "partner/requests.html",
        {"rows": rows, "sent": bool(sent), "next_url": next_url,
         "first_url": "/partner/course-requests" if after else None},
    )  # fmt: skip

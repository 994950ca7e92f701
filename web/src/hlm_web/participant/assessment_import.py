"""An academy administrator imports e-learning assessment results: the CSV file the academy's learning system
exports, uploaded from a plain form (multipart, no JavaScript needed) and sent whole to the gateway's
``importAssessments``.

The academy records every row of the file or, when any row is wrong, none of them: each problem it found is
the NHS.UK error summary, by line and column. A file exported again records nothing twice, and the page after
an import says how many results were recorded and how many the region held already. What the page can tell
before sending (no file, not a CSV file, empty, not UTF-8, larger than the gateway takes) is said at the
field, never a failure of the service.

The gateway decides who may do this (the region's academy administrators); anyone else gets its FORBIDDEN,
the plain "you cannot see this page", as on the other administrator pages."""

from __future__ import annotations

import uuid
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from itsdangerous import BadData, URLSafeTimedSerializer
from starlette.datastructures import UploadFile

from hlm_web import csrf
from hlm_web.config import Settings
from hlm_web.gateway import GatewayUnavailable, RequestTooLarge
from hlm_web.participant import programme_queries as queries
from hlm_web.participant.router import SignedIn, _see_other, call
from hlm_web.templating import render

router = APIRouter()

PATH = "/academy/assessments/import"
# The multipart request around the file: the CSRF token and each part's headers.
FORM_OVERHEAD = 16 * 1024
# A request declaring more than any file the page takes is not parsed, but read to its end (up to this), so
# the browser still sending it gets the page that says to split the file rather than a broken connection.
DRAIN_LIMIT = 32 * 1024 * 1024
# What an import recorded travels in the redirect's link, signed: a link altered by hand says nothing.
_SALT = "hlm-assessment-import"
_IMPORTED_MAX_AGE_S = 3600


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _serializer(request: Request) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(_settings(request).secret_key.get_secret_value(), salt=_SALT)


def _kb(size: int) -> str:
    return f"{size // 1024} KB"


def too_large(limit: int) -> str:
    return (
        f"The selected file must be {_kb(limit)} or smaller. Split it into files of {_kb(limit)} or less, "
        "keeping the first line naming the columns in each, and upload them one at a time"
    )


async def _csrf_protected_upload(request: Request) -> bool:
    """The form's CSRF token checked as on every form (the file is parsed with it), unless the request
    declares a body larger than the page takes: that one is read unparsed and answered with the message to
    split the file (False), without storing anything."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > _settings(request).assessment_import_max_bytes + FORM_OVERHEAD:
        if int(declared) <= DRAIN_LIMIT:
            async for _ in request.stream():
                pass
        return False
    await csrf.protect(request)
    return True


def _course(value: str) -> str:
    """The course the administrator came from, for the way back; anything else is none."""
    try:
        return str(uuid.UUID(value)) if value else ""
    except ValueError:
        return ""


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _imported_lines(request: Request, imported: str) -> list[str] | None:
    """What the import recorded, as the page after it says it; nothing for a link altered by hand."""
    try:
        recorded, already = _serializer(request).loads(imported, max_age=_IMPORTED_MAX_AGE_S)
    except (BadData, TypeError, ValueError):
        return None
    if not isinstance(recorded, int) or not isinstance(already, int):
        return None
    lines = [
        f"{_plural(recorded, 'result', 'results')} recorded, each judged against the pass mark."
        if recorded
        else "No new result recorded."
    ]
    if already:
        lines.append(
            f"{_plural(already, 'row', 'rows')} of the file {'was' if already == 1 else 'were'} recorded already "
            "and not recorded again."
        )
    return lines


async def _import_page(
    request: Request,
    person: SignedIn,
    *,
    course: str,
    errors: list[tuple[str, str]] | None = None,
    refused: bool = False,
    imported: list[str] | None = None,
    status_code: int = 200,
) -> Response:
    # The gateway says whether this person administers a region's results: FORBIDDEN for anyone else.
    if (await call(request, person, queries.ADMINISTERS_ASSESSMENTS))["trainingAssessments"] is None:
        raise GatewayUnavailable
    errors = errors or []
    limit = _settings(request).assessment_import_max_bytes
    return render(
        request,
        "academy/assessment_import.html",
        {
            "action": f"{PATH}?{urlencode({'course': course})}" if course else PATH,
            "back": {"href": f"/academy/courses/{course}", "text": "Back to the course"}
            if course
            else {"href": "/academy/courses", "text": "Back to training courses"},
            "errors": errors,
            # Each problem of a refused file is in the summary; the field says what became of the file.
            "field_error": (
                f"The file has {_plural(len(errors), 'problem', 'problems')}: nothing in it is recorded"
                if refused
                else "; ".join(message for _, message in errors)
            ),
            "refused": refused,
            "imported": imported,
            "limit": _kb(limit),
        },
        status_code=status_code,
    )


@router.get(PATH, response_class=HTMLResponse)
async def import_form(request: Request, person: SignedIn, course: str = "", imported: str = "") -> Response:
    return await _import_page(
        request, person, course=_course(course), imported=_imported_lines(request, imported) if imported else None
    )


async def _file_text(upload: Any, limit: int) -> tuple[str | None, str | None, int]:
    """The file's text, or what is wrong with it and the status to answer."""
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None, "Select a CSV file of e-learning results", 400
    if not upload.filename.lower().endswith(".csv"):
        return None, "The selected file must be a CSV", 400
    content = await upload.read(limit + 1)
    if len(content) > limit:
        return None, too_large(limit), 413
    if not content.strip():
        return None, "The selected file is empty", 400
    try:
        # A byte-order mark, as spreadsheets write, is not part of the first column's name.
        return content.decode("utf-8-sig"), None, 200
    except UnicodeDecodeError:
        return None, "The selected file must be saved as CSV UTF-8 (comma delimited)", 400


def problem_text(problem: dict[str, Any]) -> str:
    """One problem of the file where the administrator fixes it: 'Line 3, column score: ...'."""
    location = [str(part) for part in problem.get("location") or []]
    message: str = problem["message"]
    if len(location) >= 2 and location[0] == "line":
        where = f"Line {location[1]}" + (f", column {location[2]}" if len(location) > 2 else "")
        return f"{where}: {message}"
    return message[:1].upper() + message[1:]


@router.post(PATH)
async def import_results(
    request: Request,
    person: SignedIn,
    within_limit: Annotated[bool, Depends(_csrf_protected_upload)],
    course: str = "",
) -> Response:
    course = _course(course)
    limit = _settings(request).assessment_import_max_bytes
    if not within_limit:
        return await _import_page(request, person, course=course, errors=[("file", too_large(limit))], status_code=413)
    form = await request.form()
    text, problem, status_code = await _file_text(form.get("file"), limit)
    if text is None:
        errors = [("file", problem or "Select a CSV file of e-learning results")]
        return await _import_page(request, person, course=course, errors=errors, status_code=status_code)
    try:
        outcome = (await call(request, person, queries.IMPORT_ASSESSMENTS, csv=text))["importAssessments"]
    except RequestTooLarge:
        # Within this page's limit, yet larger than the gateway takes once written into its request.
        return await _import_page(request, person, course=course, errors=[("file", too_large(limit))], status_code=413)
    if outcome is None:
        raise GatewayUnavailable
    if outcome["__typename"] == "AssessmentsImported":
        signed = _serializer(request).dumps([outcome["recorded"], outcome["alreadyRecorded"]])
        return _see_other(
            f"{PATH}?{urlencode({'course': course, 'imported': signed} if course else {'imported': signed})}"
        )
    # Every problem of the file, by line and column, in the academy's words; nothing of it was stored.
    errors = [("file", problem_text(p)) for p in outcome["problems"]]
    if not errors:
        errors = [("file", outcome["message"][:1].upper() + outcome["message"][1:])]
    return await _import_page(request, person, course=course, errors=errors, refused=True, status_code=400)

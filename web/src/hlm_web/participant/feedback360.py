"""A participant's 360: start it, nominate raters by group, send it, then follow it.

/assessments/360/new                      start a 360: the name raters see, and when the report is seen
/assessments/{cycle}                      the 360: raters by group (a draft), or progress as counts only
/assessments/{cycle}/raters/add           nominate a rater: name, email, group
/assessments/{cycle}/raters/{id}/remove   (POST) withdraw a nomination
/assessments/{cycle}/send                 (POST) open it to the raters, with its closing date
/assessments/{cycle}/remind               (POST) remind those who have neither answered nor declined
/assessments/{cycle}/extend               a later closing date
/assessments/{cycle}/close                close it now, once enough raters have answered

Progress is counts per group and nothing else: the participant is never told who has answered.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from starlette.exceptions import HTTPException

from hlm_web import csrf
from hlm_web.answer.questionnaire import UK, closing_date
from hlm_web.gateway import GatewayUnavailable
from hlm_web.participant import queries
from hlm_web.participant.router import (
    IDEMPOTENCY_KEY_REUSED,
    SignedIn,
    _see_other,
    _settings,
    call,
    refusal_reasons,
)
from hlm_web.signin.session import Person
from hlm_web.templating import render

router = APIRouter()

GROUPS = {"LINE_MANAGER": "Line manager", "PEER": "Peer", "DIRECT_REPORT": "Direct report", "OTHER": "Other"}
# Where a refused field of the new 360 stands on its form: createCycleV2's input as the page fills it.
NEW_360_FIELDS = {"participantName": "name", "releaseMode": "release"}
RELEASE_MODES = {
    "COACHED": "At a feedback session with a facilitator, who goes through it with you (recommended)",
    "DIRECT": "As soon as it is ready",
}


def _cycle_url(cycle_id: str, *parts: str) -> str:
    return "/".join((f"/assessments/{cycle_id}", *parts))


def _checked_id(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError as exc:
        raise HTTPException(status_code=404) from exc


async def _cycle(request: Request, person: Person, cycle_id: str) -> dict[str, Any]:
    cycle: dict[str, Any] | None = (await call(request, person, queries.CYCLE, id=_checked_id(cycle_id)))["cycle"]
    if cycle is None:
        raise HTTPException(status_code=404)
    if cycle["kind"] == "self_assessment":
        raise HTTPException(status_code=404)  # a self-assessment has its own pages
    return cycle


def _read_date(day: str, month: str, year: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _end_of(day: date) -> str:
    """The closing moment of a date as a person means it: the end of that day in the UK."""
    return datetime.combine(day, time(23, 59), tzinfo=UK).isoformat()


# ----------------------------------------------------------------------------------------------------
# Start
# ----------------------------------------------------------------------------------------------------


@router.get("/assessments/360/new", response_class=HTMLResponse)
async def new_360(request: Request, person: SignedIn) -> Response:
    return render(
        request,
        "participant/new_360.html",
        {"values": {"name": person.name, "release": "COACHED"}, "modes": RELEASE_MODES, "key": uuid.uuid4().hex},
    )


@router.post("/assessments/360/new", dependencies=[Depends(csrf.protect)])
async def create_360(
    request: Request,
    person: SignedIn,
    name: Annotated[str, Form()] = "",
    release: Annotated[str, Form()] = "",
    key: Annotated[str, Form()] = "",
) -> Response:
    name = name.strip()
    errors = []
    if not name:
        errors.append(("name", "Enter your name as your raters will see it"))
    if release not in RELEASE_MODES:
        errors.append(("release", "Select when you see your report"))
    if errors:
        return render(
            request,
            "participant/new_360.html",
            {
                "values": {"name": name, "release": release},
                "modes": RELEASE_MODES,
                "key": key,
                "errors": errors,
                "error_for": dict(errors),
            },
            status_code=400,
        )
    settings = _settings(request)
    created = await call(
        request,
        person,
        queries.CREATE_CYCLE,
        input={
            "kind": "FEEDBACK_360",
            "questionnaireId": settings.questionnaire_360_id,
            "selfQuestionnaireId": settings.self_questionnaire_id,
            "participantName": name,
            "releaseMode": release,
        },
        key=key or None,
    )
    started = created["createCycleV2"]
    if started is None:
        raise GatewayUnavailable
    if started["__typename"] == "Cycle":
        return _see_other(_cycle_url(started["id"]))
    # Each problem at its field where the form has one (a name too long, ...), else on its own; a key
    # refused as used for another request is not offered again.
    refused = [(_new_360_field(p["location"]), p["message"]) for p in started["problems"]] or [
        (None, started["message"])
    ]
    return render(
        request,
        "participant/new_360.html",
        {
            "values": {"name": name, "release": release},
            "modes": RELEASE_MODES,
            "key": uuid.uuid4().hex if started["code"] == IDEMPOTENCY_KEY_REUSED else key,
            "errors": refused,
            "error_for": {field: message for field, message in refused if field},
        },
        status_code=400,
    )


def _new_360_field(location: list[str]) -> str | None:
    return NEW_360_FIELDS.get(location[1]) if location[:1] == ["input"] and len(location) > 1 else None


# ----------------------------------------------------------------------------------------------------
# The 360's page
# ----------------------------------------------------------------------------------------------------


def _cycle_context(cycle: dict[str, Any]) -> dict[str, Any]:
    raters = sorted(cycle["raters"] or [], key=lambda r: (list(GROUPS).index(r["raterGroup"].upper()), r["name"]))
    progress = [
        {"group": GROUPS.get(p["raterGroup"].upper(), p["raterGroup"]), **p}
        for p in sorted(cycle["progress"], key=lambda p: list(GROUPS).index(p["raterGroup"].upper()))
    ]
    return {
        "cycle": cycle,
        "cycle_url": _cycle_url(cycle["id"]),
        "raters": [{**r, "group": GROUPS.get(r["raterGroup"].upper(), r["raterGroup"])} for r in raters],
        "progress": progress,
        "closes_on": closing_date(cycle["closesAt"]),
        "groups": GROUPS,
    }


@router.get("/assessments/{cycle_id}", response_class=HTMLResponse)
async def cycle_page(request: Request, person: SignedIn, cycle_id: str, reminded: int | None = None) -> Response:
    cycle = await _cycle(request, person, cycle_id)
    return render(request, "participant/cycle.html", {**_cycle_context(cycle), "reminded": reminded})


@router.get("/assessments/{cycle_id}/raters/add", response_class=HTMLResponse)
async def add_rater_page(request: Request, person: SignedIn, cycle_id: str) -> Response:
    cycle = await _cycle(request, person, cycle_id)
    return render(request, "participant/add_rater.html", {**_cycle_context(cycle), "values": {}})


@router.post("/assessments/{cycle_id}/raters/add", dependencies=[Depends(csrf.protect)])
async def add_rater(
    request: Request,
    person: SignedIn,
    cycle_id: str,
    name: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    group: Annotated[str, Form()] = "",
) -> Response:
    cycle = await _cycle(request, person, cycle_id)
    name, email = name.strip(), email.strip()
    errors = []
    if not name:
        errors.append(("name", "Enter the rater's name"))
    if "@" not in email:
        errors.append(("email", "Enter the rater's email address, like name@nhs.net"))
    if group not in GROUPS:
        errors.append(("group", "Select how the rater works with you"))
    if not errors:
        nominated = (
            await call(
                request,
                person,
                queries.NOMINATE,
                cycleId=cycle["id"],
                raters=[{"name": name, "email": email, "raterGroup": group}],
            )
        )["nominateRatersV2"]
        if nominated is None:
            raise GatewayUnavailable
        if nominated["__typename"] != "CycleRefused":
            return _see_other(_cycle_url(cycle["id"]))
        # The one rater's own problem (already nominated, ...), else why the cycle takes no raters now.
        errors.append(("email", refusal_reasons(nominated)[0] or "This rater cannot be added"))
    return render(
        request,
        "participant/add_rater.html",
        {
            **_cycle_context(cycle),
            "values": {"name": name, "email": email, "group": group},
            "errors": errors,
            "error_for": dict(errors),
        },
        status_code=400,
    )


@router.post("/assessments/{cycle_id}/raters/{rater_id}/remove", dependencies=[Depends(csrf.protect)])
async def remove_rater(request: Request, person: SignedIn, cycle_id: str, rater_id: str) -> Response:
    cycle = await _cycle(request, person, cycle_id)
    removed = (await call(request, person, queries.REMOVE_RATER, cycleId=cycle["id"], raterId=_checked_id(rater_id)))[
        "removeRaterV2"
    ]
    if removed is None:
        raise GatewayUnavailable
    if removed["__typename"] == "CycleRefused":
        return await _refused_on_cycle_page(request, person, cycle["id"], removed)
    return _see_other(_cycle_url(cycle["id"]))


async def _refused_on_cycle_page(request: Request, person: Person, cycle_id: str, refused: dict[str, Any]) -> Response:
    """The 360's page as it is now (another tab may have moved it on), with why the change was refused."""
    cycle = await _cycle(request, person, cycle_id)
    return render(
        request,
        "participant/cycle.html",
        {**_cycle_context(cycle), "refused": refusal_reasons(refused), "errors": True},
        status_code=400,
    )


@router.post("/assessments/{cycle_id}/send", dependencies=[Depends(csrf.protect)])
async def send(
    request: Request,
    person: SignedIn,
    cycle_id: str,
    day: Annotated[str, Form(alias="closes[day]")] = "",
    month: Annotated[str, Form(alias="closes[month]")] = "",
    year: Annotated[str, Form(alias="closes[year]")] = "",
) -> Response:
    cycle = await _cycle(request, person, cycle_id)
    closes = _read_date(day, month, year)
    problems: list[str] = []
    if closes is None:
        problems.append("Enter the closing date, like 18 12 2026")
    else:
        opened = (await call(request, person, queries.OPEN, cycleId=cycle["id"], closesAt=_end_of(closes)))["openCycle"]
        if opened is None:
            raise GatewayUnavailable
        if opened["__typename"] == "Cycle":
            return _see_other(_cycle_url(cycle["id"]))
        problems = refusal_reasons(opened)
    return render(
        request,
        "participant/cycle.html",
        {
            **_cycle_context(cycle),
            "send_problems": problems,
            "errors": True,
            "date_values": {"day": day, "month": month, "year": year},
        },
        status_code=400,
    )


@router.post("/assessments/{cycle_id}/remind", dependencies=[Depends(csrf.protect)])
async def remind(request: Request, person: SignedIn, cycle_id: str) -> Response:
    cycle = await _cycle(request, person, cycle_id)
    sent = (await call(request, person, queries.REMIND, cycleId=cycle["id"]))["sendRemindersV2"]
    if sent is None:
        raise GatewayUnavailable
    if sent["__typename"] == "CycleRefused":
        return await _refused_on_cycle_page(request, person, cycle["id"], sent)
    return _see_other(_cycle_url(cycle["id"]) + f"?reminded={int(sent['reminded'])}")


@router.get("/assessments/{cycle_id}/extend", response_class=HTMLResponse)
async def extend_page(request: Request, person: SignedIn, cycle_id: str) -> Response:
    cycle = await _cycle(request, person, cycle_id)
    return render(request, "participant/extend.html", {**_cycle_context(cycle), "date_values": {}})


@router.post("/assessments/{cycle_id}/extend", dependencies=[Depends(csrf.protect)])
async def extend(
    request: Request,
    person: SignedIn,
    cycle_id: str,
    day: Annotated[str, Form(alias="closes[day]")] = "",
    month: Annotated[str, Form(alias="closes[month]")] = "",
    year: Annotated[str, Form(alias="closes[year]")] = "",
) -> Response:
    cycle = await _cycle(request, person, cycle_id)
    closes = _read_date(day, month, year)
    message = "Enter the new closing date, like 18 12 2026"
    if closes is not None:
        extended = (await call(request, person, queries.EXTEND, cycleId=cycle["id"], closesAt=_end_of(closes)))[
            "extendCycleV2"
        ]
        if extended is None:
            raise GatewayUnavailable
        if extended["__typename"] != "CycleRefused":
            return _see_other(_cycle_url(cycle["id"]))
        message = "The new closing date must be later than the current one, and within the longest a 360 may run"
    return render(
        request,
        "participant/extend.html",
        {
            **_cycle_context(cycle),
            "date_values": {"day": day, "month": month, "year": year},
            "errors": [("closes-day", message)],
            "error_for": {"closes": message},
        },
        status_code=400,
    )


@router.get("/assessments/{cycle_id}/close", response_class=HTMLResponse)
async def close_page(request: Request, person: SignedIn, cycle_id: str) -> Response:
    cycle = await _cycle(request, person, cycle_id)
    return render(request, "participant/close.html", _cycle_context(cycle))


@router.post("/assessments/{cycle_id}/close", dependencies=[Depends(csrf.protect)])
async def close(request: Request, person: SignedIn, cycle_id: str) -> Response:
    cycle = await _cycle(request, person, cycle_id)
    closed = (await call(request, person, queries.CLOSE, cycleId=cycle["id"]))["closeCycleV2"]
    if closed is None:
        raise GatewayUnavailable
    if closed["__typename"] == "CycleRefused":
        # Not enough raters have answered yet, or the 360 is no longer open: said on the same page.
        return render(
            request,
            "participant/close.html",
            {**_cycle_context(cycle), "refused": refusal_reasons(closed), "errors": True},
            status_code=400,
        )
    return _see_other(_cycle_url(cycle["id"]))

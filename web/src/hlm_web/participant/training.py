"""Facilitator training on the web: a facilitator's Training courses (the courses of their region, enrolling,
their place or their position on a full course's waiting list, withdrawing) and an academy administrator's
courses (places taken and the waiting list, scheduling a course, a course's enrolments).

The gateway decides who may do what (courses of the caller's region; a facilitator enrols only themself);
anyone else gets its FORBIDDEN, the plain "you cannot see this page". A full course is not a refusal: the
gateway answers an enrolment on the waiting list, with its position, and the page says so."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.exceptions import HTTPException

from hlm_web import csrf
from hlm_web.gateway import GatewayRefused, GatewayUnavailable
from hlm_web.participant import programme_queries as queries
from hlm_web.participant.academy import _date, _date_values
from hlm_web.participant.booking import MODE_NAMES
from hlm_web.participant.router import SignedIn, _see_other, call
from hlm_web.templating import render

router = APIRouter()

COURSES_PAGE = 25
KINDS = {"FACILITATOR_TRAINING": "Facilitator training", "TRAIN_THE_TRAINER": "Train the trainer"}
MODES = {"IN_PERSON": "In person", "VIDEO": "Video call"}
ACTIVE = ("ENROLLED", "WAITING")
MAX_TITLE = 200
MAX_CAPACITY = 500


def _checked(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError as exc:
        raise HTTPException(status_code=404) from exc


def day(value: str) -> str:
    """A course's day as people read it in England: 'Thursday 20 March 2031'."""
    on = date.fromisoformat(value)
    return f"{on:%A} {on.day} {on:%B %Y}"


def _course_view(c: dict[str, Any]) -> dict[str, Any]:
    left = max(c["capacity"] - c["placesTaken"], 0)
    return {
        "id": c["id"],
        "title": c["title"],
        "kind": KINDS.get(c["kind"], c["kind"]),
        "dates": day(c["startsOn"]) if c["endsOn"] == c["startsOn"] else f"{day(c['startsOn'])} to {day(c['endsOn'])}",
        "how": MODE_NAMES.get(c["mode"], c["mode"]) + (f", {c['place']}" if c["place"] else ""),
        "trainer": c["trainerName"],
        "capacity": c["capacity"],
        "taken": c["placesTaken"],
        "waiting": c["waiting"],
        "full": left == 0,
        "places": f"{left} of {c['capacity']} left" if left else f"Full, {c['waiting']} on the waiting list",
        "started": date.fromisoformat(c["startsOn"]) <= date.today(),
    }


def _standing(e: dict[str, Any]) -> str:
    if e["status"] == "WAITING":
        return f"Number {e['waitingPosition']} on the waiting list"
    status: str = e["status"]
    return {"ENROLLED": "You have a place", "COMPLETED": "Completed", "WITHDRAWN": "Withdrawn"}.get(status, status)


def _next_links(base: str, page: dict[str, Any], after: str, start: str, shown: int) -> dict[str, Any]:
    first_shown = max(int(start), 1) if after and start.isdigit() and len(start) < 7 else 1
    return {
        "first_shown": first_shown,
        "next_url": f"{base}?" + urlencode({"after": page["pageInfo"]["endCursor"], "start": first_shown + shown})
        if page["pageInfo"]["hasNextPage"]
        else None,
        "first_url": base if after else None,
    }


async def _read_page(request: Request, person: SignedIn, document: str, after: str) -> dict[str, Any]:
    try:
        return await call(request, person, document, first=COURSES_PAGE, after=after or None)
    except GatewayRefused as exc:
        # A page link altered by hand (its cursor is not one the list gave): no such page.
        if exc.code == "BAD_USER_INPUT" and after:
            raise HTTPException(status_code=404) from exc
        raise


async def my_facilitator_id(request: Request, person: SignedIn) -> str | None:
    """The signed-in facilitator's own entry on the register, if they have one."""
    try:
        profile = (await call(request, person, queries.MY_FACILITATOR_ID))["myFacilitatorProfile"]
    except HTTPException as exc:
        if exc.status_code == 404:
            return None
        raise
    return str(profile["id"]) if profile else None


# ----------------------------------------------------------------------------------------------------
# A facilitator's training courses
# ----------------------------------------------------------------------------------------------------


@router.get("/facilitator/courses", response_class=HTMLResponse)
async def facilitator_courses(
    request: Request, person: SignedIn, after: str = "", start: str = "1", enrolled: str = "", withdrew: str = ""
) -> Response:
    return await _facilitator_page(request, person, after, start, enrolled=enrolled, withdrew=withdrew)


async def _facilitator_page(
    request: Request,
    person: SignedIn,
    after: str = "",
    start: str = "1",
    *,
    enrolled: str = "",
    withdrew: str = "",
    errors: list[tuple[str, str]] | None = None,
    status_code: int = 200,
) -> Response:
    data = await _read_page(request, person, queries.FACILITATOR_COURSES, after)
    page = data["courses"] or {"edges": [], "pageInfo": {"hasNextPage": False, "endCursor": None}}
    # A person's latest enrolment on each course: a place or a waiting-list entry before a withdrawn one.
    mine: dict[str, dict[str, Any]] = {}
    for e in data["myEnrolments"] or []:
        if e["courseId"] not in mine or (e["status"] != "WITHDRAWN" and mine[e["courseId"]]["status"] == "WITHDRAWN"):
            mine[e["courseId"]] = e
    own_id = await my_facilitator_id(request, person)
    courses = []
    for node in (edge["node"] for edge in page["edges"]):
        view = _course_view(node)
        view["is_trainer"] = own_id is not None and node["trainerId"] == own_id
        own = mine.get(node["id"])
        view["enrolment"] = own and {"id": own["id"], "status": own["status"], "standing": _standing(own)}
        view["can_enrol"] = not view["started"] and (own is None or own["status"] == "WITHDRAWN")
        view["can_withdraw"] = not view["started"] and own is not None and own["status"] in ACTIVE
        courses.append(view)
    titles = {c["id"]: c["title"] for c in courses}
    banner = None
    if enrolled in mine and enrolled in titles:
        own = mine[enrolled]
        banner = (
            f"{titles[enrolled]} is full. You are number {own['waitingPosition']} on the waiting list: "
            "if a place frees up, it goes to the first on the list and we tell you by email."
            if own["status"] == "WAITING"
            else f"You have a place on {titles[enrolled]}."
        )
    elif withdrew in titles:
        banner = f"You are no longer enrolled on {titles[withdrew]}."
    return render(
        request,
        "facilitator/courses.html",
        {"courses": courses, "banner": banner, "errors": errors or []}
        | _next_links("/facilitator/courses", page, after, start, len(courses)),
        status_code=status_code,
    )


@router.post("/facilitator/courses/{course_id}/enrol", dependencies=[Depends(csrf.protect)])
async def enrol(request: Request, person: SignedIn, course_id: str) -> Response:
    course_id = _checked(course_id)
    outcome = (await call(request, person, queries.ENROL, courseId=course_id))["enrol"]
    if outcome is None:
        raise GatewayUnavailable
    if outcome["__typename"] == "Enrolment":
        return _see_other(f"/facilitator/courses?enrolled={course_id}")
    # Not eligible (the course's own trainer, say) or refused (enrolled already): the reasons, at the course.
    reasons = [r["message"] for r in outcome.get("reasons", [])] or [outcome["message"]]
    errors = [(f"course-{course_id}", reason) for reason in reasons]
    return await _facilitator_page(request, person, errors=errors, status_code=409)


@router.post("/facilitator/courses/enrolments/{enrolment_id}/withdraw", dependencies=[Depends(csrf.protect)])
async def withdraw(request: Request, person: SignedIn, enrolment_id: str) -> Response:
    outcome = (await call(request, person, queries.WITHDRAW, enrolmentId=_checked(enrolment_id)))["withdraw"]
    if outcome is None:
        raise GatewayUnavailable
    if outcome["__typename"] == "Withdrawal":
        return _see_other(f"/facilitator/courses?withdrew={outcome['withdrawn']['courseId']}")
    return await _facilitator_page(request, person, errors=[("courses", outcome["message"])], status_code=409)


# ----------------------------------------------------------------------------------------------------
# An academy administrator's courses
# ----------------------------------------------------------------------------------------------------


@router.get("/academy/courses", response_class=HTMLResponse)
async def academy_courses(request: Request, person: SignedIn, after: str = "", start: str = "1") -> Response:
    data = await _read_page(request, person, queries.ACADEMY_COURSES, after)
    page = data["courses"] or {"edges": [], "pageInfo": {"hasNextPage": False, "endCursor": None}}
    courses = [_course_view(edge["node"]) for edge in page["edges"]]
    return render(
        request,
        "academy/courses.html",
        {"courses": courses} | _next_links("/academy/courses", page, after, start, len(courses)),
    )


async def _trainers(request: Request, person: SignedIn) -> dict[str, str]:
    """The region's active facilitators at trainer level with a current accreditation, by id."""
    found: dict[str, str] = {}
    after = None
    for _ in range(10):
        page = (await call(request, person, queries.TRAINERS, after=after))["facilitators"]
        if page is None:
            raise GatewayUnavailable
        for f in (edge["node"] for edge in page["edges"]):
            if f["accreditation"]["level"] == "TRAINER" and f["accreditation"]["isCurrent"]:
                found[f["id"]] = f["name"]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    return dict(sorted(found.items(), key=lambda item: item[1]))


def _blank() -> dict[str, Any]:
    return {"kind": "FACILITATOR_TRAINING", "title": "", "starts": {}, "ends": {}, "mode": "", "place": "",
            "capacity": "12", "trainer": ""}  # fmt: skip


async def _new_course_page(
    request: Request,
    person: SignedIn,
    values: dict[str, Any],
    errors: list[tuple[str, str]],
    status_code: int = 200,
    *,
    action: str = "/academy/courses/new",
    heading: str = "Schedule a course",
    back: tuple[str, str] = ("/academy/courses", "Back to training courses"),
) -> Response:
    return render(
        request,
        "academy/course_new.html",
        {"values": values, "kinds": KINDS, "modes": MODES, "trainers": await _trainers(request, person),
         "errors": errors, "error_for": dict(errors), "action": action, "heading": heading,
         "back": {"href": back[0], "text": back[1]}},
        status_code=status_code,
    )  # fmt: skip


@router.get("/academy/courses/new", response_class=HTMLResponse)
async def new_course(request: Request, person: SignedIn) -> Response:
    return await _new_course_page(request, person, _blank(), [])


# Where each field the gateway names is on the form.
FIELDS = {"kind": "kind", "title": "title", "startsOn": "starts", "endsOn": "ends", "mode": "mode", "place": "place",
          "capacity": "capacity", "trainerId": "trainer"}  # fmt: skip


def course_form(form: Any) -> tuple[dict[str, Any], list[tuple[str, str]], dict[str, Any] | None]:
    """A course as the form sent it: the answers as typed, each missing or wrong one, and the gateway's
    CourseInput when there is none."""
    values: dict[str, Any] = {
        "kind": str(form.get("kind", "")),
        "title": str(form.get("title", "")).strip(),
        "starts": _date_values(form, "starts"),
        "ends": _date_values(form, "ends"),
        "mode": str(form.get("mode", "")),
        "place": str(form.get("place", "")).strip(),
        "capacity": str(form.get("capacity", "")).strip(),
        "trainer": str(form.get("trainer", "")),
    }
    starts, ends = _date(form, "starts"), _date(form, "ends")
    ends_given = any(values["ends"].values())
    errors: list[tuple[str, str]] = []
    if values["kind"] not in KINDS:
        errors.append(("kind", "Select the kind of course"))
    if not values["title"]:
        errors.append(("title", "Enter the course's title"))
    elif len(values["title"]) > MAX_TITLE:
        errors.append(("title", f"Enter a title of {MAX_TITLE} characters or fewer"))
    if starts is None:
        errors.append(("starts", "Enter the course's first day, like 20 3 2027"))
    elif starts <= date.today():
        errors.append(("starts", "The first day must be in the future"))
    if ends_given and ends is None:
        errors.append(("ends", "Enter the course's last day, like 21 3 2027, or leave it empty for a one-day course"))
    elif starts is not None and ends is not None and ends < starts:
        errors.append(("ends", "The last day must be on or after the first day"))
    if values["mode"] not in MODES:
        errors.append(("mode", "Select how the course takes place"))
    elif values["mode"] == "IN_PERSON" and not values["place"]:
        errors.append(("place", "Enter where the course takes place"))
    if not values["capacity"].isdigit() or not 1 <= int(values["capacity"]) <= MAX_CAPACITY:
        errors.append(("capacity", f"Enter how many places it has, from 1 to {MAX_CAPACITY}"))
    try:
        trainer = str(uuid.UUID(values["trainer"]))
    except ValueError:
        trainer = ""
        errors.append(("trainer", "Select the trainer who runs it"))
    if errors or starts is None:
        return values, errors, None
    course = {
        "kind": values["kind"], "title": values["title"], "startsOn": starts.isoformat(),
        "endsOn": ends.isoformat() if ends else None, "mode": values["mode"],
        "place": values["place"] or None, "capacity": int(values["capacity"]), "trainerId": trainer,
    }  # fmt: skip
    return values, errors, course


def course_refusal(refused: dict[str, Any]) -> list[tuple[str, str]]:
    """The academy's own rules (a trainer not at trainer level, say): its words, at the field they name."""
    errors = [(FIELDS.get((p["location"] or ["title"])[-1], "title"), p["message"]) for p in refused["problems"]]
    return errors or [("title", refused["message"])]


@router.post("/academy/courses/new", dependencies=[Depends(csrf.protect)])
async def schedule_course(request: Request, person: SignedIn) -> Response:
    values, errors, course = course_form(await request.form())
    if course is not None:
        created = (await call(request, person, queries.CREATE_COURSE, input=course))["createCourse"]
        if created is None:
            raise GatewayUnavailable
        if created["__typename"] == "Course":
            return _see_other(f"/academy/courses/{created['id']}?scheduled=1")
        errors = course_refusal(created)
    return await _new_course_page(request, person, values, errors, status_code=400)


ENROLMENT_STATUSES = {"ENROLLED": "Has a place", "COMPLETED": "Completed", "WITHDRAWN": "Withdrawn"}

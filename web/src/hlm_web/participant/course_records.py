"""What happens on and after a training course, on the web: the course's trainer records who attended and
marks each person as having completed it (which grants or renews their accreditation); an academy
administrator sees the course's page and records a person's e-learning assessment result there; a
facilitator expresses interest in train-the-trainer.

The academy's refusals (completion before attendance or before the e-learning is passed, a facilitator not
yet eligible to train others) are the NHS.UK error summary on the same page, in the service's words."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.exceptions import HTTPException

from hlm_web import csrf
from hlm_web.gateway import GatewayUnavailable
from hlm_web.participant import programme_queries as queries
from hlm_web.participant.academy import _date, _date_values
from hlm_web.participant.course_requests import STATUSES as REQUEST_STATUSES
from hlm_web.participant.course_requests import list_url
from hlm_web.participant.router import SignedIn, _see_other, call
from hlm_web.participant.training import ENROLMENT_STATUSES, _checked, _course_view
from hlm_web.templating import render

router = APIRouter()

MAX_STATEMENT = 4000
ATTENDANCE = {True: "Attended", False: "Did not attend", None: "Not recorded"}


# ----------------------------------------------------------------------------------------------------
# The course's trainer: attendance and completion
# ----------------------------------------------------------------------------------------------------


def _person_status(e: dict[str, Any]) -> str:
    if e["status"] == "WAITING":
        return f"Waiting list, number {e['waitingPosition']}"
    status: str = e["status"]
    return ENROLMENT_STATUSES.get(status, status)


async def _trainer_page(
    request: Request,
    person: SignedIn,
    course_id: str,
    *,
    banner: str | None = None,
    errors: list[tuple[str, str]] | None = None,
    status_code: int = 200,
) -> Response:
    course = (await call(request, person, queries.TRAINER_COURSE, id=course_id))["course"]
    if course is None:
        raise HTTPException(status_code=404)
    view = _course_view(course)
    enrolments = [
        {
            "id": e["id"], "name": e["name"], "organisation": e["organisation"], "status": _person_status(e),
            "attendance": ATTENDANCE.get(e["attended"], "Not recorded") if e["status"] in ("ENROLLED", "COMPLETED")
            else "", "can_record": view["started"] and e["status"] == "ENROLLED",
        }
        for e in course["enrolments"] or []
    ]  # fmt: skip
    return render(
        request,
        "facilitator/course_enrolments.html",
        {"course": view, "enrolments": enrolments, "banner": banner, "errors": errors or []},
        status_code=status_code,
    )


@router.get("/facilitator/courses/{course_id}/enrolments", response_class=HTMLResponse)
async def trainer_course(
    request: Request, person: SignedIn, course_id: str, recorded: str = "", completed: str = ""
) -> Response:
    course_id = _checked(course_id)
    banner = None
    if recorded or completed:
        # Who the line is about is read from the course itself: an id altered by hand says nothing.
        course = (await call(request, person, queries.TRAINER_COURSE, id=course_id))["course"]
        names = {e["id"]: e["name"] for e in (course or {}).get("enrolments") or []}
        if recorded in names:
            banner = f"Attendance is recorded for {names[recorded]}."
        elif completed in names:
            banner = f"{names[completed]} has completed the course: their accreditation is granted or renewed."
    return await _trainer_page(request, person, course_id, banner=banner)


@router.post(
    "/facilitator/courses/{course_id}/enrolments/{enrolment_id}/attendance", dependencies=[Depends(csrf.protect)]
)
async def record_attendance(request: Request, person: SignedIn, course_id: str, enrolment_id: str) -> Response:
    course_id, enrolment_id = _checked(course_id), _checked(enrolment_id)
    answer = str((await request.form()).get("attended", ""))
    if answer not in ("yes", "no"):
        errors = [(f"enrolment-{enrolment_id}", "Select whether the person attended")]
        return await _trainer_page(request, person, course_id, errors=errors, status_code=400)
    outcome = (
        await call(request, person, queries.RECORD_ATTENDANCE, enrolmentId=enrolment_id, attended=answer == "yes")
    )["recordAttendance"]
    if outcome is None:
        raise GatewayUnavailable
    if outcome["__typename"] == "Enrolment":
        return _see_other(f"/facilitator/courses/{course_id}/enrolments?recorded={enrolment_id}")
    errors = [(f"enrolment-{enrolment_id}", outcome["message"])]
    return await _trainer_page(request, person, course_id, errors=errors, status_code=409)


@router.post(
    "/facilitator/courses/{course_id}/enrolments/{enrolment_id}/complete", dependencies=[Depends(csrf.protect)]
)
async def complete(request: Request, person: SignedIn, course_id: str, enrolment_id: str) -> Response:
    course_id, enrolment_id = _checked(course_id), _checked(enrolment_id)
    outcome = (await call(request, person, queries.COMPLETE_COURSE, enrolmentId=enrolment_id))["completeCourse"]
    if outcome is None:
        raise GatewayUnavailable
    if outcome["__typename"] == "CourseCompleted":
        return _see_other(f"/facilitator/courses/{course_id}/enrolments?completed={enrolment_id}")
    # Each reason the academy gave (attendance not recorded, the e-learning not passed), at the person's row.
    reasons = [r["message"] for r in outcome.get("reasons", [])] or [outcome["message"]]
    errors = [(f"enrolment-{enrolment_id}", reason[:1].upper() + reason[1:]) for reason in reasons]
    return await _trainer_page(request, person, course_id, errors=errors, status_code=409)


# ----------------------------------------------------------------------------------------------------
# An academy administrator: a person's e-learning assessment result
# ----------------------------------------------------------------------------------------------------


ASSESSMENT_FIELDS = {"score": "score", "assessedOn": "assessed", "email": "person", "name": "person"}


async def _academy_course_page(
    request: Request,
    person: SignedIn,
    course_id: str,
    *,
    values: dict[str, Any] | None = None,
    errors: list[tuple[str, str]] | None = None,
    assessed: str = "",
    scheduled: bool = False,
    back: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    course = (await call(request, person, queries.COURSE, id=course_id))["course"]
    if course is None:
        raise HTTPException(status_code=404)
    enrolments = [
        {
            "id": e["id"], "name": e["name"], "organisation": e["organisation"], "email": e["email"],
            "status": _person_status(e),
        }
        for e in course["enrolments"] or []
    ]  # fmt: skip
    assessable = {e["id"]: e for e in course["enrolments"] or [] if e["status"] != "WITHDRAWN"}
    # Whose result was just recorded is read from the course itself, and the result from the academy: an
    # id altered by hand says nothing, and a reload says what is recorded, never records it again.
    banner = await _recorded_result(request, person, assessable[assessed]) if assessed in assessable else None
    return render(
        request,
        "academy/course.html",
        {
            "course": _course_view(course),
            "enrolments": enrolments,
            "scheduled": scheduled,
            "assessable": assessable,
            "values": values or {"person": "", "score": "", "assessed": {}},
            "errors": errors or [],
            "error_for": dict(errors or []),
            "banner": banner,
            "back": back,
        },
        status_code=status_code,
    )


# A person's results read to find their latest: a learning system allows a few attempts, not hundreds.
RESULT_PAGES = 5


async def _recorded_result(request: Request, person: SignedIn, who: dict[str, Any]) -> str | None:
    """The line that says the person's latest e-learning result, as the academy recorded and judged it."""
    latest, after = None, None
    for _ in range(RESULT_PAGES):
        page = (await call(request, person, queries.ASSESSMENTS, email=who["email"], after=after))[
            "trainingAssessments"
        ]
        if page is None:
            raise GatewayUnavailable
        latest = page["edges"][-1]["node"] if page["edges"] else latest
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    if latest is None:
        return None
    verdict = "passed" if latest["isPassed"] else "not passed"
    return (
        f"{who['name']}'s e-learning assessment result is recorded: {latest['score']}%, {verdict} "
        f"(the pass mark is {latest['passMark']}%)."
    )


@router.get("/academy/courses/{course_id}", response_class=HTMLResponse)
async def academy_course(
    request: Request,
    person: SignedIn,
    course_id: str,
    scheduled: str = "",
    assessed: str = "",
    requests: str = "",
    after: str = "",
) -> Response:
    # A course scheduled for an organisation's request leads back to the requests as they were filtered.
    back = (
        {"href": list_url(requests, after), "text": "Back to course requests"}
        if requests == "all" or requests in REQUEST_STATUSES
        else None
    )
    return await _academy_course_page(
        request, person, _checked(course_id), assessed=assessed, scheduled=scheduled == "1", back=back
    )


@router.post("/academy/courses/{course_id}/assessments", dependencies=[Depends(csrf.protect)])
async def record_assessment(request: Request, person: SignedIn, course_id: str) -> Response:
    course_id = _checked(course_id)
    form = await request.form()
    values: dict[str, Any] = {
        "person": str(form.get("person", "")),
        "score": str(form.get("score", "")).strip().removesuffix("%").strip(),
        "assessed": _date_values(form, "assessed"),
    }
    course = (await call(request, person, queries.COURSE, id=course_id))["course"]
    if course is None:
        raise HTTPException(status_code=404)
    people = {e["id"]: e for e in course["enrolments"] or [] if e["status"] != "WITHDRAWN"}
    assessed = _date(form, "assessed")
    errors: list[tuple[str, str]] = []
    if values["person"] not in people:
        errors.append(("person", "Select whose result it is"))
    if not values["score"].isdigit() or not 0 <= int(values["score"]) <= 100:
        errors.append(("score", "Enter the score as a whole number from 0 to 100"))
    if assessed is None:
        errors.append(("assessed", "Enter the day of the assessment, like 20 3 2027"))
    elif assessed > date.today():
        errors.append(("assessed", "The day of the assessment must be today or in the past"))
    if not errors and assessed is not None:
        who = people[values["person"]]
        outcome = (
            await call(
                request,
                person,
                queries.RECORD_ASSESSMENT,
                input={"name": who["name"], "email": who["email"], "score": int(values["score"]),
                       "assessedOn": assessed.isoformat()},
            )
        )["recordAssessment"]  # fmt: skip
        if outcome is None:
            raise GatewayUnavailable
        if outcome["__typename"] == "TrainingAssessment":
            return _see_other(f"/academy/courses/{course_id}?assessed={values['person']}")
        # The academy's own rules: its words, at the field they name.
        problems = outcome["problems"]
        errors = [(ASSESSMENT_FIELDS.get((p["location"] or ["score"])[-1], "score"), p["message"]) for p in problems]
        errors = errors or [("score", outcome["message"])]
    return await _academy_course_page(request, person, course_id, values=values, errors=errors, status_code=400)


# ----------------------------------------------------------------------------------------------------
# A facilitator: becoming a trainer
# ----------------------------------------------------------------------------------------------------


@router.get("/facilitator/become-a-trainer", response_class=HTMLResponse)
async def become_a_trainer(request: Request, person: SignedIn, sent: str = "") -> Response:
    return render(request, "facilitator/become_trainer.html", {"statement": "", "errors": [], "sent": sent == "1"})


@router.post("/facilitator/become-a-trainer", dependencies=[Depends(csrf.protect)])
async def express_interest(request: Request, person: SignedIn) -> Response:
    statement = str((await request.form()).get("statement", "")).strip()
    errors: list[tuple[str, str]] = []
    if len(statement) > MAX_STATEMENT:
        errors.append(("statement", f"Enter {MAX_STATEMENT} characters or fewer"))
    else:
        outcome = (await call(request, person, queries.EXPRESS_INTEREST, statement=statement or None))[
            "expressInterest"
        ]
        if outcome is None:
            raise GatewayUnavailable
        if outcome["__typename"] == "TrainerInterest":
            return _see_other("/facilitator/become-a-trainer?sent=1")
        # Not eligible yet (too few sessions delivered, say) or interested already: each reason, as said.
        reasons = [r["message"] for r in outcome.get("reasons", [])] or [outcome["message"]]
        errors = [("statement", reason[:1].upper() + reason[1:]) for reason in reasons]
    return render(
        request,
        "facilitator/become_trainer.html",
        {"statement": statement, "errors": errors, "sent": False},
        status_code=409 if errors and len(statement) <= MAX_STATEMENT else 400,
    )

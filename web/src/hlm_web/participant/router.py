"""A signed-in participant's pages.

/assessments                                   their self-assessments and 360s, and starting one
/assessments/self-assessment        (POST)     start a self-assessment
/assessments/{cycle}/self/...                  answer it: questions, a page per dimension, check, submit
/assessments/{cycle}/report                    the cycle's report, as soon as it is built
/reports/{report}                              a report as a page: per dimension, self against each group shown

Every call to the gateway carries the participant's token as Bearer; a token the gateway no longer
accepts sends them to sign in and back (SignInNeeded).
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from typing import Annotated, Any

import structlog
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from starlette.exceptions import HTTPException

from hlm_web import csrf
from hlm_web.answer import pages
from hlm_web.answer.questionnaire import Answers, Dimension, PageAnswers, Questionnaire, Status, closing_date
from hlm_web.config import Settings
from hlm_web.gateway import Forbidden, GatewayClient, GatewayRefused, GatewayUnavailable, LinkNotValid
from hlm_web.participant import queries
from hlm_web.participant.report import report_view
from hlm_web.signin.session import Person, current_person
from hlm_web.templating import render

log = structlog.get_logger(__name__)

router = APIRouter()
SignedIn = Annotated[Person, Depends(current_person)]

# How long the report page waits for a just-submitted self-assessment's report to be built before it
# says "being prepared": report-svc builds it from survey-svc's event, usually well within this.
REPORT_WAIT_TRIES = 20
REPORT_WAIT_INTERVAL_S = 0.25

KIND_NAMES = {"self_assessment": "Self-assessment", "feedback_360": "360 feedback", "team_360": "Team 360"}
STATUS_NAMES = {"draft": "Draft", "awaiting_approval": "Waiting for approval", "open": "Open", "closed": "Closed"}


async def call(request: Request, person: Person, document: str, **variables: Any) -> dict[str, Any]:
    gateway: GatewayClient = request.app.state.gateway
    address = request.client.host if request.client is not None else None
    try:
        return await gateway.execute(document, variables, forwarded_for=address, bearer=person.bearer)
    except LinkNotValid as exc:
        # The gateway's NOT_FOUND: someone else's cycle or report is as absent as a made-up one.
        raise HTTPException(status_code=404) from exc


IDEMPOTENCY_KEY_REUSED = "idempotency-key-reused"


def refusal_reasons(refused: dict[str, Any]) -> list[str]:
    """What a typed refusal of the gateway (CycleRefused, ReportReleaseRefused, ...) says, as the NHS.UK
    error summary lists it: each problem the service listed, else its one message, nothing reworded."""
    return [problem["message"] for problem in refused.get("problems") or []] or [refused["message"]]


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


# ----------------------------------------------------------------------------------------------------
# Your assessments
# ----------------------------------------------------------------------------------------------------


@router.get("/", include_in_schema=False)
async def home() -> RedirectResponse:
    """The address ``make run`` prints and a person types: their assessments, which send whoever is not
    signed in to sign in first and back."""
    return _see_other("/assessments")


@router.get("/assessments", response_class=HTMLResponse)
async def assessments(request: Request, person: SignedIn) -> Response:
    return await _assessments_page(request, person)


async def _assessments_page(
    request: Request, person: Person, *, errors: list[str] | None = None, key: str | None = None
) -> Response:
    data = await call(request, person, queries.CYCLES)
    cycles = [edge["node"] for edge in (data["cycles"] or {"edges": []})["edges"]]
    rows = []
    for cycle in cycles:
        if cycle["kind"] == "self_assessment":
            url = (
                f"/assessments/{cycle['id']}/report"
                if cycle["selfStatus"] == "submitted"
                else f"/assessments/{cycle['id']}/self/questions"
            )
        else:
            url = f"/assessments/{cycle['id']}"
        rows.append(
            {
                "kind": KIND_NAMES.get(cycle["kind"], cycle["kind"]),
                "status": "Submitted" if cycle["selfStatus"] == "submitted" and cycle["kind"] == "self_assessment"
                else STATUS_NAMES.get(cycle["status"], cycle["status"]),
                "closes_on": closing_date(cycle["closesAt"]),
                "url": url,
            }
        )  # fmt: skip
    return render(
        request,
        "participant/assessments.html",
        {"rows": rows, "idempotency_key": key or uuid.uuid4().hex, "errors": errors},
        status_code=400 if errors else 200,
    )


@router.post("/assessments/self-assessment", dependencies=[Depends(csrf.protect)])
async def start_self_assessment(request: Request, person: SignedIn, key: Annotated[str, Form()] = "") -> Response:
    # The form carries a key made when the page was shown: pressing the button twice starts one cycle.
    created = await call(
        request,
        person,
        queries.CREATE_CYCLE,
        input={
            "kind": "SELF_ASSESSMENT",
            "questionnaireId": _settings(request).self_questionnaire_id,
            "participantName": person.name,
            # Nobody stands between a participant and their own answers: the report is theirs at once.
            "releaseMode": "DIRECT",
        },
        key=key or None,
    )
    started = created["createCycleV2"]
    if started is None:
        raise GatewayUnavailable
    if started["__typename"] == "CycleRefused":
        # Shown above the button; a key refused as used for another request is not offered again.
        fresh = started["code"] == IDEMPOTENCY_KEY_REUSED
        return await _assessments_page(request, person, errors=refusal_reasons(started), key=None if fresh else key)
    return _see_other(f"/assessments/{started['id']}/self/questions")


# ----------------------------------------------------------------------------------------------------
# A self-assessment, on the rater's pages
# ----------------------------------------------------------------------------------------------------


@dataclass
class SelfAssessment:
    cycle_id: str
    kind: str
    status: str
    questionnaire: Questionnaire
    answers: Answers

    @property
    def base(self) -> str:
        return f"/assessments/{self.cycle_id}/self"

    @property
    def voice(self) -> pages.Voice:
        return pages.SELF_VOICE if self.kind == "self_assessment" else pages.SELF_360_VOICE

    @property
    def after(self) -> str:
        """Where submitted answers lead: a self-assessment's report, or back to the 360 they belong to."""
        if self.kind == "self_assessment":
            return f"/assessments/{self.cycle_id}/report"
        return f"/assessments/{self.cycle_id}"


async def _self_assessment(request: Request, person: Person, cycle_id: str) -> SelfAssessment:
    try:
        uuid.UUID(cycle_id)
    except ValueError as exc:
        raise HTTPException(status_code=404) from exc
    found = await call(request, person, queries.SELF_ASSESSMENT, cycleId=cycle_id)
    data = found["selfAssessment"]
    if data is None or found["cycle"] is None:
        raise HTTPException(status_code=404)
    return SelfAssessment(
        cycle_id=cycle_id,
        kind=found["cycle"]["kind"],
        status=data["status"],
        questionnaire=Questionnaire.from_graphql(data["questionnaire"]),
        answers=Answers.from_graphql(data["answers"]),
    )


def _submitted(assessment: SelfAssessment) -> Response | None:
    """Answers once submitted cannot change: the pages lead to the report instead."""
    if assessment.status == "submitted":
        return _see_other(assessment.after)
    return None


async def _save_self(request: Request, person: Person, assessment: SelfAssessment) -> None:
    saved = (
        await call(
            request, person, queries.SAVE_SELF, cycleId=assessment.cycle_id, response=assessment.answers.as_input()
        )
    )["saveSelfAssessmentDraft"]
    if saved is None:
        raise GatewayUnavailable
    if saved["__typename"] == "ResponseRejected":
        log.error("a self-assessment draft the pages built was refused", problems=len(saved["problems"]))
        raise GatewayRefused("BAD_USER_INPUT")


@router.get("/assessments/{cycle_id}/self", response_class=HTMLResponse)
async def self_start(request: Request, person: SignedIn, cycle_id: str) -> Response:
    return _see_other(f"/assessments/{cycle_id}/self/questions")


@router.get("/assessments/{cycle_id}/self/questions", response_class=HTMLResponse)
async def self_questions(request: Request, person: SignedIn, cycle_id: str, saved: bool = False) -> Response:
    assessment = await _self_assessment(request, person, cycle_id)
    if (done := _submitted(assessment)) is not None:
        return done
    questionnaire, answers = assessment.questionnaire, assessment.answers
    tasks = [
        {"dimension": d, "url": pages.page_url(assessment.base, d), "status": answers.status(d)}
        for d in questionnaire.dimensions
    ]
    return render(
        request,
        "answer/questions.html",
        {
            "base_url": assessment.base,
            "back_url": "/assessments" if assessment.kind == "self_assessment" else f"/assessments/{cycle_id}",
            "voice": assessment.voice,
            "tasks": tasks,
            "Status": Status,
            "completed": sum(t["status"] is Status.COMPLETED for t in tasks),
            "is_complete": answers.is_complete(questionnaire),
            "saved": saved,
        },
    )


@router.get("/assessments/{cycle_id}/self/check", response_class=HTMLResponse)
async def self_check(request: Request, person: SignedIn, cycle_id: str) -> Response:
    assessment = await _self_assessment(request, person, cycle_id)
    if (done := _submitted(assessment)) is not None:
        return done
    if not assessment.answers.is_complete(assessment.questionnaire):
        return _see_other(f"{assessment.base}/questions")
    return render(
        request,
        "answer/check.html",
        {
            "base_url": assessment.base,
            "voice": assessment.voice,
            "sections": pages.check_sections(assessment.base, assessment.questionnaire, assessment.answers),
        },
    )


@router.post("/assessments/{cycle_id}/self/check", dependencies=[Depends(csrf.protect)])
async def self_submit(request: Request, person: SignedIn, cycle_id: str) -> Response:
    assessment = await _self_assessment(request, person, cycle_id)
    if (done := _submitted(assessment)) is not None:
        return done  # a second press of Submit: the answers went the first time
    sent = (await call(request, person, queries.SUBMIT_SELF, cycleId=cycle_id, response=assessment.answers.as_input()))[
        "submitSelfAssessment"
    ]
    if sent is None:
        raise GatewayUnavailable
    if sent["__typename"] == "ResponseRejected":
        return render(
            request,
            "answer/check.html",
            {
                "base_url": assessment.base,
                "voice": assessment.voice,
                "sections": pages.check_sections(assessment.base, assessment.questionnaire, assessment.answers),
                "problems": [p["message"] for p in sent["problems"]] or [sent["message"]],
                "errors": True,
            },
            status_code=422,
        )
    return _see_other(assessment.after)


def _dimension_of(assessment: SelfAssessment, slug: str) -> Dimension:
    dimension = assessment.questionnaire.dimension(slug)
    if dimension is None:
        raise HTTPException(status_code=404)
    return dimension


def _render_self_dimension(
    request: Request, assessment: SelfAssessment, dimension: Dimension, *, change: bool, page: PageAnswers | None
) -> Response:
    context = pages.dimension_context(
        assessment.base,
        assessment.questionnaire,
        assessment.answers,
        dimension,
        change=change,
        page=page,
        first_back_url=f"{assessment.base}/questions",
    )
    return render(
        request,
        "answer/dimension.html",
        {"voice": assessment.voice, **context},
        status_code=400 if context["errors"] else 200,
    )


async def _self_page(request: Request, person: Person, cycle_id: str, slug: str, *, change: bool) -> Response:
    assessment = await _self_assessment(request, person, cycle_id)
    if (done := _submitted(assessment)) is not None:
        return done
    return _render_self_dimension(request, assessment, _dimension_of(assessment, slug), change=change, page=None)


async def _save_self_page(
    request: Request, person: Person, cycle_id: str, slug: str, action: str, *, change: bool
) -> Response:
    assessment = await _self_assessment(request, person, cycle_id)
    if (done := _submitted(assessment)) is not None:
        return done
    dimension = _dimension_of(assessment, slug)
    page = PageAnswers.read(assessment.questionnaire, dimension, await request.form())
    if action != "later" and page.errors:
        return _render_self_dimension(request, assessment, dimension, change=change, page=page)
    assessment.answers.replace_page(dimension, page)
    await _save_self(request, person, assessment)
    if action == "later":
        return _see_other(f"{assessment.base}/questions?saved=true")
    if change:
        return _see_other(f"{assessment.base}/check")
    unfinished = assessment.answers.next_unfinished(assessment.questionnaire, after=dimension)
    return _see_other(pages.page_url(assessment.base, unfinished) if unfinished else f"{assessment.base}/check")


@router.get("/assessments/{cycle_id}/self/{dimension}", response_class=HTMLResponse)
async def self_dimension(request: Request, person: SignedIn, cycle_id: str, dimension: str) -> Response:
    return await _self_page(request, person, cycle_id, dimension, change=False)


@router.post("/assessments/{cycle_id}/self/{dimension}", dependencies=[Depends(csrf.protect)])
async def save_self_dimension(
    request: Request, person: SignedIn, cycle_id: str, dimension: str, action: Annotated[str, Form()] = "continue"
) -> Response:
    return await _save_self_page(request, person, cycle_id, dimension, action, change=False)


@router.get("/assessments/{cycle_id}/self/{dimension}/change", response_class=HTMLResponse)
async def change_self_dimension(request: Request, person: SignedIn, cycle_id: str, dimension: str) -> Response:
    return await _self_page(request, person, cycle_id, dimension, change=True)


@router.post("/assessments/{cycle_id}/self/{dimension}/change", dependencies=[Depends(csrf.protect)])
async def save_changed_self_dimension(
    request: Request, person: SignedIn, cycle_id: str, dimension: str, action: Annotated[str, Form()] = "continue"
) -> Response:
    return await _save_self_page(request, person, cycle_id, dimension, action, change=True)


# ----------------------------------------------------------------------------------------------------
# Reports
# ----------------------------------------------------------------------------------------------------


@router.get("/assessments/{cycle_id}/report", response_class=HTMLResponse)
async def cycle_report(request: Request, person: SignedIn, cycle_id: str) -> Response:
    # Just after a self-assessment is submitted its report is being built from survey-svc's event:
    # wait a moment for it rather than show "being prepared" to everyone.
    for attempt in range(REPORT_WAIT_TRIES):
        cycle = (await call(request, person, queries.CYCLE_REPORT, id=cycle_id))["cycle"]
        if cycle is None:
            raise HTTPException(status_code=404)
        if cycle["report"]:
            return _see_other(f"/reports/{cycle['report']['id']}")
        if attempt + 1 < REPORT_WAIT_TRIES:
            await asyncio.sleep(REPORT_WAIT_INTERVAL_S)
    return render(request, "participant/report_pending.html", {"cycle_id": cycle_id})


@router.get("/reports/{report_id}.pdf")
async def report_pdf(request: Request, person: SignedIn, report_id: str) -> Response:
    """The report's PDF from the gateway, with the signed-in person's token, passed on as it comes.

    The browser cannot send the person's token to the gateway itself (it is in this front's session, not
    in the browser), so this front fetches it for them; the gateway and report-svc decide who may read it."""
    try:
        uuid.UUID(report_id)
    except ValueError as exc:
        raise HTTPException(status_code=404) from exc
    gateway: GatewayClient = request.app.state.gateway
    address = request.client.host if request.client is not None else None
    try:
        upstream, body = await gateway.download(
            f"/reports/{report_id}.pdf", forwarded_for=address, bearer=person.bearer
        )
    except LinkNotValid as exc:
        raise HTTPException(status_code=404) from exc
    except Forbidden:
        return _not_released(request)
    headers = {
        name: upstream.headers[name] for name in ("content-disposition", "content-length") if name in upstream.headers
    }
    # Someone's own report: kept by no shared cache, and by the browser only in this tab.
    headers["Cache-Control"] = "private, no-store"
    return StreamingResponse(body, media_type="application/pdf", headers=headers)


def _not_released(request: Request) -> Response:
    # A coached report is released by the facilitator at the feedback session, not before.
    return render(
        request,
        "forbidden.html",
        {"reason": "Your facilitator releases this report to you at your feedback session."},
        status_code=403,
    )


@router.get("/reports/{report_id}", response_class=HTMLResponse)
async def report_page(request: Request, person: SignedIn, report_id: str) -> Response:
    try:
        uuid.UUID(report_id)
    except ValueError as exc:
        raise HTTPException(status_code=404) from exc
    try:
        report = (await call(request, person, queries.REPORT, id=report_id))["report"]
    except Forbidden:
        return _not_released(request)
    if report is None:
        raise HTTPException(status_code=404)
    return render(request, "participant/report.html", {"report": report_view(report)})

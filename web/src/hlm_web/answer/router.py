"""A rater's pages, after GOV.UK Forms' runner: a URL per page, check your answers, a confirmation.

/answer/{token}                      start page: who asked, by when, how long, the confidentiality promise
/answer/{token}/questions            the task list of the dimensions, with each one's status
/answer/{token}/{dimension}          one dimension: a fieldset of radios per statement, importance, a comment
/answer/{token}/{dimension}/change   the same page reached from check your answers, which it returns to
/answer/{token}/check                check your answers, and send them
/answer/{token}/done                 the confirmation
/answer/{token}/decline, /declined   decline to give feedback

The token is the rater's only credential. It goes to the gateway in a request body, never into a log
line, and no page sends a Referer (the response headers say so), so it never leaves in a URL either.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import structlog
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from itsdangerous import BadData, URLSafeTimedSerializer
from starlette.convertors import StringConvertor, register_url_convertor
from starlette.exceptions import HTTPException

from hlm_kit.routing import DirectRoute
from hlm_web import csrf
from hlm_web.answer import pages, queries
from hlm_web.answer.questionnaire import (
    Answers,
    Dimension,
    KnownQuestionnaires,
    PageAnswers,
    Progress,
    Questionnaire,
    Status,
    closing_date,
)
from hlm_web.config import Settings
from hlm_web.gateway import GatewayClient, GatewayRefused, GatewayUnavailable, LinkNotValid
from hlm_web.templating import render

log = structlog.get_logger(__name__)

router = APIRouter(prefix="/answer/{token}")

# The pages under a link with a name of their own, besides the start page; no dimension's page can be one.
FIXED_PAGES = ("questions", "decline", "declined", "check", "done")


class DimensionSlug(StringConvertor):
    """A dimension's part of its page's URL: one path segment, but not the name of a fixed page.

    A dimension's pages are most of a rater's requests, so their routes come first; a request walks the
    routes in order until one matches, and FastAPI walks them twice (whether the router matches, then which
    route handles it), which cost a dimension's page some twenty route tests after the fixed pages'. Routed
    first, ``/{dimension}`` must not take those pages: they are left out here, as their routes, first until
    now, kept any dimension of the same name from being reached."""

    regex = rf"(?!(?:{'|'.join(FIXED_PAGES)})$)[^/]+"


register_url_convertor("dimension_slug", DimensionSlug())

# Remembers, in the rater's browser, which link it has sent feedback through: a second press of "Send"
# (or a send after going back) then shows the confirmation again rather than "this link cannot be used".
SENT_COOKIE = "hlm-sent"
SENT_MAX_AGE_S = 7 * 24 * 3600
_SENT_SALT = "hlm-web-sent"


@dataclass
class Invitation:
    participant_name: str
    rater_group: str
    closes_on: str | None
    questionnaire: Questionnaire
    answers: Answers  # on a dimension's page, that dimension's alone
    has_draft: bool


def _gateway(request: Request) -> GatewayClient:
    gateway: GatewayClient = request.app.state.gateway
    return gateway


def _address(request: Request) -> str | None:
    return request.client.host if request.client is not None else None


async def _call(request: Request, document: str, **variables: Any) -> dict[str, Any]:
    return await _gateway(request).execute(document, variables, forwarded_for=_address(request))


def _known(request: Request) -> KnownQuestionnaires:
    known: KnownQuestionnaires = request.app.state.questionnaires
    return known


async def _invitation(request: Request, token: str, slug: str | None = None) -> Invitation:
    """The invitation and its draft; with ``slug``, a dimension's page, the draft holds that dimension's
    answers alone once the questionnaire is known for the link (otherwise the whole draft, as for any page).

    A link opened for the first time here is asked for its questionnaire's id first: the questionnaire itself
    is read only when no link opened before was on it (every rater of a cycle answers the same one)."""
    known = _known(request)
    questionnaire = known.for_link(token)
    page = questionnaire.dimension(slug) if questionnaire is not None and slug is not None else None
    only: dict[str, Any] = (
        {"itemKeys": [item.key for item in page.items], "dimensionKeys": [page.key]} if page is not None else {}
    )
    opened = await _call(request, queries.INVITATION, token=token, withQuestionnaire=False, **only)
    data = _opened(opened["invitation"])
    if questionnaire is None:
        questionnaire = known.remember_known(token, data.get("questionnaireId"))
    if questionnaire is None:
        data = _opened((await _call(request, queries.INVITATION, token=token, withQuestionnaire=True))["invitation"])
        if data.get("questionnaire") is None:
            raise LinkNotValid
        questionnaire = known.remember(token, data["questionnaire"])
    return Invitation(
        participant_name=data["participantName"],
        rater_group=data["raterGroup"],
        closes_on=closing_date(data["closesAt"]),
        questionnaire=questionnaire,
        answers=Answers.from_graphql(data["draft"]),
        has_draft=data["draft"] is not None,
    )


def _opened(data: dict[str, Any] | None) -> dict[str, Any]:
    if data is None or data["stage"] != "FEEDBACK":
        # A link still waiting for the line manager's approval of the nominations has no questionnaire
        # to answer here; it is the same plain page as any link that opens nothing.
        raise LinkNotValid
    return data


async def _save(request: Request, token: str, dimension: Dimension, page: PageAnswers) -> Progress:
    """Save one page into the draft; which dimensions the draft as saved completes."""
    saved = (
        await _call(
            request, queries.SAVE_PAGE, token=token, dimensionKey=dimension.key, response=page.as_input(dimension)
        )
    )["saveInvitationPage"]
    if saved is None:
        raise GatewayUnavailable
    if saved["__typename"] == "ResponseRejected":
        if not saved["problems"]:
            raise LinkNotValid  # no longer accepted: submitted, withdrawn or closed meanwhile
        log.error("a page the pages built was refused", problems=len(saved["problems"]))
        raise GatewayRefused("BAD_USER_INPUT")
    return Progress.from_graphql(saved["draft"])


def _voice(invitation: Invitation) -> pages.Voice:
    return pages.rater_voice(invitation.participant_name, invitation.closes_on)


def _url(token: str, *parts: str) -> str:
    return "/".join((f"/answer/{token}", *parts))


def _page_url(token: str, dimension: Dimension, *, change: bool = False) -> str:
    return pages.page_url(_url(token), dimension, change=change)


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


# ----------------------------------------------------------------------------------------------------
# One page per dimension
# ----------------------------------------------------------------------------------------------------


def _action(form: Mapping[str, Any]) -> str:
    """Which button sent the page: "later" (Save and come back later), otherwise "continue". Read from the
    form the CSRF check parsed rather than declared as a form parameter, which had FastAPI read and validate
    the body a second time on every page sent."""
    action = form.get("action")
    return action if isinstance(action, str) else "continue"


def _dimension_of(questionnaire: Questionnaire, slug: str) -> Dimension:
    dimension = questionnaire.dimension(slug)
    if dimension is None:
        raise HTTPException(status_code=404)
    return dimension


def _render_dimension(
    request: Request,
    token: str,
    invitation: Invitation,
    dimension: Dimension,
    *,
    change: bool,
    page: PageAnswers | None = None,
) -> Response:
    context = pages.dimension_context(
        _url(token),
        invitation.questionnaire,
        invitation.answers,
        dimension,
        change=change,
        page=page,
        first_back_url=_url(token),
    )
    return render(
        request,
        "answer/dimension.html",
        {"token": token, "invitation": invitation, "voice": _voice(invitation), **context},
        status_code=400 if context["errors"] else 200,
    )


async def _save_page(request: Request, token: str, slug: str, *, change: bool) -> Response:
    # The page's form is read against the questionnaire already known for this link; the invitation is
    # read first only when it is not (or when the page goes back to the rater with its errors).
    invitation = None
    questionnaire = _known(request).for_link(token)
    if questionnaire is None:
        invitation = await _invitation(request, token)
        questionnaire = invitation.questionnaire
    dimension = _dimension_of(questionnaire, slug)
    form = await request.form()  # parsed once already, by the CSRF check
    page = PageAnswers.read(questionnaire, dimension, form)
    action = _action(form)
    if action != "later" and page.errors:
        invitation = invitation or await _invitation(request, token, slug)
        return _render_dimension(request, token, invitation, dimension, change=change, page=page)
    progress = await _save(request, token, dimension, page)
    if action == "later":
        return _see_other(_url(token, "questions") + "?saved=true")
    if change:
        return _see_other(_url(token, "check"))
    unfinished = progress.next_unfinished(questionnaire, after=dimension)
    return _see_other(_page_url(token, unfinished) if unfinished else _url(token, "check"))


# A dimension's page, shown and sent, is most of a rater's requests: its routes (PAGE_ROUTES) are hlm_kit's
# DirectRoute, which calls the function with the request and the link and dimension as matched in the path,
# and a page sent checks its CSRF token itself. FastAPI solves what a route declares on every request (each
# path parameter validated, each dependency called through its machinery) and wraps each call in its request
# handling (two exit stacks, the endpoint run through its machinery): 0.2 M instructions of a page's
# 1.8-2 M. Both path parameters are plain strings, all FastAPI checked of them being that they are there.
#
# They are put first in the application's routes (main.create_app) rather than in this router: FastAPI
# matches an included router's route twice (whether the router matches, then which route handles it).
# Everything around them is the same: the middleware, the route recorded in the scope for the request
# context, the exception handlers, 405 for another method.


async def dimension_page(request: Request, token: str, dimension: str) -> Response:
    invitation = await _invitation(request, token, dimension)
    return _render_dimension(
        request, token, invitation, _dimension_of(invitation.questionnaire, dimension), change=False
    )


async def save_dimension(request: Request, token: str, dimension: str) -> Response:
    await csrf.protect(request)
    return await _save_page(request, token, dimension, change=False)


async def change_dimension_page(request: Request, token: str, dimension: str) -> Response:
    invitation = await _invitation(request, token, dimension)
    return _render_dimension(
        request, token, invitation, _dimension_of(invitation.questionnaire, dimension), change=True
    )


async def change_dimension(request: Request, token: str, dimension: str) -> Response:
    await csrf.protect(request)
    return await _save_page(request, token, dimension, change=True)


def _page_route(path: str, endpoint: Callable[..., Awaitable[Response]], method: str) -> DirectRoute:
    # One method, as FastAPI's route for it answered: no HEAD beside GET.
    return DirectRoute(f"/answer/{{token}}{path}", endpoint, methods=[method], include_in_schema=False)


PAGE_ROUTES = (
    _page_route("/{dimension:dimension_slug}", dimension_page, "GET"),
    _page_route("/{dimension:dimension_slug}", save_dimension, "POST"),
    _page_route("/{dimension}/change", change_dimension_page, "GET"),
    _page_route("/{dimension}/change", change_dimension, "POST"),
)


# ----------------------------------------------------------------------------------------------------
# Start, task list, decline
# ----------------------------------------------------------------------------------------------------


@router.get("", response_class=HTMLResponse)
async def start(request: Request, token: str) -> Response:
    invitation = await _invitation(request, token)
    unfinished = invitation.answers.first_unfinished(invitation.questionnaire)
    next_url = _page_url(token, unfinished) if unfinished else _url(token, "check")
    return render(
        request,
        "answer/start.html",
        {
            "token": token,
            "invitation": invitation,
            "is_line_manager": invitation.rater_group.lower() == "line_manager",
            "start_url": _url(token, "questions") if invitation.has_draft else next_url,
        },
    )


@router.get("/questions", response_class=HTMLResponse)
async def questions(request: Request, token: str, saved: bool = False) -> Response:
    invitation = await _invitation(request, token)
    questionnaire, answers = invitation.questionnaire, invitation.answers
    tasks = [
        {"dimension": d, "url": _page_url(token, d), "status": answers.status(d)} for d in questionnaire.dimensions
    ]
    return render(
        request,
        "answer/questions.html",
        {
            "base_url": _url(token),
            "back_url": _url(token),
            "voice": _voice(invitation),
            "token": token,
            "invitation": invitation,
            "tasks": tasks,
            "Status": Status,
            "completed": sum(t["status"] is Status.COMPLETED for t in tasks),
            "is_complete": answers.is_complete(questionnaire),
            "saved": saved,
        },
    )


@router.get("/decline", response_class=HTMLResponse)
async def decline_page(request: Request, token: str) -> Response:
    invitation = await _invitation(request, token)
    return render(request, "answer/decline.html", {"token": token, "invitation": invitation})


@router.post("/decline", dependencies=[Depends(csrf.protect)])
async def decline(request: Request, token: str) -> Response:
    await _call(request, queries.DECLINE, token=token)
    return _see_other(_url(token, "declined"))


@router.get("/declined", response_class=HTMLResponse)
async def declined(request: Request, token: str) -> Response:
    # Shows nothing about the invitation, so it can be reached without asking the gateway.
    return render(request, "answer/declined.html")


# ----------------------------------------------------------------------------------------------------
# Check your answers, send, confirmation
# ----------------------------------------------------------------------------------------------------


def _sent_serializer(request: Request) -> URLSafeTimedSerializer:
    settings: Settings = request.app.state.settings
    return URLSafeTimedSerializer(settings.secret_key.get_secret_value(), salt=_SENT_SALT)


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _has_sent(request: Request, token: str) -> bool:
    cookie = request.cookies.get(SENT_COOKIE)
    if not cookie:
        return False
    try:
        return bool(_sent_serializer(request).loads(cookie, max_age=SENT_MAX_AGE_S) == _token_digest(token))
    except BadData:
        return False


def _check_rows(token: str, invitation: Invitation) -> list[dict[str, Any]]:
    return pages.check_sections(_url(token), invitation.questionnaire, invitation.answers)


@router.get("/check", response_class=HTMLResponse)
async def check(request: Request, token: str) -> Response:
    try:
        invitation = await _invitation(request, token)
    except LinkNotValid:
        if _has_sent(request, token):
            return _see_other(_url(token, "done"))
        raise
    if not invitation.answers.is_complete(invitation.questionnaire):
        return _see_other(_url(token, "questions"))
    return render(
        request,
        "answer/check.html",
        {
            "base_url": _url(token),
            "voice": _voice(invitation),
            "token": token,
            "invitation": invitation,
            "sections": _check_rows(token, invitation),
        },
    )


@router.post("/check", dependencies=[Depends(csrf.protect)])
async def send(request: Request, token: str) -> Response:
    # What is sent is the draft as saved, page by page: one gateway call, the invitation read only to show
    # the answers again with what is missing.
    try:
        sent = (await _call(request, queries.SUBMIT_DRAFT, token=token))["submitInvitationDraft"]
        if sent is None:
            raise GatewayUnavailable
        if sent["__typename"] == "ResponseRejected" and not sent["problems"]:
            raise LinkNotValid  # sent already, withdrawn or closed
        if sent["__typename"] == "ResponseRejected":
            invitation = await _invitation(request, token)
    except LinkNotValid:
        # The same rater pressing Send again, or going back and sending: one response, one confirmation.
        if _has_sent(request, token):
            return _see_other(_url(token, "done"))
        raise
    if sent["__typename"] == "ResponseRejected":
        return render(
            request,
            "answer/check.html",
            {
                "base_url": _url(token),
                "voice": _voice(invitation),
                "token": token,
                "invitation": invitation,
                "sections": _check_rows(token, invitation),
                "problems": [p["message"] for p in sent["problems"]],
                "errors": True,  # the title starts "Error: "
            },
            status_code=422,
        )
    response = _see_other(_url(token, "done"))
    settings: Settings = request.app.state.settings
    response.set_cookie(
        SENT_COOKIE,
        _sent_serializer(request).dumps(_token_digest(token)),
        max_age=SENT_MAX_AGE_S,
        path="/answer/",
        secure=settings.secure_cookies,
        httponly=True,
        samesite="strict",
    )
    return response


@router.get("/done", response_class=HTMLResponse)
async def done(request: Request, token: str) -> Response:
    # The link stops working once the answers are sent, so this page asks the gateway nothing and
    # says nothing about the invitation.
    return render(request, "answer/done.html")

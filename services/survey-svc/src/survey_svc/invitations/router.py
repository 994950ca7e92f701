"""The rater's side: reached with the invitation token alone, no account and no bearer token."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from hlm_kit.db import RequestDriverUnit, RequestSession, Session
from hlm_kit.json_body import PlainJsonBody
from hlm_kit.routing import DirectRoute
from survey_svc.config import Settings
from survey_svc.dependencies import SettingsDep
from survey_svc.invitations import rate_limit
from survey_svc.invitations import service as invitation_service
from survey_svc.invitations.exceptions import LINK_NOT_VALID, InvitationNotFound
from survey_svc.invitations.schemas import DraftPageSaved, InvitationView, RejectIn
from survey_svc.invitations.service import Caller
from survey_svc.responses.schemas import DraftSaved, ResponseIn, Submitted

router = APIRouter(prefix="/v1/invitations", tags=["invitations"])

NOT_VALID: dict[int | str, dict[str, Any]] = {
    404: {"description": LINK_NOT_VALID},
    429: {"description": "Too many invalid links from this address; see Retry-After."},
}

# A page's keys, or a few dozen: a filter is an optimisation for a caller that shows part of the draft (one
# dimension's page), and a caller wanting more leaves it out. Bounded so that a query string stays well under
# what proxies and HTTP clients accept (8-64 kB), percent-encoded.
_KEYS_MAX_LENGTH = 2_000


def _keys(listed: str | None) -> list[str] | None:
    return None if listed is None else [key for key in listed.split(",") if key]


# Named ``token``, so hlm_kit's redacted path, used by every log line and error document, hides it.
LinkToken = Annotated[str, Path(description="The token of the rater's link (it is never logged).")]


class _LinkCall:
    """A request through a rater's link: its caller and the app's settings. Wrapped around the service's
    work (``with _LinkCall(request, token, session) as call:``), it counts a link that opens nothing
    against the caller's address, a count the request keeps though the refusal rolls back the rest of its
    transaction.

    The raters' hot routes (a page shown, a page sent, the submit) take the request and the link's token,
    enter the request's unit of work themselves (``RequestSession``) and use it: FastAPI solves each
    dependency a route names on every request, one already solved too, with a few dozen Python calls each
    and a generator such as ``Session`` with two context managers and a cancel scope around it. The other
    routes take ``InvitationCaller``, which uses it too."""

    __slots__ = ("_session", "caller", "settings")

    def __init__(self, request: Request, token: str, session: AsyncSession) -> None:
        self.caller = Caller(token=token, address=request.client.host if request.client else "unknown")
        self.settings: Settings = request.app.state.settings
        self._session = session

    def __enter__(self) -> _LinkCall:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: object) -> None:
        if isinstance(error, InvitationNotFound):
            rate_limit.record_failure(self._session, rate_limit.client_hash(self.caller.address), self.settings)


async def _caller(request: Request, token: LinkToken, session: Session) -> AsyncIterator[Caller]:
    """The caller of a link, for the routes a rater calls once or twice."""
    with _LinkCall(request, token, session) as call:
        yield call.caller


InvitationCaller = Annotated[Caller, Depends(_caller, scope="function")]  # ends before the Session it uses


def _json(model: BaseModel, status_code: int = status.HTTP_200_OK) -> Response:
    """``model`` encoded as the route's ``response_model`` documents it, rather than validated again against
    it by FastAPI: the same bytes, for less than FastAPI's validation and encoding of a returned model cost."""
    return Response(model.model_dump_json(), status_code=status_code, media_type="application/json")


@router.get("/{token}", response_model=InvitationView, responses=NOT_VALID)
async def get(
    request: Request,
    token: LinkToken,
    questionnaire: Annotated[
        bool,
        Query(
            description="false: leave the questionnaire out (null), for a caller that already has it; an "
            "invitation stays pinned to one published questionnaire, which never changes."
        ),
    ] = True,
    item_keys: Annotated[
        str | None,
        Query(
            max_length=_KEYS_MAX_LENGTH,
            description="Comma-separated item keys: the draft's answers to these items only, for a caller showing "
            "one page of the questionnaire (left out: every answer).",
        ),
    ] = None,
    dimension_keys: Annotated[
        str | None,
        Query(
            max_length=_KEYS_MAX_LENGTH,
            description="Comma-separated dimension keys: the draft's importance ratings and comments of these "
            "dimensions only (left out: all of them).",
        ),
    ] = None,
) -> Response:
    """The rater's questionnaire with their draft, or the nominations a line manager is asked to approve."""
    async with RequestSession(request) as session:  # each page a rater is shown opens the link again
        with _LinkCall(request, token, session) as call:
            view = await invitation_service.view(
                session,
                call.caller,
                call.settings,
                with_questionnaire=questionnaire,
                item_keys=_keys(item_keys),
                dimension_keys=_keys(dimension_keys),
            )
    return _json(view)


@router.put("/{token}/draft", response_model=DraftSaved, responses=NOT_VALID)
async def save_draft(session: Session, caller: InvitationCaller, body: ResponseIn, settings: SettingsDep) -> DraftSaved:
    return await invitation_service.save_draft(session, caller, body, settings)


@router.put("/{token}/draft/{dimension_key}", response_model=DraftPageSaved, responses=NOT_VALID)
async def save_draft_page(
    request: Request,
    dimension_key: Annotated[str, Path(max_length=63, description="The dimension whose answers these are.")],
    token: LinkToken,
    body: ResponseIn,
) -> Response:
    """Save one dimension's answers (a page of the questionnaire) in place of what the draft held for that
    dimension, keeping the rest, and return the whole draft as saved: a page saved and the next one chosen
    in one request. Anything in the body that is not that dimension's is refused (422)."""
    # Each page a rater sends. The dimension's key before the token: the document lists the path's
    # parameters in that order, as when the token came from InvitationCaller. The body stays FastAPI's body
    # parameter, so that a bad dimension key and a bad body are refused in one 422; a body refused never
    # makes a session.
    async with RequestSession(request) as session:
        with _LinkCall(request, token, session) as call:
            saved = await invitation_service.save_draft_page(session, call.caller, dimension_key, body, call.settings)
    return _json(saved)


# A rater's whole response, validated from the request's bytes into plain dicts (hlm_kit.json_body): the same
# checks, 422s and documented body as ``body: ResponseIn``, without decoding the JSON into Python objects first
# nor making a model of each answer.
_WHOLE_RESPONSE = PlainJsonBody(ResponseIn)


async def submit(request: Request, token: LinkToken) -> Response:
    """Submit the whole response, once; the link stops working afterwards."""
    # Called by Starlette with the request and the token as matched in the path (``DirectRoute``), without
    # FastAPI's request handling around it: 0.2 M instructions of a submit's 2.3 M. The token is a plain
    # str, present and non-empty once the path matched: FastAPI checked nothing more of it.
    # The body read with ``JsonBody`` awaited here, and the request's unit of work entered here, rather than
    # as dependencies FastAPI solves: two solves fewer, one a generator. A link that opens the questionnaire,
    # with a body that answers it, stores the response in one statement on the driver's connection
    # (``RequestDriverUnit``, a quarter of a session's transaction); whatever else (a refusal, counted
    # against the address) is answered as every other link's request is, in the request's session, the
    # unit having written nothing.
    body = await _WHOLE_RESPONSE(request)
    settings: Settings = request.app.state.settings
    caller = Caller(token=token, address=request.client.host if request.client else "unknown")
    async with RequestDriverUnit(request) as unit:
        submitted = await invitation_service.submit_at_once(unit, caller, body, settings)
    if submitted is None:
        async with RequestSession(request) as session:
            with _LinkCall(request, token, session) as call:
                whole = ResponseIn.model_validate(body)
                submitted = await invitation_service.submit(session, call.caller, whole, call.settings)
    return _json(submitted, status.HTTP_201_CREATED)


router.add_api_route(
    "/{token}/submit",
    submit,
    methods=["POST"],
    status_code=status.HTTP_201_CREATED,
    response_model=Submitted,
    responses=NOT_VALID,
    openapi_extra=_WHOLE_RESPONSE.openapi,
    route_class_override=DirectRoute,
)


@router.post(
    "/{token}/draft/submit", status_code=status.HTTP_201_CREATED, response_model=Submitted, responses=NOT_VALID
)
async def submit_draft(session: Session, caller: InvitationCaller, settings: SettingsDep) -> Submitted:
    """Submit the saved draft as it stands, once, with the same checks as ``submit``: a draft that does not
    answer everything is refused (422, each problem listed) and nothing is stored. The link stops working
    afterwards."""
    return await invitation_service.submit_draft(session, caller, settings)


@router.post("/{token}/decline", status_code=status.HTTP_204_NO_CONTENT, responses=NOT_VALID)
async def decline(session: Session, caller: InvitationCaller, settings: SettingsDep) -> None:
    await invitation_service.decline(session, caller, settings)


@router.post("/{token}/approve", response_model=InvitationView, responses=NOT_VALID)
async def approve(session: Session, caller: InvitationCaller, settings: SettingsDep) -> InvitationView:
    """The line manager approves the nominations; the cycle opens and the link turns into their questionnaire."""
    return await invitation_service.approve(session, caller, settings)


@router.post("/{token}/reject", status_code=status.HTTP_204_NO_CONTENT, responses=NOT_VALID)
async def reject(session: Session, caller: InvitationCaller, body: RejectIn, settings: SettingsDep) -> None:
    """The line manager sends the nominations back to the participant, with a note."""
    await invitation_service.reject(session, caller, body, settings)

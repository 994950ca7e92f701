from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from facilitator_svc.clock import Now
from facilitator_svc.config import AppSettings
from facilitator_svc.register import service as register_service
from facilitator_svc.register.repository import Search
from facilitator_svc.register.schemas import PublicationIn, PublicationOut, RegisterPage
from facilitator_svc.vocabulary import Language, Mode, Region, SessionKind, Specialism
from hlm_kit.auth import CurrentPrincipal, Facilitator
from hlm_kit.db import Session
from hlm_kit.pagination import Cursor, Limit

router = APIRouter(tags=["public register"])


# Unset fields are left out of the answer: a field a facilitator did not publish is absent, not null.
# The page is validated once, as it is built, and written straight to JSON: the response model only
# describes the answer, FastAPI does not dump, validate and dump it again.
@router.get(
    "/v1/register",
    response_model=RegisterPage,
    summary="Search the facilitators who chose to be listed; each entry shows only what its facilitator published",
)
async def search(
    session: Session,
    _: CurrentPrincipal,
    settings: AppSettings,
    now: Now,
    limit: Limit,
    region: Annotated[Region | None, Query(description="among those who publish their region")] = None,
    mode: Annotated[Mode | None, Query(description="among those who publish their modes")] = None,
    language: Annotated[Language | None, Query(description="among those who publish their languages")] = None,
    specialism: Annotated[Specialism | None, Query(description="among those who publish their specialisms")] = None,
    session_kind: Annotated[SessionKind | None, Query(description="among those who publish what they offer")] = None,
    cursor: Cursor = None,
) -> Response:
    wanted = Search(region=region, mode=mode, language=language, specialism=specialism, session_kind=session_kind)
    page = await register_service.search(session, wanted, settings, now, cursor=cursor, limit=limit)
    return Response(page.model_dump_json(exclude_unset=True), media_type="application/json")


@router.get(
    "/v1/facilitators/me/publication",
    response_model=PublicationOut,
    response_model_exclude_unset=True,
    summary="Your choices for the public register, and your entry as others see it",
)
async def get_publication(session: Session, principal: Facilitator, settings: AppSettings, now: Now) -> PublicationOut:
    return await register_service.get_own(session, principal, settings, now)


@router.put(
    "/v1/facilitators/me/publication",
    response_model=PublicationOut,
    response_model_exclude_unset=True,
    summary="Choose whether the public register lists you, what it shows and what you offer",
)
async def replace_publication(
    session: Session, principal: Facilitator, body: PublicationIn, settings: AppSettings, now: Now
) -> PublicationOut:
    return await register_service.replace_own(session, principal, body, settings, now)

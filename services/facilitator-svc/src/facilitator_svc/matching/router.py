from __future__ import annotations

from fastapi import APIRouter, Response

from facilitator_svc.clock import Now
from facilitator_svc.config import AppSettings
from facilitator_svc.matching import service as matching_service
from facilitator_svc.matching.schemas import MatchRequest, MatchResult
from hlm_kit.auth import AdminOrParticipant
from hlm_kit.db import ReadOnlySession
from hlm_kit.json_answer import encode, json_response

router = APIRouter(tags=["matching"])


@router.post(
    "/v1/matches",
    response_model=MatchResult,
    summary="Eligible facilitators for a participant, ranked, each with the reasons for its score",
)
async def create(
    # A match only reads: no transaction, and so no BEGIN and COMMIT, as a GET's; a write is refused.
    session: ReadOnlySession,
    principal: AdminOrParticipant,
    body: MatchRequest,
    settings: AppSettings,
    now: Now,
) -> Response:
    result = await matching_service.match(session, principal, body, settings, now)
    # The documented model is the answer's shape; the values are encoded as matching built them: orjson
    # writes the 27 KB of twenty facilitators in a fifth of the time pydantic's serialiser takes.
    return json_response(encode(result))

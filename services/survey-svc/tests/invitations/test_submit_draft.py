"""A rater sends the draft they saved page by page as it stands, in one request: the same checks as a
whole response sent, so a draft missing answers is refused with its problems and nothing is stored."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hlm_contracts import QuestionnairePublishedV1
from survey_svc.responses.models import Response

Problem = Any


async def _stored(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(Response)) or 0


async def test_the_saved_draft_is_submitted_as_it_is_and_the_link_stops_working(
    survey: Any,
    client: httpx.AsyncClient,
    session: AsyncSession,
    hlm_360: QuestionnairePublishedV1,
    full_answers: Any,
    assert_problem: Problem,
) -> None:
    _, raters = await survey.open_360()
    token = (await survey.tokens(raters))[raters[1]["email"]]
    before = await _stored(session)
    assert (await client.put(f"/v1/invitations/{token}/draft", json=full_answers(hlm_360, 4))).status_code == 200

    sent = await client.post(f"/v1/invitations/{token}/draft/submit")
    again = await client.post(f"/v1/invitations/{token}/draft/submit")

    assert sent.status_code == 201, sent.text
    assert "submitted_at" in sent.json()
    assert await _stored(session) == before + 1
    stored = (await session.scalars(select(Response).order_by(Response.submitted_at.desc()))).first()
    assert stored is not None
    assert {a["level"] for a in stored.answers} == {4}
    assert_problem(again, 404)
    assert_problem(await client.get(f"/v1/invitations/{token}"), 404)


async def test_a_draft_missing_answers_is_refused_with_its_problems_and_nothing_stored(
    survey: Any,
    client: httpx.AsyncClient,
    session: AsyncSession,
    hlm_360: QuestionnairePublishedV1,
    full_answers: Any,
    assert_problem: Problem,
) -> None:
    _, raters = await survey.open_360()
    tokens = await survey.tokens(raters)
    partial_token, empty_token = tokens[raters[1]["email"]], tokens[raters[2]["email"]]
    partial = full_answers(hlm_360)
    partial["answers"] = partial["answers"][1:]
    assert (await client.put(f"/v1/invitations/{partial_token}/draft", json=partial)).status_code == 200
    before = await _stored(session)

    refused = assert_problem(await client.post(f"/v1/invitations/{partial_token}/draft/submit"), 422)
    nothing_saved = assert_problem(await client.post(f"/v1/invitations/{empty_token}/draft/submit"), 422)
    view = await client.get(f"/v1/invitations/{partial_token}")

    assert refused["errors"]
    assert hlm_360.items[0].key in str(refused["errors"])
    assert len(nothing_saved["errors"]) > len(refused["errors"])
    assert await _stored(session) == before
    assert view.status_code == 200
    assert view.json()["draft"] == partial

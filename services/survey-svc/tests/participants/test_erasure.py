"""Erasure: a participant's cycles, nominations, responses, observations and goals go, and the other
services are told."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from hlm_kit.testing.pytest_plugin import AuthHeaders

Problem = Any
COUNTS = {
    "cycles": "SELECT count(*) FROM survey.cycle WHERE participant_id = :p",
    "invitations": (
        "SELECT count(*) FROM survey.invitation i JOIN survey.cycle c ON c.id = i.cycle_id WHERE c.participant_id = :p"
    ),
    "responses": "SELECT count(*) FROM survey.response",
    # Other tests' committed cycles share these tables: count what hangs off this participant's rows.
    "tokens": (
        "SELECT count(*) FROM survey.invitation_token t JOIN survey.invitation i ON i.id = t.invitation_id"
        " JOIN survey.cycle c ON c.id = i.cycle_id WHERE c.participant_id = :p"
    ),
    "mail": (
        "SELECT count(*) FROM survey.mail_job m LEFT JOIN survey.invitation i ON i.id = m.invitation_id"
        " LEFT JOIN survey.cycle c ON c.id = i.cycle_id LEFT JOIN survey.goal g ON g.id = m.goal_id"
        " WHERE c.participant_id = :p OR g.author_id = :p"
    ),
    "observations": "SELECT count(*) FROM survey.observation WHERE author_id = :p",
    "goals": "SELECT count(*) FROM survey.goal WHERE author_id = :p",
}


async def _counts(session: AsyncSession, participant_id: str) -> dict[str, int]:
    return {name: int(await session.scalar(text(sql), {"p": participant_id}) or 0) for name, sql in COUNTS.items()}


async def _everything(survey: Any, client: httpx.AsyncClient, full_answers: Any) -> str:
    cycle, raters = await survey.open_360()
    tokens = await survey.tokens(raters)
    await client.post(f"/v1/invitations/{tokens[raters[0]['email']]}/submit", json=full_answers(survey.hlm_360))
    await client.post(
        f"/v1/cycles/{cycle['id']}/self/submit", json=full_answers(survey.hlm_self), headers=survey.participant
    )
    await client.post(
        "/v1/observations",
        json={
            "observed_on": date.today().isoformat(),
            "context": "Clinic",
            "what_happened": "Explained a delay to a family with care.",
            "dimension_keys": ["leading_with_care"],
        },
        headers=survey.participant,
    )
    await client.post("/v1/goals", json={"title": "Debrief after incidents"}, headers=survey.participant)
    return str(cycle["id"])


async def test_a_participant_erases_themself_and_the_other_services_are_told(
    survey: Any, client: httpx.AsyncClient, session: AsyncSession, full_answers: Any, outbox_envelopes: Any
) -> None:
    cycle_id = await _everything(survey, client, full_answers)
    before = await _counts(session, survey.participant_sub)

    erased = await client.delete(f"/v1/participants/{survey.participant_sub}", headers=survey.participant)

    assert erased.status_code == 204
    assert all(before[name] > 0 for name in before)
    assert await _counts(session, survey.participant_sub) == dict.fromkeys(COUNTS, 0)
    assert (await client.get(f"/v1/cycles/{cycle_id}", headers=survey.participant)).status_code == 404
    event = (await outbox_envelopes(survey.participant_sub))[-1]
    assert event["type"] == "hlm.survey.participant.erased.v1"
    assert event["data"]["participant_id"] == survey.participant_sub


async def test_an_academy_admin_may_erase_a_participant_and_nobody_else_may(
    survey: Any,
    client: httpx.AsyncClient,
    session: AsyncSession,
    auth: AuthHeaders,
    full_answers: Any,
    assert_problem: Problem,
) -> None:
    await _everything(survey, client, full_answers)
    before = await _counts(session, survey.participant_sub)

    for role in ("participant", "facilitator", "partner"):
        assert_problem(
            await client.delete(f"/v1/participants/{survey.participant_sub}", headers=auth(role, sub="x")), 403
        )
    assert await _counts(session, survey.participant_sub) == before

    erased = await client.delete(
        f"/v1/participants/{survey.participant_sub}", headers=auth("academy_admin", sub="admin-1")
    )

    assert erased.status_code == 204
    assert await _counts(session, survey.participant_sub) == dict.fromkeys(COUNTS, 0)

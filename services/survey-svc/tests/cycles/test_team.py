"""Team 360s: several participants' 360 cycles run together for a group report."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from hlm_kit.testing.pytest_plugin import AuthHeaders

Problem = Any


async def test_members_join_a_team_360_and_their_cycles_carry_it(
    survey: Any, client: httpx.AsyncClient, auth: AuthHeaders, outbox_envelopes: Any
) -> None:
    team = await client.post(
        "/v1/team-cycles", json={"name": "Ward 7 leads"}, headers=auth("academy_admin", sub="admin-1")
    )
    assert team.status_code == 201
    team_id = team.json()["id"]

    member = await survey.create(kind="team_360", team_cycle_id=team_id)
    await survey.create(kind="team_360", team_cycle_id=team_id, headers=auth("participant", sub="participant-2"))
    await survey.nominate(member["id"], survey.raters())
    await survey.open(member["id"])

    assert member["team_cycle_id"] == team_id
    opened = (await outbox_envelopes(member["id"]))[0]
    assert (opened["data"]["kind"], opened["data"]["team_cycle_id"]) == ("team_360", team_id)
    seen_by_member = (await client.get(f"/v1/team-cycles/{team_id}", headers=survey.participant)).json()
    assert (seen_by_member["members"], seen_by_member["members_by_status"]) == (2, {"draft": 1, "open": 1})


async def test_a_team_360_belongs_to_one_organisation(
    survey: Any, client: httpx.AsyncClient, auth: AuthHeaders, assert_problem: Problem
) -> None:
    team = await client.post(
        "/v1/team-cycles", json={"name": "Elsewhere"}, headers=auth("participant", sub="lead", org="RY9")
    )
    body = {
        "kind": "team_360",
        "questionnaire_id": str(survey.hlm_360.questionnaire_id),
        "team_cycle_id": team.json()["id"],
        "participant_name": "Alex",
    }

    problem = assert_problem(await client.post("/v1/cycles", json=body, headers=survey.participant), 422)

    assert [e["type"] for e in problem["errors"]] == ["unknown_team_cycle"]
    assert_problem(await client.get(f"/v1/team-cycles/{team.json()['id']}", headers=survey.participant), 404)


async def test_a_team_360_cycle_names_its_team_and_only_it_does(
    survey: Any, client: httpx.AsyncClient, assert_problem: Problem
) -> None:
    base = {"questionnaire_id": str(survey.hlm_360.questionnaire_id), "participant_name": "Alex"}
    missing = await client.post("/v1/cycles", json={**base, "kind": "team_360"}, headers=survey.participant)
    stray = await client.post(
        "/v1/cycles",
        json={**base, "kind": "feedback_360", "team_cycle_id": "00000000-0000-0000-0000-000000000009"},
        headers=survey.participant,
    )

    assert [e["type"] for e in assert_problem(missing, 422)["errors"]] == ["missing"]
    assert [e["type"] for e in assert_problem(stray, 422)["errors"]] == ["not_allowed"]


async def test_a_retried_team_360_with_the_same_idempotency_key_returns_the_first_one(
    client: httpx.AsyncClient, auth: AuthHeaders, session: AsyncSession
) -> None:
    lead = auth("participant", sub="lead-1")
    headers = {**lead, "Idempotency-Key": "team-7f3a"}

    first = await client.post("/v1/team-cycles", json={"name": "Ward 7 leads"}, headers=headers)
    again = await client.post("/v1/team-cycles", json={"name": "Ward 7 leads"}, headers=headers)
    other_key = await client.post(
        "/v1/team-cycles", json={"name": "Ward 7 leads"}, headers={**lead, "Idempotency-Key": "team-9b21"}
    )
    # A key is the caller's own: someone else sending the same key starts their own team 360.
    someone_else = await client.post(
        "/v1/team-cycles",
        json={"name": "Ward 7 leads"},
        headers={**auth("participant", sub="lead-2"), "Idempotency-Key": "team-7f3a"},
    )

    assert (first.status_code, again.status_code, other_key.status_code, someone_else.status_code) == (
        201,
        200,
        201,
        201,
    )
    assert again.json() == first.json()
    assert again.headers["Location"] == first.headers["Location"] == f"/v1/team-cycles/{first.json()['id']}"
    assert len({first.json()["id"], other_key.json()["id"], someone_else.json()["id"]}) == 3
    started = text("SELECT count(*) FROM survey.team_cycle WHERE created_by IN ('lead-1', 'lead-2')")
    assert await session.scalar(started) == 3

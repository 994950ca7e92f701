"""Development goals with reminder dates, private to their author."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from hlm_kit.testing.pytest_plugin import AuthHeaders

Problem = Any
TODAY = date.today()


@pytest.fixture
def me(auth: AuthHeaders) -> dict[str, str]:
    return auth("participant", sub="author-1")


async def test_an_author_sets_a_goal_with_a_reminder_and_marks_it_achieved(
    client: httpx.AsyncClient, me: dict[str, str]
) -> None:
    created = await client.post(
        "/v1/goals",
        json={
            "title": "Ask my team for feedback after each project",
            "dimension_keys": ["engaging_the_team"],
            "target_on": (TODAY + timedelta(days=90)).isoformat(),
            "remind_on": (TODAY + timedelta(days=30)).isoformat(),
        },
        headers=me,
    )
    goal_id = created.json()["id"]

    achieved = await client.patch(f"/v1/goals/{goal_id}", json={"status": "achieved"}, headers=me)

    assert created.status_code == 201
    assert (created.json()["status"], created.json()["reminder_due"]) == ("active", False)
    assert achieved.json()["status"] == "achieved"


async def test_goals_whose_reminder_date_has_come_are_listed_as_due(
    client: httpx.AsyncClient, me: dict[str, str], session: AsyncSession
) -> None:
    soon = (await client.post("/v1/goals", json={"title": "Soon", "remind_on": TODAY.isoformat()}, headers=me)).json()
    later = (
        await client.post(
            "/v1/goals", json={"title": "Later", "remind_on": (TODAY + timedelta(days=9)).isoformat()}, headers=me
        )
    ).json()
    done = (await client.post("/v1/goals", json={"title": "Done", "remind_on": TODAY.isoformat()}, headers=me)).json()
    await client.patch(f"/v1/goals/{done['id']}", json={"status": "dropped"}, headers=me)
    await session.execute(text("UPDATE survey.goal SET remind_on = remind_on - 1 WHERE id = :id"), {"id": soon["id"]})
    await session.commit()

    due = (await client.get("/v1/goals?reminder_due=true", headers=me)).json()["items"]

    assert [g["id"] for g in due] == [soon["id"]]
    assert due[0]["reminder_due"] is True
    everything = (await client.get("/v1/goals", headers=me)).json()["items"]
    assert {g["id"] for g in everything} == {soon["id"], later["id"], done["id"]}


async def test_goals_are_seen_by_their_author_alone(
    client: httpx.AsyncClient, me: dict[str, str], auth: AuthHeaders, assert_problem: Problem
) -> None:
    goal = (await client.post("/v1/goals", json={"title": "Mine"}, headers=me)).json()
    other = auth("participant", sub="author-2")

    assert_problem(await client.get(f"/v1/goals/{goal['id']}", headers=other), 404)
    assert_problem(await client.patch(f"/v1/goals/{goal['id']}", json={"title": "Theirs"}, headers=other), 404)
    assert (await client.get("/v1/goals", headers=other)).json()["items"] == []


async def test_a_bad_goal_lists_every_problem_and_stores_nothing(
    client: httpx.AsyncClient, me: dict[str, str], stored_state: Any, assert_problem: Problem
) -> None:
    before = await stored_state()
    body = {
        "title": "Ok",
        "dimension_keys": ["no_such_dimension"],
        "remind_on": (TODAY - timedelta(days=3)).isoformat(),
    }

    problem = assert_problem(await client.post("/v1/goals", json=body, headers=me), 422)
    malformed = assert_problem(await client.post("/v1/goals", json={"title": "", "status": "won"}, headers=me), 422)

    assert sorted(tuple(e["loc"]) for e in problem["errors"]) == [("body", "dimension_keys", 0), ("body", "remind_on")]
    assert {e["loc"][1] for e in malformed["errors"]} == {"title", "status"}
    assert await stored_state() == before

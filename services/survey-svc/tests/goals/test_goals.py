"""Development goals with reminder dates, private to their author."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from hlm_contracts import ResourcesPublishedV1
from hlm_kit.messaging.envelope import CloudEvent
from hlm_kit.testing import today
from hlm_kit.testing.pytest_plugin import AuthHeaders
from survey_svc import consumers

Problem = Any


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
            "target_on": (today() + timedelta(days=90)).isoformat(),
            "remind_on": (today() + timedelta(days=30)).isoformat(),
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
    soon = (await client.post("/v1/goals", json={"title": "Soon", "remind_on": today().isoformat()}, headers=me)).json()
    later = (
        await client.post(
            "/v1/goals", json={"title": "Later", "remind_on": (today() + timedelta(days=9)).isoformat()}, headers=me
        )
    ).json()
    done = (await client.post("/v1/goals", json={"title": "Done", "remind_on": today().isoformat()}, headers=me)).json()
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


async def _every_page(client: httpx.AsyncClient, me: dict[str, str], query: str) -> list[dict[str, Any]]:
    """The pages of ``/v1/goals?<query>``, following ``next_cursor`` to the last."""
    pages = [(await client.get(f"/v1/goals?{query}", headers=me)).json()]
    while pages[-1]["next_cursor"] is not None:
        cursor = pages[-1]["next_cursor"]
        pages.append((await client.get(f"/v1/goals?{query}&cursor={cursor}", headers=me)).json())
    return pages


async def test_an_authors_goals_are_read_a_page_at_a_time_each_once_oldest_first(
    client: httpx.AsyncClient, session: AsyncSession, me: dict[str, str]
) -> None:
    titles = [f"Goal {n}" for n in range(7)]
    ids = [(await client.post("/v1/goals", json={"title": t}, headers=me)).json()["id"] for t in titles]
    await client.patch(f"/v1/goals/{ids[3]}", json={"status": "achieved"}, headers=me)
    # Set on five days; three in the same instant (an import, a clock's resolution), told apart by id.
    for goal_id, day in zip(ids, [1, 2, 3, 3, 3, 4, 5], strict=True):
        await session.execute(
            text("UPDATE survey.goal SET created_at = make_timestamptz(2026, 1, :day, 9, 0, 0, 'UTC') WHERE id = :id"),
            {"id": goal_id, "day": day},
        )
    await session.commit()
    everything = (await client.get("/v1/goals", headers=me)).json()

    pages = await _every_page(client, me, "limit=2")
    active_pages = await _every_page(client, me, "limit=2&status=active")

    assert [len(page["items"]) for page in pages] == [2, 2, 2, 1]
    paged = [goal["id"] for page in pages for goal in page["items"]]
    assert paged == [goal["id"] for goal in everything["items"]]
    assert paged == [ids[0], ids[1], *sorted(ids[2:5]), ids[5], ids[6]]
    assert everything["next_cursor"] is None
    active = [goal["id"] for page in active_pages for goal in page["items"]]
    assert sorted(active) == sorted(set(ids) - {ids[3]})
    assert len(active) == len(set(active))


async def test_a_goal_deleted_between_pages_does_not_lose_the_place(
    client: httpx.AsyncClient, me: dict[str, str]
) -> None:
    for n in range(4):
        await client.post("/v1/goals", json={"title": f"Goal {n}"}, headers=me)
    in_order = [g["id"] for g in (await client.get("/v1/goals", headers=me)).json()["items"]]
    first = (await client.get("/v1/goals?limit=2", headers=me)).json()
    await client.delete(f"/v1/goals/{first['items'][-1]['id']}", headers=me)

    rest = (await client.get(f"/v1/goals?limit=2&cursor={first['next_cursor']}", headers=me)).json()

    assert [g["id"] for g in first["items"]] == in_order[:2]
    assert [g["id"] for g in rest["items"]] == in_order[2:]
    assert rest["next_cursor"] is None


@pytest.mark.parametrize("cursor", ["not a cursor!", "WyJub3QtYS1kYXRlIiwibm90LWEtdXVpZCJd"])
async def test_a_cursor_the_service_did_not_issue_is_refused(
    client: httpx.AsyncClient, me: dict[str, str], assert_problem: Problem, cursor: str
) -> None:
    await client.post("/v1/goals", json={"title": "Mine"}, headers=me)

    problem = assert_problem(await client.get("/v1/goals", params={"cursor": cursor}, headers=me), 422)

    assert problem["type"].endswith("/validation-error")
    assert [(e["loc"], e["type"]) for e in problem["errors"]] == [(["query", "cursor"], "cursor_invalid")]


async def test_a_bad_goal_lists_every_problem_and_stores_nothing(
    client: httpx.AsyncClient, me: dict[str, str], stored_state: Any, assert_problem: Problem
) -> None:
    before = await stored_state()
    body = {
        "title": "Ok",
        "dimension_keys": ["no_such_dimension"],
        "remind_on": (today() - timedelta(days=3)).isoformat(),
    }

    problem = assert_problem(await client.post("/v1/goals", json=body, headers=me), 422)
    malformed = assert_problem(await client.post("/v1/goals", json={"title": "", "status": "won"}, headers=me), 422)

    assert sorted(tuple(e["loc"]) for e in problem["errors"]) == [("body", "dimension_keys", 0), ("body", "remind_on")]
    assert {e["loc"][1] for e in malformed["errors"]} == {"title", "status"}
    assert await stored_state() == before


def _published(*serving: tuple[str, str, list[str]]) -> ResourcesPublishedV1:
    """framework-svc's published set: (key, dimension, from_levels) per resource."""
    now = datetime.now(UTC)
    return ResourcesPublishedV1.model_validate(
        {
            "resources": [
                {
                    "key": key,
                    "version": 1,
                    "title": f"Title of {key}",
                    "kind": "reading",
                    "description": f"What {key} is about.",
                    "provider": None,
                    "authors": [],
                    "year": None,
                    "link": f"https://example.org/{key}",
                    "format": "document",
                    "duration_minutes": None,
                    "cost": None,
                    "audiences": ["all_staff"],
                    "serves": [{"framework_key": "hlm", "dimension_key": dimension, "from_levels": levels}],
                    "published_at": now,
                }
                for key, dimension, levels in serving
            ],
            "changed_at": now,
        }
    )


async def test_a_goal_lists_the_published_resources_of_each_of_its_dimensions(
    client: httpx.AsyncClient, me: dict[str, str], session: AsyncSession
) -> None:
    published = _published(
        ("team-talks", "engaging_the_team", []),
        ("from-proficient", "engaging_the_team", ["proficient"]),
        ("elsewhere", "holding_to_account", []),
    )
    handler = consumers.HANDLERS["resources_published"][ResourcesPublishedV1]
    await handler(session, published, CloudEvent.wrap(published))
    await session.commit()

    created = await client.post(
        "/v1/goals",
        json={"title": "Hear every voice in the team", "dimension_keys": ["engaging_the_team", "leading_with_care"]},
        headers=me,
    )

    assert created.status_code == 201, created.text
    expected = {
        "engaging_the_team": [
            {
                "key": "from-proficient",
                "title": "Title of from-proficient",
                "kind": "reading",
                "link": "https://example.org/from-proficient",
            },
            {
                "key": "team-talks",
                "title": "Title of team-talks",
                "kind": "reading",
                "link": "https://example.org/team-talks",
            },
        ],
        "leading_with_care": [],
    }
    assert created.json()["resources"] == expected
    listed = (await client.get("/v1/goals", headers=me)).json()["items"]
    assert [g["resources"] for g in listed if g["id"] == created.json()["id"]] == [expected]
    read = await client.get(f"/v1/goals/{created.json()['id']}", headers=me)
    assert read.json()["resources"] == expected

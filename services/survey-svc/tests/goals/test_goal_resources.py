"""Development resources an author saves to a goal: only published ones, once each, on their own goals
alone; a resource retired since stays on the goal as retired until its author removes it."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from hlm_kit.testing.pytest_plugin import AuthHeaders

Problem = Any


@pytest.fixture
def me(auth: AuthHeaders) -> dict[str, str]:
    return auth("participant", sub="saver-1")


async def _goal(client: httpx.AsyncClient, me: dict[str, str], **fields: Any) -> dict[str, Any]:
    created = await client.post("/v1/goals", json={"title": "Hear every voice in the team", **fields}, headers=me)
    assert created.status_code == 201, created.text
    body: dict[str, Any] = created.json()
    return body


def _keys(goal: dict[str, Any]) -> list[str]:
    return [saved["key"] for saved in goal["saved_resources"]]


async def test_an_author_saves_published_resources_to_a_goal_and_reads_them_back(
    client: httpx.AsyncClient, me: dict[str, str], publish_resources: Any
) -> None:
    await publish_resources(("team-talks", "engaging_the_team"), ("fair-rotas", "holding_to_account"))
    goal = await _goal(client, me, dimension_keys=["engaging_the_team"])
    assert goal["saved_resources"] == []

    first = await client.put(f"/v1/goals/{goal['id']}/resources/team-talks", headers=me)
    # A resource serving another dimension than the goal's may be saved too: the author decides.
    second = await client.put(f"/v1/goals/{goal['id']}/resources/fair-rotas", headers=me)

    assert first.status_code == 200, first.text
    assert second.status_code == 200, second.text
    saved = second.json()["saved_resources"]
    assert [{k: v for k, v in s.items() if k != "saved_at"} for s in saved] == [
        {
            "key": "team-talks",
            "title": "Title of team-talks",
            "kind": "reading",
            "link": "https://example.org/team-talks",
            "status": "published",
        },
        {
            "key": "fair-rotas",
            "title": "Title of fair-rotas",
            "kind": "reading",
            "link": "https://example.org/fair-rotas",
            "status": "published",
        },
    ]
    read = (await client.get(f"/v1/goals/{goal['id']}", headers=me)).json()
    listed = (await client.get("/v1/goals", headers=me)).json()["items"]
    assert read["saved_resources"] == saved
    assert [g["saved_resources"] for g in listed if g["id"] == goal["id"]] == [saved]
    # The dimension's linked resources are unchanged beside them.
    assert [r["key"] for r in read["resources"]["engaging_the_team"]] == ["team-talks"]


async def test_saving_a_resource_twice_keeps_it_once(
    client: httpx.AsyncClient, me: dict[str, str], publish_resources: Any, session: AsyncSession
) -> None:
    await publish_resources(("team-talks", "engaging_the_team"))
    goal = await _goal(client, me)

    once = await client.put(f"/v1/goals/{goal['id']}/resources/team-talks", headers=me)
    twice = await client.put(f"/v1/goals/{goal['id']}/resources/team-talks", headers=me)

    assert (once.status_code, twice.status_code) == (200, 200)
    assert _keys(twice.json()) == ["team-talks"]
    assert twice.json()["saved_resources"] == once.json()["saved_resources"]
    rows = await session.execute(
        text("SELECT count(*) FROM survey.goal_resource WHERE goal_id = :id"), {"id": goal["id"]}
    )
    assert rows.scalar_one() == 1


async def test_an_author_removes_a_saved_resource_and_removing_it_again_changes_nothing(
    client: httpx.AsyncClient, me: dict[str, str], publish_resources: Any
) -> None:
    await publish_resources(("team-talks", "engaging_the_team"), ("fair-rotas", "holding_to_account"))
    goal = await _goal(client, me)
    for key in ("team-talks", "fair-rotas"):
        await client.put(f"/v1/goals/{goal['id']}/resources/{key}", headers=me)

    removed = await client.delete(f"/v1/goals/{goal['id']}/resources/team-talks", headers=me)
    again = await client.delete(f"/v1/goals/{goal['id']}/resources/team-talks", headers=me)

    assert (removed.status_code, again.status_code) == (204, 204)
    assert _keys((await client.get(f"/v1/goals/{goal['id']}", headers=me)).json()) == ["fair-rotas"]


async def test_only_a_published_resource_may_be_saved_and_a_refusal_stores_nothing(
    client: httpx.AsyncClient,
    me: dict[str, str],
    publish_resources: Any,
    stored_state: Any,
    assert_problem: Problem,
) -> None:
    await publish_resources(("team-talks", "engaging_the_team"))
    goal = await _goal(client, me)
    before = await stored_state()

    unknown = assert_problem(await client.put(f"/v1/goals/{goal['id']}/resources/no-such-resource", headers=me), 422)
    malformed = assert_problem(await client.put(f"/v1/goals/{goal['id']}/resources/Not%20A%20Key", headers=me), 422)

    assert [(e["loc"], e["type"]) for e in unknown["errors"]] == [(["path", "resource_key"], "unknown_resource")]
    assert "no-such-resource" in unknown["errors"][0]["msg"]
    assert [e["loc"] for e in malformed["errors"]] == [["path", "resource_key"]]
    assert await stored_state() == before


async def test_someone_elses_goal_answers_404_and_keeps_its_resources(
    client: httpx.AsyncClient,
    me: dict[str, str],
    auth: AuthHeaders,
    publish_resources: Any,
    stored_state: Any,
    assert_problem: Problem,
) -> None:
    await publish_resources(("team-talks", "engaging_the_team"), ("fair-rotas", "holding_to_account"))
    goal = await _goal(client, me)
    await client.put(f"/v1/goals/{goal['id']}/resources/team-talks", headers=me)
    before = await stored_state()

    for other in (auth("participant", sub="saver-2"), auth("academy_admin", sub="admin-1", region="london")):
        saved = await client.put(f"/v1/goals/{goal['id']}/resources/fair-rotas", headers=other)
        removed = await client.delete(f"/v1/goals/{goal['id']}/resources/team-talks", headers=other)
        assert assert_problem(saved, 404)["type"].endswith("/goal-not-found")
        assert assert_problem(removed, 404)["type"].endswith("/goal-not-found")

    assert await stored_state() == before
    assert _keys((await client.get(f"/v1/goals/{goal['id']}", headers=me)).json()) == ["team-talks"]


async def test_a_resource_retired_since_it_was_saved_stays_listed_as_retired_and_cannot_be_saved_again(
    client: httpx.AsyncClient, me: dict[str, str], publish_resources: Any, assert_problem: Problem
) -> None:
    await publish_resources(("team-talks", "engaging_the_team"), ("fair-rotas", "holding_to_account"))
    goal = await _goal(client, me)
    for key in ("team-talks", "fair-rotas"):
        await client.put(f"/v1/goals/{goal['id']}/resources/{key}", headers=me)

    # framework-svc's next published set no longer has team-talks: it was retired.
    await publish_resources(("fair-rotas", "holding_to_account"))
    read = (await client.get(f"/v1/goals/{goal['id']}", headers=me)).json()
    again = await client.put(f"/v1/goals/{goal['id']}/resources/team-talks", headers=me)

    retired, published = read["saved_resources"]
    assert (retired["key"], retired["status"], retired["title"], retired["link"]) == (
        "team-talks",
        "retired",
        "Title of team-talks",
        None,
    )
    assert (published["key"], published["status"]) == ("fair-rotas", "published")
    assert assert_problem(again, 422)["errors"][0]["type"] == "unknown_resource"
    # The author may still take it off.
    assert (await client.delete(f"/v1/goals/{goal['id']}/resources/team-talks", headers=me)).status_code == 204
    assert _keys((await client.get(f"/v1/goals/{goal['id']}", headers=me)).json()) == ["fair-rotas"]


async def test_a_deleted_goal_takes_its_saved_resources_with_it(
    client: httpx.AsyncClient, me: dict[str, str], publish_resources: Any, session: AsyncSession
) -> None:
    await publish_resources(("team-talks", "engaging_the_team"))
    goal = await _goal(client, me)
    await client.put(f"/v1/goals/{goal['id']}/resources/team-talks", headers=me)

    assert (await client.delete(f"/v1/goals/{goal['id']}", headers=me)).status_code == 204

    rows = await session.execute(
        text("SELECT count(*) FROM survey.goal_resource WHERE goal_id = :id"), {"id": goal["id"]}
    )
    assert rows.scalar_one() == 0


async def test_an_erased_author_leaves_no_saved_resource_behind(
    client: httpx.AsyncClient, me: dict[str, str], publish_resources: Any, session: AsyncSession
) -> None:
    await publish_resources(("team-talks", "engaging_the_team"))
    goal = await _goal(client, me)
    await client.put(f"/v1/goals/{goal['id']}/resources/team-talks", headers=me)

    assert (await client.delete("/v1/participants/saver-1", headers=me)).status_code == 204

    rows = await session.execute(
        text("SELECT count(*) FROM survey.goal_resource WHERE goal_id = :id"), {"id": goal["id"]}
    )
    assert rows.scalar_one() == 0

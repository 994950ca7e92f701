"""An academy admin manages the cycles of their own region only (the token's ``region``): another
region's cycle, team 360 or participant answers exactly as one that does not exist, and nothing changes.
An admin token without a region manages nothing."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from hlm_kit.testing.pytest_plugin import AuthHeaders

Problem = Any
REGION = "london"  # the survey participant's (auth's default)


async def _world(survey: Any, client: httpx.AsyncClient) -> dict[str, Any]:
    cycle, _raters = await survey.open_360()
    team = await client.post("/v1/team-cycles", json={"name": "Ward 7"}, headers=survey.participant)
    assert team.status_code == 201, team.text
    return {"cycle": cycle, "team": team.json()["id"], "participant": survey.participant_sub}


def _later(cycle: dict[str, Any]) -> str:
    return (datetime.fromisoformat(cycle["closes_at"]) + timedelta(days=7)).isoformat()


def _same_problem(outside: dict[str, Any], unknown: dict[str, Any]) -> None:
    assert (outside["type"], outside["status"], outside["title"]) == (
        unknown["type"],
        unknown["status"],
        unknown["title"],
    )


async def _refused_as_unknown(
    client: httpx.AsyncClient,
    world: dict[str, Any],
    admin: dict[str, str],
    assert_problem: Problem,
) -> None:
    """Every admin endpoint answers ``admin`` as for things that do not exist."""
    cycle_id, unknown_id = world["cycle"]["id"], str(uuid.uuid4())
    body = {"closes_at": _later(world["cycle"])}

    for path in (f"/v1/cycles/{cycle_id}", f"/v1/team-cycles/{world['team']}"):
        outside = assert_problem(await client.get(path, headers=admin), 404)
        unknown = assert_problem(await client.get(path.replace(path.rsplit("/", 1)[1], unknown_id), headers=admin), 404)
        _same_problem(outside, unknown)
    _same_problem(
        assert_problem(await client.post(f"/v1/cycles/{cycle_id}/extend", json=body, headers=admin), 404),
        assert_problem(await client.post(f"/v1/cycles/{unknown_id}/extend", json=body, headers=admin), 404),
    )
    _same_problem(
        assert_problem(await client.delete(f"/v1/participants/{world['participant']}", headers=admin), 404),
        assert_problem(await client.delete("/v1/participants/nobody-at-all", headers=admin), 404),
    )

    listed = (await client.get("/v1/cycles", headers=admin)).json()
    theirs = (await client.get(f"/v1/cycles?participant_id={world['participant']}", headers=admin)).json()
    batch = (await client.get(f"/v1/cycles?ids={cycle_id}", headers=admin)).json()
    assert cycle_id not in {c["id"] for c in listed["items"]}
    assert (theirs["items"], theirs["next_cursor"]) == ([], None)
    assert batch["items"] == []


async def test_an_admin_of_another_region_meets_the_cycles_as_if_they_did_not_exist(
    survey: Any, client: httpx.AsyncClient, auth: AuthHeaders, stored_state: Any, assert_problem: Problem
) -> None:
    world = await _world(survey, client)
    before = await stored_state()

    await _refused_as_unknown(client, world, auth("academy_admin", sub="admin-2", region="leeds"), assert_problem)

    assert await stored_state() == before


async def test_an_admin_token_without_a_region_manages_nothing(
    survey: Any, client: httpx.AsyncClient, auth: AuthHeaders, stored_state: Any, assert_problem: Problem
) -> None:
    world = await _world(survey, client)
    before = await stored_state()
    no_region = auth("academy_admin", sub="admin-3", region="")

    await _refused_as_unknown(client, world, no_region, assert_problem)

    assert (await client.get("/v1/cycles", headers=no_region)).json()["items"] == []
    assert await stored_state() == before


async def test_an_admin_of_the_cycles_region_reads_extends_and_erases(
    survey: Any, client: httpx.AsyncClient, auth: AuthHeaders, session: AsyncSession
) -> None:
    world = await _world(survey, client)
    cycle_id = world["cycle"]["id"]
    elsewhere = await survey.create(headers=auth("participant", sub="participant-2", region="leeds"))
    admin = auth("academy_admin", sub="admin-1", region=REGION)

    read = await client.get(f"/v1/cycles/{cycle_id}", headers=admin)
    listed = (await client.get("/v1/cycles", headers=admin)).json()
    theirs = (await client.get(f"/v1/cycles?participant_id={world['participant']}", headers=admin)).json()
    batch = (await client.get(f"/v1/cycles?ids={elsewhere['id']},{cycle_id}", headers=admin)).json()
    team = await client.get(f"/v1/team-cycles/{world['team']}", headers=admin)
    extended = await client.post(
        f"/v1/cycles/{cycle_id}/extend", json={"closes_at": _later(world["cycle"])}, headers=admin
    )

    assert read.status_code == 200
    assert read.json()["region"] == REGION
    ids = {c["id"] for c in listed["items"]}
    assert cycle_id in ids
    assert elsewhere["id"] not in ids
    assert [c["id"] for c in theirs["items"]] == [cycle_id]
    assert [c["id"] for c in batch["items"]] == [cycle_id]
    assert team.status_code == 200
    assert extended.status_code == 200, extended.text
    assert extended.json()["closes_at"] != world["cycle"]["closes_at"]

    erased = await client.delete(f"/v1/participants/{world['participant']}", headers=admin)

    assert erased.status_code == 204
    count = "SELECT count(*) FROM survey.cycle WHERE participant_id = :p"
    assert await session.scalar(text(count), {"p": world["participant"]}) == 0
    assert await session.scalar(text(count), {"p": "participant-2"}) == 1


async def test_an_admin_may_erase_a_participant_with_at_least_one_cycle_in_their_region(
    survey: Any,
    client: httpx.AsyncClient,
    auth: AuthHeaders,
    session: AsyncSession,
    stored_state: Any,
    assert_problem: Problem,
) -> None:
    sub = "participant-moved"
    await survey.create(headers=auth("participant", sub=sub, region="london"))
    await survey.create(headers=auth("participant", sub=sub, region="leeds"))
    before = await stored_state()

    assert_problem(
        await client.delete(f"/v1/participants/{sub}", headers=auth("academy_admin", sub="a", region="york")), 404
    )
    assert await stored_state() == before

    erased = await client.delete(f"/v1/participants/{sub}", headers=auth("academy_admin", sub="b", region="leeds"))

    assert erased.status_code == 204
    count = "SELECT count(*) FROM survey.cycle WHERE participant_id = :p"
    assert await session.scalar(text(count), {"p": sub}) == 0

"""Availability: a facilitator offers sessions that never overlap, in modes they work in, in the future."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from hlm_kit.testing.pytest_plugin import AuthHeaders


def slot(start: Any, hours: float = 1, **extra: Any) -> dict[str, Any]:
    return {"starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=hours)).isoformat(), **extra}


async def test_a_facilitator_offers_their_own_sessions(
    client: httpx.AsyncClient, auth: AuthHeaders, add_facilitator: Any, at: Any
) -> None:
    facilitator = await add_facilitator(subject="fac-1")
    own = auth("facilitator", sub="fac-1")
    path = f"/v1/facilitators/{facilitator['id']}/slots"

    response = await client.post(
        path, json={"slots": [slot(at(1)), slot(at(2), modes=["video"], venue="Room 4")]}, headers=own
    )

    assert response.status_code == 201, response.text
    listed = (await client.get(path, headers=own)).json()["items"]
    assert [(s["modes"], s["is_booked"]) for s in listed] == [(["in_person", "video"], False), (["video"], False)]
    assert listed[1]["venue"] == "Room 4"


async def test_slots_are_listed_within_a_window(
    client: httpx.AsyncClient, admin: dict[str, str], add_facilitator: Any, at: Any
) -> None:
    facilitator = await add_facilitator(slots=[at(1), at(5), at(9)])

    listed = await client.get(
        f"/v1/facilitators/{facilitator['id']}/slots",
        params={"from": at(2).isoformat(), "to": at(8).isoformat()},
        headers=admin,
    )

    assert [s["starts_at"][:10] for s in listed.json()["items"]] == [at(5).date().isoformat()]


@pytest.mark.parametrize(
    ("slots", "expected"),
    [
        ([{"starts_at": "2031-03-10T10:00:00Z", "ends_at": "2031-03-10T09:00:00Z"}], [("slots", 0)]),
        ([{"starts_at": "2031-03-10T10:00:00Z", "ends_at": "2031-03-10T10:05:00Z"}], [("slots", 0)]),
        (
            [{"starts_at": "2031-03-10T10:00:00", "ends_at": "2031-03-10T11:00:00"}],
            [("slots", 0, "starts_at"), ("slots", 0, "ends_at")],
        ),
        ([{"starts_at": "2031-03-01T10:00:00Z", "ends_at": "2031-03-01T11:00:00Z"}], [("slots", 0, "starts_at")]),
        (
            [
                {"starts_at": "2031-03-10T10:00:00Z", "ends_at": "2031-03-10T11:00:00Z"},
                {"starts_at": "2031-03-10T10:30:00Z", "ends_at": "2031-03-10T11:30:00Z"},
            ],
            [("slots", 1, "starts_at")],
        ),
        (
            [{"starts_at": "2031-03-10T10:00:00Z", "ends_at": "2031-03-10T11:00:00Z", "modes": ["telepathy"]}],
            [("slots", 0, "modes", 0)],
        ),
        ([], [("slots",)]),
    ],
    ids=["ends-before-start", "too-short", "naive-times", "in-the-past", "overlap-in-request", "unknown-mode", "none"],
)
async def test_bad_slots_are_refused_whole_and_nothing_is_stored(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    add_facilitator: Any,
    assert_problem: Any,
    stored_state: Any,
    slots: list[dict[str, Any]],
    expected: list[tuple[Any, ...]],
) -> None:
    facilitator = await add_facilitator()
    before = await stored_state()
    good = {"starts_at": "2031-03-20T10:00:00Z", "ends_at": "2031-03-20T11:00:00Z"}

    response = await client.post(
        f"/v1/facilitators/{facilitator['id']}/slots", json={"slots": [*slots, good] if slots else []}, headers=admin
    )

    problem = assert_problem(response, 422)
    assert [tuple(e["loc"][1:]) for e in problem["errors"]] == expected
    assert await stored_state() == before


async def test_a_slot_overlapping_one_the_facilitator_already_offers_is_refused(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    add_facilitator: Any,
    assert_problem: Any,
    stored_state: Any,
    at: Any,
) -> None:
    facilitator = await add_facilitator(slots=[at(3)])
    before = await stored_state()

    response = await client.post(
        f"/v1/facilitators/{facilitator['id']}/slots",
        json={"slots": [slot(at(4)), slot(at(3) + timedelta(minutes=30))]},
        headers=admin,
    )

    problem = assert_problem(response, 422)
    assert [e["loc"] for e in problem["errors"]] == [["body", "slots", 1, "starts_at"]]
    assert facilitator["slots"][0]["id"] in problem["errors"][0]["msg"]
    assert await stored_state() == before


async def test_back_to_back_slots_do_not_overlap(
    client: httpx.AsyncClient, admin: dict[str, str], add_facilitator: Any, at: Any
) -> None:
    facilitator = await add_facilitator(slots=[at(3)])

    response = await client.post(
        f"/v1/facilitators/{facilitator['id']}/slots", json={"slots": [slot(at(3) + timedelta(hours=1))]}, headers=admin
    )

    assert response.status_code == 201


async def test_a_slot_in_a_mode_the_facilitator_does_not_work_in_is_refused(
    client: httpx.AsyncClient, admin: dict[str, str], add_facilitator: Any, assert_problem: Any, at: Any
) -> None:
    facilitator = await add_facilitator(modes=["video"])

    problem = assert_problem(
        await client.post(
            f"/v1/facilitators/{facilitator['id']}/slots",
            json={"slots": [slot(at(3), modes=["in_person"])]},
            headers=admin,
        ),
        422,
    )

    assert problem["errors"][0]["type"] == "mode_not_offered"


async def test_the_database_itself_refuses_overlapping_slots_of_one_facilitator(
    session: AsyncSession, add_facilitator: Any, at: Any
) -> None:
    facilitator = await add_facilitator(slots=[at(3)])
    statement = text(
        "INSERT INTO facilitator.slot (id, facilitator_id, facilitator_number, starts_at, ends_at, modes)"
        " SELECT gen_random_uuid(), id, number, :start, :end, '{video}' FROM facilitator.facilitator WHERE id = :id"
    )

    with pytest.raises(IntegrityError) as raised:
        async with session.begin_nested():
            await session.execute(
                statement,
                {"start": at(3) + timedelta(minutes=59), "end": at(3) + timedelta(hours=2), "id": facilitator["id"]},
            )

    assert isinstance(raised.value.orig.__cause__, asyncpg.ExclusionViolationError)


async def test_another_facilitator_cannot_offer_sessions_for_someone_else(
    client: httpx.AsyncClient, auth: AuthHeaders, add_facilitator: Any, assert_problem: Any, at: Any
) -> None:
    facilitator = await add_facilitator(subject="fac-1")

    assert_problem(
        await client.post(
            f"/v1/facilitators/{facilitator['id']}/slots",
            json={"slots": [slot(at(3))]},
            headers=auth("facilitator", sub="fac-2"),
        ),
        404,
    )


async def test_a_free_slot_can_be_withdrawn_but_a_booked_one_cannot(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    participant: dict[str, str],
    add_facilitator: Any,
    assert_problem: Any,
    at: Any,
) -> None:
    facilitator = await add_facilitator(slots=[at(3), at(4)], slot_modes=["video"])
    free, booked = facilitator["slots"][0]["id"], facilitator["slots"][1]["id"]
    await client.post("/v1/bookings", json={"slot_id": booked}, headers=participant)
    path = f"/v1/facilitators/{facilitator['id']}/slots"

    assert (await client.delete(f"{path}/{free}", headers=admin)).status_code == 204
    assert_problem(await client.delete(f"{path}/{booked}", headers=admin), 409)
    assert_problem(await client.delete(f"{path}/{free}", headers=admin), 404)
    assert [s["id"] for s in (await client.get(path, headers=admin)).json()["items"]] == [booked]

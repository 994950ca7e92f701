"""Reading the sessions of many cycles at once (``?cycle_ids=``), as the gateway does for a list of cycles."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from facilitator_svc.bookings.schemas import BookingList
from hlm_kit.testing.pytest_plugin import AuthHeaders


async def confirmed(client: httpx.AsyncClient, headers: dict[str, str], slot_id: str, cycle_id: str) -> dict[str, Any]:
    response = await client.post(
        "/v1/bookings",
        json={"slot_id": slot_id, "mode": "video", "confirm": True, "cycle_id": cycle_id},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    booking: dict[str, Any] = response.json()
    return booking


def cycles_of(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["cycle_id"] for item in response.json()["items"]]


async def test_only_the_sessions_of_the_cycles_asked_are_read_and_still_only_those_the_caller_may_see(
    client: httpx.AsyncClient, admin: dict[str, str], auth: AuthHeaders, add_facilitator: Any, at: Any
) -> None:
    facilitator = await add_facilitator(capacity_per_month=10, slots=[at(d) for d in (1, 2, 3, 4)])
    cycles = [str(uuid.uuid4()) for _ in range(4)]
    people = [auth("participant", sub=f"p-{n}", org="RQ3", region="london") for n in range(4)]
    for slot, cycle, person in zip(facilitator["slots"], cycles, people, strict=True):
        await confirmed(client, person, slot["id"], cycle)

    asked = {"cycle_ids": f"{cycles[3]},{cycles[1]},{uuid.uuid4()}"}
    assert cycles_of(await client.get("/v1/bookings", params=asked, headers=admin)) == [cycles[1], cycles[3]]
    # A participant asking for another's cycle gets their own session only.
    assert cycles_of(await client.get("/v1/bookings", params=asked, headers=people[1])) == [cycles[1]]
    assert cycles_of(await client.get("/v1/bookings", params={"cycle_ids": ""}, headers=admin)) == []
    assert set(cycles) <= set(cycles_of(await client.get("/v1/bookings", headers=admin)))


async def test_a_cycle_id_that_is_not_one_is_named_by_its_position(
    client: httpx.AsyncClient, admin: dict[str, str], assert_problem: Any
) -> None:
    response = await client.get("/v1/bookings", params={"cycle_ids": f"{uuid.uuid4()},nope"}, headers=admin)

    problem = assert_problem(response, 422)
    assert [error["loc"] for error in problem["errors"]] == [["query", "cycle_ids", 1]]
    too_many = ",".join(str(uuid.uuid4()) for _ in range(101))
    problem = assert_problem(await client.get("/v1/bookings", params={"cycle_ids": too_many}, headers=admin), 422)
    assert [error["loc"] for error in problem["errors"]] == [["query", "cycle_ids"]]


async def test_a_page_of_sessions_is_written_as_their_models_are(
    client: httpx.AsyncClient, admin: dict[str, str], auth: AuthHeaders, add_facilitator: Any, at: Any
) -> None:
    facilitator = await add_facilitator(capacity_per_month=10, slots=[at(d) for d in (1, 2, 3)])
    cycles = [str(uuid.uuid4()) for _ in range(3)]
    me = auth("participant", sub="p-home", org="RQ3", region="london")
    booked = [
        await confirmed(client, me, slot["id"], cycle) for slot, cycle in zip(facilitator["slots"], cycles, strict=True)
    ]
    cancelled = await client.post(
        f"/v1/bookings/{booked[1]['id']}/cancel", json={"reason": "Moved to another week"}, headers=me
    )
    assert cancelled.status_code == 200, cancelled.text

    listed = await client.get("/v1/bookings", params={"cycle_ids": ",".join(cycles), "limit": 2}, headers=me)
    rest = await client.get(
        "/v1/bookings", params={"cycle_ids": ",".join(cycles), "cursor": listed.json()["next_cursor"]}, headers=me
    )

    # Each page is the bytes of BookingList made of the sessions as read one by one (BookingOut each).
    one_by_one = [(await client.get(f"/v1/bookings/{b['id']}", headers=me)).json() for b in booked]
    assert listed.headers["content-type"] == "application/json"
    expected = BookingList.model_validate({"items": one_by_one[:2], "next_cursor": listed.json()["next_cursor"]})
    assert listed.content == expected.model_dump_json().encode()
    assert rest.content == BookingList.model_validate({"items": one_by_one[2:]}).model_dump_json().encode()
    assert listed.json()["items"][1]["status"] == "cancelled"
    # Another participant sees none of them.
    other = auth("participant", sub="p-other", org="RQ3", region="london")
    assert cycles_of(await client.get("/v1/bookings", params={"cycle_ids": ",".join(cycles)}, headers=other)) == []

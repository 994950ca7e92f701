"""What an allocation request must be; another region's allocations are invisible."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from hlm_kit.testing.pytest_plugin import AuthHeaders

WINDOW = {"starts_at": "2031-03-03T09:00:00Z", "ends_at": "2031-04-03T09:00:00Z"}


async def test_a_cohort_with_repeated_or_bad_members_is_refused_whole(
    client: httpx.AsyncClient, admin: dict[str, str], assert_problem: Any, stored_state: Any
) -> None:
    before = await stored_state()
    cohort = [
        {"participant_id": "p-1", "organisation": "RX1"},
        {"participant_id": "p-2", "specialisms": ["astrology"]},
        {"participant_id": "p-1", "organisation": "RX1"},
    ]

    first = assert_problem(
        await client.post("/v1/allocations", json={"window": WINDOW, "participants": cohort}, headers=admin), 422
    )
    cohort[1] = {"participant_id": "p-2"}
    second = assert_problem(
        await client.post("/v1/allocations", json={"window": WINDOW, "participants": cohort}, headers=admin), 422
    )

    assert [e["loc"] for e in first["errors"]] == [["body", "participants", 1, "specialisms", 0]]
    assert [e["loc"] for e in second["errors"]] == [["body", "participants", 2, "participant_id"]]
    assert await stored_state() == before


async def test_an_empty_cohort_or_a_past_window_is_refused(
    client: httpx.AsyncClient, admin: dict[str, str], assert_problem: Any
) -> None:
    past = {"starts_at": "2031-01-01T00:00:00Z", "ends_at": "2031-02-01T00:00:00Z"}

    assert_problem(
        await client.post("/v1/allocations", json={"window": WINDOW, "participants": []}, headers=admin), 422
    )
    assert_problem(
        await client.post(
            "/v1/allocations", json={"window": past, "participants": [{"participant_id": "p"}]}, headers=admin
        ),
        422,
    )


async def test_a_queued_allocation_is_visible_to_its_region_only(
    client: httpx.AsyncClient, admin: dict[str, str], auth: AuthHeaders, assert_problem: Any
) -> None:
    queued = await client.post(
        "/v1/allocations", json={"window": WINDOW, "participants": [{"participant_id": "p-1"}]}, headers=admin
    )
    id = queued.json()["id"]

    assert (await client.get(f"/v1/allocations/{id}", headers=admin)).json()["status"] == "queued"
    north = auth("academy_admin", sub="admin-2", region="north_west")
    assert_problem(await client.get(f"/v1/allocations/{id}", headers=north), 404)
    assert_problem(await client.get(f"/v1/allocations/{uuid.uuid4()}", headers=admin), 404)
    assert_problem(await client.post(f"/v1/allocations/{id}/confirm", headers=admin), 409)


async def test_the_same_idempotency_key_with_another_cohort_is_refused(
    client: httpx.AsyncClient, admin: dict[str, str], assert_problem: Any, stored_state: Any
) -> None:
    headers = {**admin, "Idempotency-Key": "cohort-2031-spring"}
    cohort = {"window": WINDOW, "participants": [{"participant_id": "p-1"}]}
    first = await client.post("/v1/allocations", json=cohort, headers=headers)
    retried = await client.post("/v1/allocations", json=cohort, headers=headers)
    before = await stored_state()

    other = {"window": WINDOW, "participants": [{"participant_id": "p-1"}, {"participant_id": "p-2"}]}
    misused = await client.post("/v1/allocations", json=other, headers=headers)

    assert (first.status_code, retried.status_code) == (202, 202)
    assert retried.json()["id"] == first.json()["id"]
    assert assert_problem(misused, 409)["type"].endswith("/idempotency-key-reused")
    assert await stored_state() == before

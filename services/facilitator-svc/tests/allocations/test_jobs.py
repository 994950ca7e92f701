"""Cohort allocation as a job: queued, solved by the worker with progress, reviewed, then confirmed into
bookings. Runs against a live app (its worker uses its own transactions) on committed data."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest_asyncio

from hlm_kit.messaging.topology import Topology
from hlm_kit.testing.pytest_plugin import AuthHeaders, wait_for


@pytest_asyncio.fixture
async def workers(live_client: Any, topology: Topology, live_region: str) -> AsyncIterator[httpx.AsyncClient]:
    """The app with its workers running (relay, consumers, allocation worker) on this test's exchanges.
    It stops before the test's region is deleted (it asks for the region), so no job loses its rows
    while the worker holds it."""
    async with live_client(
        run_workers=True,
        events_exchange=topology.events_exchange,
        dead_letter_exchange=topology.dead_letter_exchange,
        queue_prefix=topology.queue_prefix,
        allocation_poll_interval_s=0.2,
    ) as client:
        yield client


def soon(days: int, hour: int = 10) -> datetime:
    return (datetime.now(UTC) + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


async def register(
    client: httpx.AsyncClient, admin: dict[str, str], new_facilitator: Any, slots: list[datetime], **fields: Any
) -> dict[str, Any]:
    response = await client.post("/v1/facilitators", json=new_facilitator(**fields), headers=admin)
    assert response.status_code == 201, response.text
    facilitator: dict[str, Any] = response.json()
    body = {"slots": [{"starts_at": s.isoformat(), "ends_at": (s + timedelta(hours=1)).isoformat()} for s in slots]}
    added = await client.post(f"/v1/facilitators/{facilitator['id']}/slots", json=body, headers=admin)
    assert added.status_code == 201, added.text
    facilitator["slots"] = added.json()["items"]
    return facilitator


async def proposed(client: httpx.AsyncClient, admin: dict[str, str], id: str) -> dict[str, Any]:
    async def done() -> dict[str, Any] | None:
        body: dict[str, Any] = (await client.get(f"/v1/allocations/{id}", headers=admin)).json()
        return body if body["status"] in ("proposed", "failed") else None

    result: dict[str, Any] = await wait_for(done, timeout_s=30)
    assert result["status"] == "proposed", result
    return result


def window(days: int = 20) -> dict[str, str]:
    return {"starts_at": datetime.now(UTC).isoformat(), "ends_at": soon(days).isoformat()}


async def test_a_cohort_is_allocated_reviewed_and_confirmed_into_bookings(
    workers: httpx.AsyncClient, live_region: str, auth: AuthHeaders, new_facilitator: Any, outbox_events: Any
) -> None:
    admin = auth("academy_admin", sub="admin-a", region=live_region)
    welsh = await register(
        workers,
        admin,
        new_facilitator,
        [soon(2), soon(3)],
        languages=["en", "cy"],
        modes=["video"],
        subject=f"{live_region}-welsh",
    )
    other = await register(
        workers, admin, new_facilitator, [soon(2), soon(4)], organisation="RX9", capacity_per_month=10
    )
    cohort = [
        {"participant_id": f"{live_region}-cy", "organisation": "RX1", "languages": ["cy"], "mode": "video"},
        {"participant_id": f"{live_region}-a", "organisation": "RX1"},
        {"participant_id": f"{live_region}-b", "organisation": "RX1", "specialisms": ["team_360"]},
        {"participant_id": f"{live_region}-rx9", "organisation": "RX9", "mode": "in_person"},
        {"participant_id": f"{live_region}-ryj", "organisation": "RYJ"},
        {"participant_id": f"{live_region}-c", "organisation": "RX1"},
    ]

    queued = await workers.post("/v1/allocations", json={"window": window(), "participants": cohort}, headers=admin)

    assert queued.status_code == 202, queued.text
    assert queued.headers["location"] == f"/v1/allocations/{queued.json()['id']}"
    assert queued.json()["status"] == "queued"
    result = await proposed(workers, admin, queued.json()["id"])
    assert result["progress"] == 1.0
    assignments = {a["participant_id"]: a for a in result["assignments"]}
    unassigned = {u["participant_id"]: u for u in result["unassigned"]}
    assert assignments[f"{live_region}-cy"]["facilitator_id"] == welsh["id"]
    # Four sessions for six people: one is ruled out entirely, one loses out on capacity.
    assert result["assigned_count"] == 4
    assert assignments[f"{live_region}-ryj"]["facilitator_id"] == other["id"]
    assert result["objective_cost"] == sum(a["cost"] for a in result["assignments"])
    rx9 = unassigned.pop(f"{live_region}-rx9")
    assert rx9["excluded_by"] == {"mode_not_offered": 1, "same_organisation": 1}
    assert "no facilitator may take them" in rx9["reason"]
    (crowded_out,) = unassigned.values()
    assert "went to other members of the cohort" in crowded_out["reason"]
    assert all(
        {r["factor"] for r in a["reasons"]} == {"place", "soonest", "load", "language", "specialism"}
        for a in assignments.values()
    )
    assert {a["facilitator_id"] for a in assignments.values()} <= {welsh["id"], other["id"]}

    confirmed = await workers.post(f"/v1/allocations/{result['id']}/confirm", headers=admin)

    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["status"] == "confirmed"
    booking_ids = {a["booking_id"] for a in confirmed.json()["assignments"]}
    assert None not in booking_ids
    bookings = (await workers.get("/v1/bookings", headers=admin)).json()["items"]
    assert {b["id"] for b in bookings} == booking_ids
    assert {(b["status"], b["allocation_id"]) for b in bookings} == {("confirmed", result["id"])}
    accounts = {welsh["id"]: f"{live_region}-welsh", other["id"]: None}
    for assignment in confirmed.json()["assignments"]:
        (announced,) = await outbox_events(assignment["booking_id"])
        assert announced["data"]["facilitator_id"] == assignment["facilitator_id"]
        assert announced["data"]["facilitator_subject"] == accounts[assignment["facilitator_id"]]
    again = await workers.post(f"/v1/allocations/{result['id']}/confirm", headers=admin)
    assert again.json() == confirmed.json()


async def test_a_session_taken_before_confirmation_is_left_out_with_its_reason(
    workers: httpx.AsyncClient, live_region: str, auth: AuthHeaders, new_facilitator: Any
) -> None:
    admin = auth("academy_admin", sub="admin-a", region=live_region)
    facilitator = await register(workers, admin, new_facilitator, [soon(2), soon(3)], modes=["video"])
    cohort = [{"participant_id": f"{live_region}-{i}", "organisation": "RX1"} for i in range(2)]
    id = (
        await workers.post("/v1/allocations", json={"window": window(), "participants": cohort}, headers=admin)
    ).json()["id"]
    result = await proposed(workers, admin, id)
    taken = result["assignments"][0]
    outsider = auth("participant", sub=f"{live_region}-outsider", org="RQ3", region=live_region)
    booked = await workers.post("/v1/bookings", json={"slot_id": taken["slot_id"], "confirm": True}, headers=outsider)
    assert booked.status_code == 201, booked.text

    confirmed = (await workers.post(f"/v1/allocations/{id}/confirm", headers=admin)).json()

    outcome = {a["participant_id"]: (a["booking_id"], a["booking_error"]) for a in confirmed["assignments"]}
    assert outcome[taken["participant_id"]][0] is None
    assert "someone else holds or has booked" in outcome[taken["participant_id"]][1]
    (other,) = [p for p in outcome if p != taken["participant_id"]]
    assert outcome[other][0] is not None
    assert facilitator["id"] == taken["facilitator_id"]


async def test_a_participant_whose_organisation_is_unknown_is_left_out_and_told_why(
    workers: httpx.AsyncClient, live_region: str, auth: AuthHeaders, new_facilitator: Any
) -> None:
    admin = auth("academy_admin", sub="admin-a", region=live_region)
    await register(workers, admin, new_facilitator, [soon(2)])
    cohort = [{"participant_id": f"{live_region}-unknown"}]

    id = (
        await workers.post("/v1/allocations", json={"window": window(), "participants": cohort}, headers=admin)
    ).json()["id"]
    result = await proposed(workers, admin, id)

    assert result["assignments"] == []
    assert "organisation is unknown" in result["unassigned"][0]["reason"]


async def test_a_proposal_can_be_discarded_and_is_then_not_confirmed(
    workers: httpx.AsyncClient, live_region: str, auth: AuthHeaders, new_facilitator: Any
) -> None:
    admin = auth("academy_admin", sub="admin-a", region=live_region)
    await register(workers, admin, new_facilitator, [soon(2)])
    body = {"window": window(), "participants": [{"participant_id": f"{live_region}-1", "organisation": "RX1"}]}
    id = (await workers.post("/v1/allocations", json=body, headers=admin)).json()["id"]
    await proposed(workers, admin, id)

    assert (await workers.post(f"/v1/allocations/{id}/discard", headers=admin)).json()["status"] == "discarded"
    refused = await workers.post(f"/v1/allocations/{id}/confirm", headers=admin)

    assert refused.status_code == 409
    assert (await workers.get("/v1/bookings", headers=admin)).json()["items"] == []
    listed = (await workers.get("/v1/allocations", headers=admin)).json()["items"]
    assert [(a["id"], a["status"]) for a in listed] == [(id, "discarded")]


async def test_a_retried_request_with_the_same_idempotency_key_queues_one_job(
    workers: httpx.AsyncClient, live_region: str, auth: AuthHeaders
) -> None:
    admin = {**auth("academy_admin", sub="admin-a", region=live_region), "Idempotency-Key": "cohort-2031-spring"}
    body = {"window": window(), "participants": [{"participant_id": f"{live_region}-1", "organisation": "RX1"}]}

    first = await workers.post("/v1/allocations", json=body, headers=admin)
    second = await workers.post("/v1/allocations", json=body, headers=admin)

    assert first.json()["id"] == second.json()["id"]
    assert second.headers["idempotent-replayed"] == "true"

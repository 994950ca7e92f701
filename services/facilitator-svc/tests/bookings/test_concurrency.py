"""Booking under real concurrency: many requests at once, each in its own transaction and connection,
against committed data (the rolled-back ``client`` would serialise them)."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from hlm_kit.testing.pytest_plugin import AuthHeaders, wait_for


async def register(
    client: httpx.AsyncClient, admin: dict[str, str], new_facilitator: Any, slots: list[Any], **fields: Any
) -> dict[str, Any]:
    facilitator = (await client.post("/v1/facilitators", json=new_facilitator(**fields), headers=admin)).json()
    body = {
        "slots": [
            {"starts_at": s.isoformat(), "ends_at": s.replace(hour=s.hour + 1).isoformat(), "modes": ["video"]}
            for s in slots
        ]
    }
    response = await client.post(f"/v1/facilitators/{facilitator['id']}/slots", json=body, headers=admin)
    assert response.status_code == 201, response.text
    facilitator["slots"] = response.json()["items"]
    return facilitator


async def occupying(engine: AsyncEngine, facilitator_id: str) -> int:
    async with engine.connect() as connection:
        statement = text(
            "SELECT count(*) FROM facilitator.booking WHERE facilitator_id = :f"
            " AND status IN ('held', 'confirmed', 'completed')"
        )
        return int((await connection.execute(statement, {"f": facilitator_id})).scalar_one())


async def test_fifty_clients_book_the_same_slot_at_once_and_exactly_one_succeeds(
    live_client: Any,
    live_region: str,
    auth: AuthHeaders,
    new_facilitator: Any,
    engine: AsyncEngine,
    clock: Any,
    at: Any,
) -> None:
    admin = auth("academy_admin", sub="admin-c", region=live_region)
    async with live_client(clock=clock, db_pool_size=20) as client:
        facilitator = await register(client, admin, new_facilitator, [at(3)], capacity_per_month=10)
        slot_id = facilitator["slots"][0]["id"]
        people = [auth("participant", sub=f"{live_region}-p{i}", org="RQ3", region=live_region) for i in range(50)]

        responses = await asyncio.gather(
            *(client.post("/v1/bookings", json={"slot_id": slot_id, "confirm": True}, headers=p) for p in people)
        )

    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 1, 409: 49}, statuses
    assert {r.json()["type"].rsplit("/", 1)[1] for r in responses if r.status_code == 409} == {"slot-taken"}
    assert await occupying(engine, facilitator["id"]) == 1


async def test_concurrent_bookings_of_different_slots_never_exceed_the_monthly_capacity(
    live_client: Any,
    live_region: str,
    auth: AuthHeaders,
    new_facilitator: Any,
    engine: AsyncEngine,
    clock: Any,
    at: Any,
) -> None:
    admin = auth("academy_admin", sub="admin-c", region=live_region)
    async with live_client(clock=clock, db_pool_size=20) as client:
        facilitator = await register(
            client, admin, new_facilitator, [at(d) for d in range(1, 21)], capacity_per_month=3
        )
        people = [auth("participant", sub=f"{live_region}-p{i}", org="RQ3", region=live_region) for i in range(20)]

        responses = await asyncio.gather(
            *(
                client.post("/v1/bookings", json={"slot_id": s["id"]}, headers=p)
                for s, p in zip(facilitator["slots"], people, strict=True)
            )
        )

    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 3, 409: 17}, statuses
    assert {r.json()["type"].rsplit("/", 1)[1] for r in responses if r.status_code == 409} == {"no-capacity"}
    assert await occupying(engine, facilitator["id"]) == 3


async def test_a_hold_confirmed_while_the_account_is_relinked_is_announced_with_the_new_account(
    live_client: Any,
    live_region: str,
    auth: AuthHeaders,
    new_facilitator: Any,
    engine: AsyncEngine,
    outbox_events: Any,
    clock: Any,
    at: Any,
) -> None:
    """Relinking announces the facilitator's confirmed sessions again; a hold confirmed meanwhile is not
    among them, so its own announcement must wait for the relink and name the new account."""
    admin = auth("academy_admin", sub="admin-c", region=live_region)
    participant = auth("participant", sub=f"{live_region}-p", org="RQ3", region=live_region)
    async with live_client(clock=clock) as client:
        facilitator = await register(client, admin, new_facilitator, [at(3)], subject=f"{live_region}-old")
        hold = await client.post("/v1/bookings", json={"slot_id": facilitator["slots"][0]["id"]}, headers=participant)
        assert hold.status_code == 201, hold.text

        async with engine.connect() as relink:
            transaction = await relink.begin()
            await relink.execute(
                text("UPDATE facilitator.facilitator SET subject = :s WHERE id = :id"),
                {"s": f"{live_region}-new", "id": facilitator["id"]},
            )
            confirming = asyncio.create_task(
                client.post(f"/v1/bookings/{hold.json()['id']}/confirm", headers=participant)
            )

            async def confirm_waits_for_the_relink() -> bool | None:
                async with engine.connect() as observer:
                    waiting = await observer.execute(
                        text(
                            "SELECT count(*) FROM pg_stat_activity"
                            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                        )
                    )
                    return True if waiting.scalar_one() > 0 else None

            await wait_for(confirm_waits_for_the_relink, timeout_s=10)
            assert not confirming.done()
            await transaction.commit()

        confirmed = await confirming

    assert confirmed.status_code == 200, confirmed.text
    (announced,) = await outbox_events(hold.json()["id"])
    assert announced["data"]["facilitator_subject"] == f"{live_region}-new"


async def test_twenty_retries_of_one_booking_at_once_hold_one_session_and_answer_alike(
    live_client: Any,
    live_region: str,
    auth: AuthHeaders,
    new_facilitator: Any,
    engine: AsyncEngine,
    clock: Any,
    at: Any,
) -> None:
    admin = auth("academy_admin", sub="admin-c", region=live_region)
    participant = auth("participant", sub=f"{live_region}-p", org="RQ3", region=live_region)
    # A client retrying over a flaky network: the same request, with the same key, twenty times at once.
    headers = {**participant, "Idempotency-Key": f"book-{live_region}"}
    async with live_client(clock=clock, db_pool_size=20) as client:
        facilitator = await register(client, admin, new_facilitator, [at(3)], capacity_per_month=10)
        body = {"slot_id": facilitator["slots"][0]["id"], "confirm": True}

        responses = await asyncio.gather(*(client.post("/v1/bookings", json=body, headers=headers) for _ in range(20)))

    assert Counter(r.status_code for r in responses) == {201: 20}, [r.text for r in responses]
    assert len({r.json()["id"] for r in responses}) == 1
    assert sum(r.headers.get("idempotent-replayed") == "true" for r in responses) == 19
    assert await occupying(engine, facilitator["id"]) == 1

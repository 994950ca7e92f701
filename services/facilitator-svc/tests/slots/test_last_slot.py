"""A match leaves out, on the register row alone, whoever has no session at or after the window's start: the
row's ``last_slot_starts_at``, which the database keeps in the transaction that writes the slots. Every way a
slot comes, goes or moves must leave it saying when the facilitator's latest slot starts, or a facilitator
with a session to offer would never be shown. (Matches with it beside a judgement of the whole register:
tests/matching/test_whole_register.py.)"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from hlm_kit.testing.pytest_plugin import AuthHeaders

# Every facilitator whose row says otherwise than their slots.
_DISAGREEING = text(
    """
    SELECT f.name, f.last_slot_starts_at, latest.starts_at
    FROM facilitator.facilitator f,
    LATERAL (SELECT max(s.starts_at) AS starts_at FROM facilitator.slot s WHERE s.facilitator_id = f.id) latest
    WHERE f.last_slot_starts_at IS DISTINCT FROM latest.starts_at
    """
)


async def assert_rows_agree_with_slots(connection: AsyncSession | AsyncConnection) -> None:
    rows = (await connection.execute(_DISAGREEING)).all()
    assert rows == [], f"register rows that disagree with their slots: {rows}"


async def last_slot(connection: AsyncSession | AsyncConnection, facilitator_id: str) -> datetime | None:
    statement = text("SELECT last_slot_starts_at FROM facilitator.facilitator WHERE id = :id")
    value: datetime | None = await connection.scalar(statement, {"id": facilitator_id})
    return value


async def shown(client: httpx.AsyncClient, headers: dict[str, str]) -> list[str]:
    response = await client.post("/v1/matches", json={"limit": 50}, headers=headers)
    assert response.status_code == 200, response.text
    return [m["facilitator"]["id"] for m in response.json()["eligible"]]


async def test_offering_withdrawing_and_moving_slots_keep_the_row_on_the_latest_start(
    client: httpx.AsyncClient, session: AsyncSession, admin: dict[str, str], add_facilitator: Any, at: Any
) -> None:
    facilitator = await add_facilitator(slots=[at(3), at(10)])
    other = await add_facilitator()
    early, late = facilitator["slots"]
    path = f"/v1/facilitators/{facilitator['id']}/slots"
    assert await last_slot(session, facilitator["id"]) == at(10)
    assert await last_slot(session, other["id"]) is None

    # An earlier session offered leaves it; the latest withdrawn brings it back to the one before.
    added = await client.post(
        path, json={"slots": [{"starts_at": at(5).isoformat(), "ends_at": at(5, 11).isoformat()}]}, headers=admin
    )
    assert added.status_code == 201, added.text
    middle = added.json()["items"][0]
    assert await last_slot(session, facilitator["id"]) == at(10)
    withdrawn = await client.delete(f"{path}/{late['id']}", headers=admin)
    assert withdrawn.status_code == 204, withdrawn.text
    assert await last_slot(session, facilitator["id"]) == at(5)

    # Moved later, then earlier than the others.
    move = text(
        "UPDATE facilitator.slot SET starts_at = CAST(:starts AS timestamptz),"
        " ends_at = CAST(:starts AS timestamptz) + interval '1 hour' WHERE id = :id"
    )
    await session.execute(move, {"id": early["id"], "starts": at(20)})
    assert await last_slot(session, facilitator["id"]) == at(20)
    await session.execute(move, {"id": early["id"], "starts": at(1)})
    assert await last_slot(session, facilitator["id"]) == at(5)
    await assert_rows_agree_with_slots(session)

    # Moved to another facilitator: both rows follow.
    await session.execute(
        text(
            "UPDATE facilitator.slot s SET facilitator_id = f.id, facilitator_number = f.number"
            " FROM facilitator.facilitator f WHERE f.id = :to AND s.id = :id"
        ),
        {"id": middle["id"], "to": other["id"]},
    )
    assert await last_slot(session, facilitator["id"]) == at(1)
    assert await last_slot(session, other["id"]) == at(5)

    # A write that moves nothing (a booking marking the slot busy) leaves the rows alone; the last slot gone,
    # nothing is offered.
    await session.execute(text("UPDATE facilitator.slot SET venue = 'Room 2' WHERE id = :id"), {"id": early["id"]})
    await session.execute(text("DELETE FROM facilitator.slot WHERE id = :id"), {"id": early["id"]})
    assert await last_slot(session, facilitator["id"]) is None
    await assert_rows_agree_with_slots(session)


async def test_slots_written_together_for_many_facilitators_mark_each_row(
    session: AsyncSession, add_facilitator: Any, at: Any
) -> None:
    """One statement writing the slots of many (an import, COPY), and one deleting them."""
    facilitators = [await add_facilitator(slots=[at(2)]) for _ in range(3)]
    ids = [f["id"] for f in facilitators]
    await session.execute(
        text(
            """
            INSERT INTO facilitator.slot (id, facilitator_id, facilitator_number, starts_at, ends_at, modes)
            SELECT gen_random_uuid(), f.id, f.number, t.starts, t.starts + interval '1 hour', '{video}'
            FROM facilitator.facilitator f, generate_series(0, 4) d,
            LATERAL (
                SELECT CAST(:first AS timestamptz) + d * interval '1 day' + (f.number % 7) * interval '1 hour'
            ) t (starts)
            WHERE f.id = ANY(CAST(:ids AS uuid[]))
            """
        ),
        {"ids": ids, "first": at(7)},
    )
    await assert_rows_agree_with_slots(session)
    assert len({await last_slot(session, id) for id in ids}) > 1

    await session.execute(
        text("DELETE FROM facilitator.slot WHERE facilitator_id = ANY(CAST(:ids AS uuid[])) AND starts_at > :t"),
        {"ids": ids, "t": at(3)},
    )
    assert [await last_slot(session, id) for id in ids] == [at(2)] * 3
    await assert_rows_agree_with_slots(session)


async def test_a_facilitator_whose_sessions_have_all_begun_is_left_out_until_one_is_moved_ahead(
    client: httpx.AsyncClient,
    session: AsyncSession,
    participant: dict[str, str],
    add_facilitator: Any,
    at: Any,
    clock: Any,
) -> None:
    behind = await add_facilitator(slots=[at(2), at(3)])
    ahead = await add_facilitator(slots=[at(2), at(12)])
    clock.now = at(5)

    assert await shown(client, participant) == [ahead["id"]]

    # A session moved into the window makes them bookable again, at once.
    await session.execute(
        text(
            "UPDATE facilitator.slot SET starts_at = CAST(:starts AS timestamptz),"
            " ends_at = CAST(:starts AS timestamptz) + interval '1 hour' WHERE id = :id"
        ),
        {"id": behind["slots"][0]["id"], "starts": at(8)},
    )
    assert set(await shown(client, participant)) == {behind["id"], ahead["id"]}


async def _insert_slot(connection: AsyncConnection, facilitator_id: str, starts: datetime) -> None:
    await connection.execute(
        text(
            "INSERT INTO facilitator.slot (id, facilitator_id, facilitator_number, starts_at, ends_at, modes)"
            " SELECT gen_random_uuid(), id, number, :starts, :ends, '{video}'"
            " FROM facilitator.facilitator WHERE id = :id"
        ),
        {"id": facilitator_id, "starts": starts, "ends": starts + timedelta(hours=1)},
    )


async def _delete_slot(connection: AsyncConnection, facilitator_id: str, starts: datetime) -> None:
    await connection.execute(
        text("DELETE FROM facilitator.slot WHERE facilitator_id = :id AND starts_at = :starts"),
        {"id": facilitator_id, "starts": starts},
    )


async def test_a_slot_withdrawn_while_another_is_offered_leaves_the_row_on_the_one_offered(
    live_client: Any, live_region: str, auth: AuthHeaders, new_facilitator: Any, engine: AsyncEngine, at: Any
) -> None:
    """Withdrawing the latest slot works the row out again, which may lower it: a later slot offered by another
    transaction at the same time, whichever of the two writes first, must not be lost."""
    admin = auth("academy_admin", sub=f"admin-{live_region}", region=live_region)
    async with live_client() as client:
        created = await client.post(
            "/v1/facilitators", json={**new_facilitator(), "region": live_region}, headers=admin
        )
        assert created.status_code == 201, created.text
        facilitator_id = created.json()["id"]
        slots = [{"starts_at": at(d).isoformat(), "ends_at": at(d, 11).isoformat()} for d in (2, 4, 6)]
        added = await client.post(f"/v1/facilitators/{facilitator_id}/slots", json={"slots": slots}, headers=admin)
        assert added.status_code == 201, added.text

    async def race(first: Any, second: Any, expected: datetime) -> None:
        async with engine.connect() as a, engine.connect() as b:
            await a.begin()
            await b.begin()
            await first(a)
            waiting = asyncio.create_task(second(b))
            await asyncio.sleep(0.3)
            assert not waiting.done(), "the second write waits for the first's row"
            await a.commit()
            await waiting
            await b.commit()
        async with engine.connect() as connection:
            assert await last_slot(connection, facilitator_id) == expected
            rows = (await connection.execute(_DISAGREEING)).all()
            assert [r for r in rows if r.name == created.json()["name"]] == []

    # The latest withdrawn first, a later offer waiting for it.
    await race(
        lambda a: _delete_slot(a, facilitator_id, at(6)), lambda b: _insert_slot(b, facilitator_id, at(9)), at(9)
    )
    # A later offer first, the latest's withdrawal waiting for it and then reading it: worked out from what it
    # saw before the offer, the row would go back to at(4) with a session at(12) on offer.
    await race(
        lambda a: _insert_slot(a, facilitator_id, at(12)), lambda b: _delete_slot(b, facilitator_id, at(9)), at(12)
    )

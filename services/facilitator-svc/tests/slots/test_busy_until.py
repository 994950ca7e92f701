"""Whether a slot is free is read from the slot's own row (``busy_until``), which the database keeps in the
transaction that writes the booking: every way a booking comes, goes or moves must leave each slot
saying what its bookings say, at any moment, including the moment a hold runs out with no write.
(A hold that ran out giving way to the next participant: tests/bookings/test_lifecycle.py.)"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from facilitator_svc.participants import service as participant_service


async def book(client: httpx.AsyncClient, headers: dict[str, str], slot_id: str, **body: Any) -> dict[str, Any]:
    response = await client.post("/v1/bookings", json={"slot_id": slot_id, "mode": "video", **body}, headers=headers)
    assert response.status_code == 201, response.text
    booking: dict[str, Any] = response.json()
    return booking


async def offered_slots(client: httpx.AsyncClient, headers: dict[str, str], facilitator_id: str) -> list[str]:
    """The sessions a match offers the participant with this facilitator."""
    response = await client.post("/v1/matches", json={"limit": 50}, headers=headers)
    assert response.status_code == 200, response.text
    for match in response.json()["eligible"]:
        if match["facilitator"]["id"] == facilitator_id:
            return [slot["slot_id"] for slot in match["slots"]]
    return []


async def test_a_hold_keeps_the_slot_until_it_runs_out_and_then_frees_it_without_a_write(
    client: httpx.AsyncClient,
    participant: dict[str, str],
    slots_view: Any,
    add_facilitator: Any,
    at: Any,
    clock: Any,
    settings: Any,
) -> None:
    facilitator = await add_facilitator(slots=[at(3), at(4)])
    held, other = facilitator["slots"]
    assert await slots_view.booked(facilitator["id"]) == [False, False]

    await book(client, participant, held["id"])

    assert await slots_view.booked(facilitator["id"]) == [True, False]
    assert await offered_slots(client, participant, facilitator["id"]) == [other["id"]]
    expiry = clock.now + timedelta(seconds=settings.hold_ttl_s)
    await slots_view.assert_agree_with_bookings(
        facilitator["id"], clock.now, expiry - timedelta(microseconds=1), expiry, at(5)
    )

    clock.now = expiry
    assert await slots_view.booked(facilitator["id"]) == [False, False]
    assert sorted(await offered_slots(client, participant, facilitator["id"])) == sorted([held["id"], other["id"]])


async def test_confirming_cancelling_and_completing_keep_the_slot_as_its_booking_says(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    participant: dict[str, str],
    slots_view: Any,
    add_facilitator: Any,
    at: Any,
    clock: Any,
    settings: Any,
) -> None:
    facilitator = await add_facilitator(slots=[at(3), at(4)])
    first, second = facilitator["slots"]
    hold = await book(client, participant, first["id"])
    kept = await book(client, participant, second["id"], confirm=True)

    confirmed = await client.post(f"/v1/bookings/{hold['id']}/confirm", headers=participant)
    assert confirmed.status_code == 200, confirmed.text
    # Confirmed, the slot stays taken long after the hold would have run out.
    late = clock.now + timedelta(seconds=settings.hold_ttl_s * 10)
    assert await slots_view.booked(facilitator["id"]) == [True, True]
    await slots_view.assert_agree_with_bookings(facilitator["id"], clock.now, late)

    cancelled = await client.post(f"/v1/bookings/{hold['id']}/cancel", headers=participant)
    assert cancelled.status_code == 200, cancelled.text
    assert await slots_view.booked(facilitator["id"]) == [False, True]
    assert await offered_slots(client, participant, facilitator["id"]) == [first["id"]]
    await slots_view.assert_agree_with_bookings(facilitator["id"], clock.now, late)

    # Rebooked by someone else after the cancellation, the slot is taken again.
    await book(client, participant, first["id"], confirm=True)
    assert await slots_view.booked(facilitator["id"]) == [True, True]

    clock.now = at(4, 11)
    completed = await client.post(f"/v1/bookings/{kept['id']}/complete", headers=admin)
    assert completed.status_code == 200, completed.text
    await slots_view.assert_agree_with_bookings(facilitator["id"], clock.now, at(30))
    assert await slots_view.booked(facilitator["id"]) == [True, True]


async def test_rescheduling_frees_the_old_slot_and_takes_the_new_one(
    client: httpx.AsyncClient, participant: dict[str, str], slots_view: Any, add_facilitator: Any, at: Any, clock: Any
) -> None:
    first = await add_facilitator(slots=[at(3), at(4)])
    second = await add_facilitator(slots=[at(5)])
    booking = await book(client, participant, first["slots"][0]["id"], confirm=True)

    within = await client.post(
        f"/v1/bookings/{booking['id']}/reschedule", json={"slot_id": first["slots"][1]["id"]}, headers=participant
    )
    assert within.status_code == 200, within.text
    assert await slots_view.booked(first["id"]) == [False, True]

    across = await client.post(
        f"/v1/bookings/{booking['id']}/reschedule", json={"slot_id": second["slots"][0]["id"]}, headers=participant
    )
    assert across.status_code == 200, across.text
    assert await slots_view.booked(first["id"]) == [False, False]
    assert await slots_view.booked(second["id"]) == [True]
    for facilitator in (first, second):
        await slots_view.assert_agree_with_bookings(facilitator["id"], clock.now, at(30))


async def test_erasing_a_participant_frees_the_slots_of_their_sessions_to_come(
    client: httpx.AsyncClient,
    session: AsyncSession,
    participant: dict[str, str],
    slots_view: Any,
    add_facilitator: Any,
    at: Any,
    clock: Any,
) -> None:
    facilitator = await add_facilitator(slots=[at(3), at(4)])
    for slot in facilitator["slots"]:
        await book(client, participant, slot["id"], confirm=True)

    await participant_service.erase(session, "participant-1", clock.now)

    assert await slots_view.booked(facilitator["id"]) == [False, False]
    await slots_view.assert_agree_with_bookings(facilitator["id"], clock.now, at(30))


async def test_bookings_written_together_and_a_slot_offered_over_a_booking_are_kept_too(
    client: httpx.AsyncClient,
    session: AsyncSession,
    admin: dict[str, str],
    slots_view: Any,
    add_facilitator: Any,
    at: Any,
    clock: Any,
) -> None:
    """One statement writing many bookings (an import, COPY), and a slot offered again where a booking
    lies once its own slot row is gone: the slot is busy from the start."""
    facilitator = await add_facilitator(slots=[at(3), at(4), at(5)])
    first, second, _ = facilitator["slots"]
    await session.execute(
        text(
            """
            INSERT INTO facilitator.booking (id, facilitator_id, facilitator_number, slot_id, participant_id,
                mode, kind, starts_at, ends_at, status)
            SELECT gen_random_uuid(), s.facilitator_id, s.facilitator_number, s.id, 'imported', 'video',
                s.kind, s.starts_at, s.ends_at, 'confirmed'
            FROM facilitator.slot s WHERE s.id = ANY(:ids)
            """
        ),
        {"ids": [first["id"], second["id"]]},
    )
    assert await slots_view.booked(facilitator["id"]) == [True, True, False]

    await session.execute(text("DELETE FROM facilitator.slot WHERE id = :id"), {"id": first["id"]})
    offered = await client.post(
        f"/v1/facilitators/{facilitator['id']}/slots",
        json={"slots": [{"starts_at": at(3).isoformat(), "ends_at": (at(3) + timedelta(hours=1)).isoformat()}]},
        headers=admin,
    )
    assert offered.status_code == 201, offered.text

    assert await slots_view.booked(facilitator["id"]) == [True, True, False]
    await session.execute(text("DELETE FROM facilitator.booking WHERE participant_id = 'imported'"))
    assert await slots_view.booked(facilitator["id"]) == [False, False, False]
    await slots_view.assert_agree_with_bookings(facilitator["id"], clock.now, at(30))

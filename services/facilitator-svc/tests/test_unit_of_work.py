"""The request owns the transaction: the services add and flush, and the request commits what they did
when it returns, or nothing at all when one of them refuses. Shown with routes that call two of the
service's own operations in one request, on the app with its real sessionmaker (each request its own
transaction and connection), so that what another connection sees is what clients would see."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from facilitator_svc.bookings import service as booking_service
from facilitator_svc.bookings.schemas import BookingIn
from facilitator_svc.clock import Now
from facilitator_svc.config import AppSettings
from facilitator_svc.vocabulary import Mode
from hlm_kit.auth import Participant
from hlm_kit.db import Session
from hlm_kit.testing.pytest_plugin import AuthHeaders


class Slots(BaseModel):
    slot_ids: list[UUID]


async def stored_bookings(engine: AsyncEngine, slot_id: UUID | str) -> list[str]:
    """The statuses of the bookings of a slot, as any other connection sees them."""
    async with engine.connect() as connection:
        rows = await connection.execute(
            text("SELECT status FROM facilitator.booking WHERE slot_id = :s ORDER BY created_at"), {"s": str(slot_id)}
        )
        return [row.status for row in rows]


async def announced_for(engine: AsyncEngine, facilitator_id: str) -> int:
    """How many session events of the facilitator's bookings wait in the outbox."""
    async with engine.connect() as connection:
        statement = text(
            "SELECT count(*) FROM facilitator.outbox_message WHERE envelope->'data'->>'facilitator_id' = :f"
        )
        return int((await connection.execute(statement, {"f": facilitator_id})).scalar_one())


def composing_router(engine: AsyncEngine) -> APIRouter:
    """Two operations of the booking service in one request, as a route that composes them would call them."""
    router = APIRouter(prefix="/composed")

    @router.post("/book-each", status_code=201)
    async def book_each(session: Session, principal: Participant, body: Slots, settings: AppSettings, now: Now) -> None:
        for slot_id in body.slot_ids:
            booking = BookingIn(slot_id=slot_id, mode=Mode.VIDEO, confirm=True)
            await booking_service.create(session, principal, booking, settings, now, idempotency_key=None)

    @router.post("/hold-then-confirm", status_code=201)
    async def hold_then_confirm(
        session: Session, principal: Participant, body: Slots, settings: AppSettings, now: Now
    ) -> dict[str, list[str]]:
        (slot_id,) = body.slot_ids
        hold, _ = await booking_service.create(
            session, principal, BookingIn(slot_id=slot_id, mode=Mode.VIDEO), settings, now, idempotency_key=None
        )
        seen_in_between = await stored_bookings(engine, slot_id)
        await booking_service.confirm(session, principal, hold.id, now)
        return {"seen_in_between": seen_in_between}

    return router


async def add_facilitator_with_slots(
    client: Any, admin: dict[str, str], new_facilitator: Any, starts: Sequence[datetime]
) -> dict[str, Any]:
    facilitator = (await client.post("/v1/facilitators", json=new_facilitator(), headers=admin)).json()
    body = {
        "slots": [
            {"starts_at": s.isoformat(), "ends_at": (s + timedelta(hours=1)).isoformat(), "modes": ["video"]}
            for s in starts
        ]
    }
    added = await client.post(f"/v1/facilitators/{facilitator['id']}/slots", json=body, headers=admin)
    assert added.status_code == 201, added.text
    facilitator["slots"] = added.json()["items"]
    return facilitator


async def test_a_request_whose_second_booking_is_refused_keeps_neither_booking_nor_its_announcement(
    live_client: Any,
    live_region: str,
    auth: AuthHeaders,
    new_facilitator: Any,
    engine: AsyncEngine,
    clock: Any,
    at: Any,
) -> None:
    admin = auth("academy_admin", sub="admin-u", region=live_region)
    participant = auth("participant", sub=f"{live_region}-p1", org="RQ3", region=live_region)
    someone_else = auth("participant", sub=f"{live_region}-p2", org="RQ3", region=live_region)
    async with live_client(clock=clock, routers=[composing_router(engine)]) as client:
        facilitator = await add_facilitator_with_slots(client, admin, new_facilitator, [at(3), at(4)])
        free, taken = (s["id"] for s in facilitator["slots"])
        held = await client.post("/v1/bookings", json={"slot_id": taken}, headers=someone_else)
        assert held.status_code == 201, held.text

        refused = await client.post("/composed/book-each", json={"slot_ids": [free, taken]}, headers=participant)

    assert refused.status_code == 409, refused.text
    assert refused.json()["type"].rsplit("/", 1)[1] == "slot-taken"
    assert await stored_bookings(engine, free) == []
    assert await announced_for(engine, facilitator["id"]) == 0


async def test_two_booking_operations_in_one_request_become_visible_together(
    live_client: Any,
    live_region: str,
    auth: AuthHeaders,
    new_facilitator: Any,
    engine: AsyncEngine,
    clock: Any,
    at: Any,
) -> None:
    admin = auth("academy_admin", sub="admin-u", region=live_region)
    participant = auth("participant", sub=f"{live_region}-p1", org="RQ3", region=live_region)
    async with live_client(clock=clock, routers=[composing_router(engine)]) as client:
        facilitator = await add_facilitator_with_slots(client, admin, new_facilitator, [at(3)])
        (slot_id,) = (s["id"] for s in facilitator["slots"])

        response = await client.post("/composed/hold-then-confirm", json={"slot_ids": [slot_id]}, headers=participant)

    assert response.status_code == 201, response.text
    # Nobody saw the hold on its own: the first operation was not committed before the second ran.
    assert response.json() == {"seen_in_between": []}
    assert await stored_bookings(engine, slot_id) == ["confirmed"]
    assert await announced_for(engine, facilitator["id"]) == 1

"""A retried create makes one row, however many attempts race; a key reused with another body is refused;
the Idempotency-Key header takes only what a client may send."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from pydantic import BaseModel
from sqlalchemy import Text, UniqueConstraint, func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from hlm_kit.db import create_engine, create_sessionmaker, make_metadata
from hlm_kit.errors import Conflict, install_problem_handlers
from hlm_kit.idempotency import (
    MAX_KEY_LENGTH,
    Claim,
    IdempotencyColumns,
    IdempotencyKey,
    IdempotencyKeyReused,
    create_once,
    fingerprint,
)
from hlm_kit.testing.pytest_plugin import TestDatabase

ATTEMPTS = 20


class Base(DeclarativeBase):
    metadata = make_metadata("idempotency_test")


class Seat(IdempotencyColumns, Base):
    """A seat on a session: one per slot, as a booking holds a facilitator's hour."""

    __tablename__ = "seat"
    __table_args__ = (UniqueConstraint("owner", "idempotency_key"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    owner: Mapped[str] = mapped_column(Text)
    slot: Mapped[str] = mapped_column(Text)


class SeatIn(BaseModel):
    slot: str
    note: str | None = None


@pytest_asyncio.fixture
async def sessions(test_database: TestDatabase) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine: AsyncEngine = create_engine(test_database.admin_database_url, pool_size=ATTEMPTS)
    async with engine.begin() as connection:
        await connection.execute(text("CREATE SCHEMA IF NOT EXISTS idempotency_test"))
        await connection.run_sync(Base.metadata.create_all)
    try:
        yield create_sessionmaker(engine)
    finally:
        async with engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA idempotency_test CASCADE"))
        await engine.dispose()


async def _seats(sessions: async_sessionmaker[AsyncSession], owner: str) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Seat).where(Seat.owner == owner)) or 0)


async def _attempt(
    sessions: async_sessionmaker[AsyncSession],
    owner: str,
    key: str | None,
    body: SeatIn,
    *,
    together: asyncio.Barrier | None = None,
    one_per_slot: bool = False,
) -> tuple[uuid.UUID, bool]:
    """One request: create the seat once per key, committing a new one, as a service does."""
    async with sessions() as session:

        async def make(claim: Claim) -> Seat:
            if together is not None:
                # Every attempt has found no seat with the key before any of them makes one.
                await together.wait()
            if one_per_slot:
                # The rule of a slot, checked under its lock as bookings check a facilitator's hours.
                await session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:slot))"), {"slot": body.slot})
                taken = await session.scalar(select(func.count()).select_from(Seat).where(Seat.slot == body.slot))
                if taken:
                    raise Conflict("the slot is taken")
            seat = Seat(owner=owner, slot=body.slot, **claim.columns)
            session.add(seat)
            return seat

        seat, created = await create_once(session, Seat, Seat.owner == owner, key, body, create=make)
        if created:
            await session.commit()
        return seat.id, created


async def test_attempts_racing_with_one_key_make_one_row_and_all_answer_with_it(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    together = asyncio.Barrier(ATTEMPTS)
    body = SeatIn(slot="monday-10")

    answers = await asyncio.gather(
        *(_attempt(sessions, "ana", "retry-1", body, together=together) for _ in range(ATTEMPTS))
    )

    assert sorted(created for _, created in answers) == [False] * (ATTEMPTS - 1) + [True]
    assert len({id for id, _ in answers}) == 1
    assert await _seats(sessions, "ana") == 1


async def test_a_racing_attempt_refused_by_a_rule_the_first_one_broke_answers_with_its_row(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    together = asyncio.Barrier(ATTEMPTS)
    body = SeatIn(slot="tuesday-14")

    answers = await asyncio.gather(
        *(_attempt(sessions, "bea", "retry-2", body, together=together, one_per_slot=True) for _ in range(ATTEMPTS))
    )

    assert sorted(created for _, created in answers) == [False] * (ATTEMPTS - 1) + [True]
    assert len({id for id, _ in answers}) == 1
    assert await _seats(sessions, "bea") == 1


async def test_the_rule_still_refuses_another_caller(sessions: async_sessionmaker[AsyncSession]) -> None:
    await _attempt(sessions, "cai", "retry-3", SeatIn(slot="wednesday-9"), one_per_slot=True)

    with pytest.raises(Conflict):
        await _attempt(sessions, "dee", "retry-3", SeatIn(slot="wednesday-9"), one_per_slot=True)


async def test_a_key_is_its_callers_own_and_no_key_makes_a_row_each_time(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    body = SeatIn(slot="thursday-11")

    first, _ = await _attempt(sessions, "eve", "shared-key", body)
    someone_else, created = await _attempt(sessions, "fay", "shared-key", body)
    unkeyed = {(await _attempt(sessions, "eve", None, body))[0] for _ in range(2)}

    assert (created, someone_else != first) == (True, True)
    assert (len(unkeyed), first in unkeyed) == (2, False)
    assert await _seats(sessions, "eve") == 3


async def test_the_same_key_with_another_body_is_refused(sessions: async_sessionmaker[AsyncSession]) -> None:
    await _attempt(sessions, "gus", "retry-4", SeatIn(slot="friday-9"))

    with pytest.raises(IdempotencyKeyReused) as refused:
        await _attempt(sessions, "gus", "retry-4", SeatIn(slot="friday-10"))

    assert (refused.value.status, refused.value.code) == (409, "idempotency-key-reused")
    assert await _seats(sessions, "gus") == 1


def test_the_fingerprint_is_of_the_request_not_of_how_it_was_written() -> None:
    assert fingerprint(SeatIn.model_validate_json('{"slot": "a", "note": null}')) == fingerprint(
        SeatIn.model_validate_json('{"note": null, "slot": "a"}')
    )
    assert fingerprint(SeatIn(slot="a")) == fingerprint(SeatIn(slot="a", note=None))
    assert fingerprint(SeatIn(slot="a")) != fingerprint(SeatIn(slot="a", note="window seat"))


# --- the header ----------------------------------------------------------------------------------------


@pytest_asyncio.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    app = FastAPI()
    install_problem_handlers(app)

    @app.post("/seats")
    async def create(key: IdempotencyKey = None) -> dict[str, str | None]:
        return {"key": key}

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://kit") as client:
        yield client


async def test_a_printable_key_reaches_the_endpoint_and_none_is_none(client: httpx.AsyncClient) -> None:
    key = "order 7f3a-2031/spring:retry~1"

    sent = await client.post("/seats", headers={"Idempotency-Key": key})
    longest = await client.post("/seats", headers={"Idempotency-Key": "k" * MAX_KEY_LENGTH})
    absent = await client.post("/seats")

    assert sent.json() == {"key": key}
    assert longest.status_code == 200
    assert absent.json() == {"key": None}


@pytest.mark.parametrize(
    "key",
    [
        pytest.param(b"k" * (MAX_KEY_LENGTH + 1), id="too long"),
        pytest.param("clé-1".encode(), id="beyond ASCII"),
        pytest.param(b"key\x00one", id="NUL"),
        pytest.param(b"key\x01one", id="control character"),
        pytest.param(b"key\tone", id="tab"),
    ],
)
async def test_a_key_a_client_could_not_mean_is_a_problem_naming_the_header(
    client: httpx.AsyncClient, key: bytes
) -> None:
    response = await client.post("/seats", headers=[(b"Idempotency-Key", key)])

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert [e["loc"] for e in response.json()["errors"]] == [["header", "Idempotency-Key"]]

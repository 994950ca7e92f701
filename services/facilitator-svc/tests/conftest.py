"""facilitator-svc test fixtures: the service's schema migrated in the session's database, and per test
an app whose requests run inside one transaction that is rolled back, on a clock the test controls."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import pytest_asyncio
from asgi_lifespan import LifespanManager
from fastapi import APIRouter
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from facilitator_svc.cli import MIGRATIONS
from facilitator_svc.clock import current_time
from facilitator_svc.config import Settings
from facilitator_svc.main import create_app
from hlm_contracts import EmailAddress, EmailHashKey, email_hash
from hlm_kit import migrations
from hlm_kit.db import create_engine
from hlm_kit.testing.pytest_plugin import (
    TEST_JWT_AUDIENCE,
    TEST_JWT_ISSUER,
    TEST_JWT_SECRET,
    AuthHeaders,
    TestDatabase,
    rolled_back_session,
    share_session,
)

EMAIL_HASH_KEY = "facilitator-test-email-hash-key-0123456789"
REGION = "london"
# A Monday morning, far enough ahead that every date the tests use is in the future of the real clock
# too, and early in a month so that a test's sessions share one month.
T0 = datetime(2031, 3, 3, 8, 0, tzinfo=UTC)


def at_time(days: float, hour: int = 10, minute: int = 0) -> datetime:
    """A time ``days`` after T0's date, at ``hour:minute`` UTC."""
    return (T0 + timedelta(days=days)).replace(hour=hour, minute=minute)


At = Callable[..., datetime]


@pytest.fixture
def at() -> At:
    """``at(days, hour=10)``: a time that many days after the tests' T0 (a Monday), in UTC."""
    return at_time


@pytest_asyncio.fixture(scope="session")
async def database_url(test_database: TestDatabase) -> str:
    """The facilitator schema, migrated to head, reached as the facilitator_svc role."""
    url = test_database.url_for("facilitator_svc")
    await asyncio.to_thread(migrations.upgrade, MIGRATIONS, url)
    return url


def make_settings(database_url: str, amqp_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "environment": "test",
        "database_url": database_url,
        "amqp_url": amqp_url,
        "jwt_secret": TEST_JWT_SECRET,
        "jwt_issuer": TEST_JWT_ISSUER,
        "jwt_audience": TEST_JWT_AUDIENCE,
        "email_hash_key": EMAIL_HASH_KEY,
        "run_workers": False,
        "log_json": False,
        "log_level": "WARNING",
    }
    values.update(overrides)
    return Settings.model_validate(values)


@pytest.fixture(scope="session")
def settings(database_url: str, amqp_url: str) -> Settings:
    return make_settings(database_url, amqp_url)


@pytest_asyncio.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url, pool_size=5)
    yield engine
    await engine.dispose()


@pytest_asyncio.fixture
async def session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """A session inside a transaction rolled back after the test; the service's commits become
    savepoints, so a test sees its own writes and leaves nothing behind."""
    async with rolled_back_session(engine) as session:
        yield session


@dataclass
class Clock:
    now: datetime = T0

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@pytest.fixture
def clock() -> Clock:
    """The service's "now" in this test: T0 unless the test moves it."""
    return Clock()


@pytest_asyncio.fixture
async def client(settings: Settings, session: AsyncSession, clock: Clock) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client of the app, every request of the test sharing the rolled-back transaction."""
    app = create_app(settings)
    share_session(app, session)
    app.dependency_overrides[current_time] = lambda: clock.now
    async with (
        LifespanManager(app, startup_timeout=30, shutdown_timeout=30),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://facilitator-svc") as client,
    ):
        yield client


@pytest.fixture
def admin(auth: AuthHeaders) -> dict[str, str]:
    """The academy administrator of the London region."""
    return auth("academy_admin", sub="admin-1", org="ACADEMY", region=REGION)


@pytest.fixture
def participant(auth: AuthHeaders) -> dict[str, str]:
    """A participant who works for RX1 in London."""
    return auth("participant", sub="participant-1", org="RX1", region=REGION)


@pytest.fixture
def other_participant(auth: AuthHeaders) -> dict[str, str]:
    """A second participant, who works for RQ3 in London: someone else after the same slot."""
    return auth("participant", sub="participant-2", org="RQ3", region=REGION)


# The slots of a facilitator whose busy_until says otherwise than the occupying bookings lying on them
# at :now.
_SLOTS_DISAGREEING_WITH_BOOKINGS = text(
    """
    SELECT s.id FROM facilitator.slot s
    WHERE s.facilitator_id = :facilitator_id
      AND (s.busy_until > :now) IS DISTINCT FROM EXISTS (
        SELECT FROM facilitator.booking b
        WHERE b.facilitator_id = s.facilitator_id AND b.during && s.during
          AND (b.status IN ('confirmed', 'completed') OR (b.status = 'held' AND b.hold_expires_at > :now))
      )
    """
)


@dataclass
class SlotsView:
    """A facilitator's slots as the admin's list shows them, and as the database keeps them: a slot's
    ``busy_until`` must say what the bookings lying on it say, at any moment."""

    client: httpx.AsyncClient
    admin: dict[str, str]
    session: AsyncSession

    async def booked(self, facilitator_id: str) -> list[bool]:
        response = await self.client.get(f"/v1/facilitators/{facilitator_id}/slots", headers=self.admin)
        assert response.status_code == 200, response.text
        return [slot["is_booked"] for slot in response.json()["items"]]

    async def assert_agree_with_bookings(self, facilitator_id: str, *moments: datetime) -> None:
        for now in moments:
            query = {"facilitator_id": facilitator_id, "now": now}
            rows = (await self.session.execute(_SLOTS_DISAGREEING_WITH_BOOKINGS, query)).all()
            assert rows == [], f"slots that disagree with their bookings at {now}: {rows}"


@pytest.fixture
def slots_view(client: httpx.AsyncClient, admin: dict[str, str], session: AsyncSession) -> SlotsView:
    return SlotsView(client, admin, session)


_emails = itertools.count(1)


def facilitator_document(**overrides: Any) -> dict[str, Any]:
    """A valid facilitator of the London register (a new email each time), as an admin posts it."""
    n = next(_emails)
    document: dict[str, Any] = {
        "name": f"Facilitator {n:04d}",
        "email": f"facilitator{n}@academy.example.org",
        "organisation": "RYJ",
        "accreditation": {"level": "facilitator", "trained_on": "2029-06-01", "expires_on": "2032-06-01"},
        "capacity_per_month": 4,
        "modes": ["in_person", "video"],
        "languages": ["en"],
        "specialisms": [],
    }
    document.update(overrides)
    return document


AddFacilitator = Callable[..., Awaitable[dict[str, Any]]]


@pytest.fixture
def add_facilitator(client: httpx.AsyncClient, admin: dict[str, str]) -> AddFacilitator:
    """``await add_facilitator(slots=[at(7), ...], **fields)``: register one, with one-hour slots."""

    async def add(*, slots: list[datetime] = (), slot_modes: list[str] | None = None, **fields: Any) -> dict[str, Any]:
        response = await client.post("/v1/facilitators", json=facilitator_document(**fields), headers=admin)
        assert response.status_code == 201, response.text
        facilitator: dict[str, Any] = response.json()
        if slots:
            body = {
                "slots": [
                    {"starts_at": s.isoformat(), "ends_at": (s + timedelta(hours=1)).isoformat()}
                    | ({"modes": slot_modes} if slot_modes else {})
                    for s in slots
                ]
            }
            added = await client.post(f"/v1/facilitators/{facilitator['id']}/slots", json=body, headers=admin)
            assert added.status_code == 201, added.text
            facilitator["slots"] = added.json()["items"]
        else:
            facilitator["slots"] = []
        return facilitator

    return add


@pytest.fixture
def assert_problem() -> Callable[[httpx.Response, int], dict[str, Any]]:
    """Check that a response is an RFC 9457 problem with ``status``; return its body."""

    def check(response: httpx.Response, status: int) -> dict[str, Any]:
        assert response.status_code == status, response.text
        assert response.headers["content-type"].split(";")[0] == "application/problem+json"
        body: dict[str, Any] = response.json()
        assert body["status"] == status
        assert body["title"]
        return body

    return check


StoredState = Callable[[], Awaitable[dict[str, list[tuple[Any, ...]]]]]


@pytest.fixture
def stored_state(session: AsyncSession) -> StoredState:
    """Every row a request could write: compare before and after one that must change nothing."""

    async def state() -> dict[str, list[tuple[Any, ...]]]:
        queries = {
            "facilitators": "SELECT id, name, email, status, capacity_per_month, modes, updated_at"
            " FROM facilitator.facilitator",
            "slots": "SELECT id, facilitator_id, starts_at, ends_at FROM facilitator.slot",
            "bookings": "SELECT id, status, facilitator_id, starts_at, rating FROM facilitator.booking",
            "allocations": "SELECT id, status FROM facilitator.allocation",
            "outbox": "SELECT id, type, subject FROM facilitator.outbox_message",
            "courses": "SELECT id, capacity FROM facilitator.training_course",
            "enrolments": "SELECT id, status, attended, promoted_at FROM facilitator.training_enrolment",
            "assessments": "SELECT id, score FROM facilitator.elearning_assessment",
            "interests": "SELECT id FROM facilitator.trainer_interest",
            "publication": "SELECT id, is_listed, published_fields, session_kinds FROM facilitator.facilitator",
            "course_requests": "SELECT id, status, course_id, decline_reason FROM facilitator.course_request",
        }
        return {
            name: sorted((tuple(str(v) for v in row) for row in await session.execute(text(sql))), key=str)
            for name, sql in queries.items()
        }

    return state


@pytest.fixture
def outbox_events(session: AsyncSession) -> Callable[[str], Awaitable[list[dict[str, Any]]]]:
    """The envelopes written to the outbox about ``subject``, in order."""

    async def events(subject: str) -> list[dict[str, Any]]:
        statement = text("SELECT envelope FROM facilitator.outbox_message WHERE subject = :s ORDER BY id")
        return [row[0] for row in await session.execute(statement, {"s": subject})]

    return events


@pytest.fixture
def hash_of() -> Callable[[str], str]:
    """The keyed hash survey-svc sends for a rater's email, under the tests' shared key."""
    return lambda email: email_hash(EmailAddress(email), EmailHashKey(EMAIL_HASH_KEY))


@pytest.fixture
def new_facilitator() -> Callable[..., dict[str, Any]]:
    """``new_facilitator(**fields)``: a valid facilitator document with a fresh email."""
    return facilitator_document


# --- apps on their own connection pool, against committed data ------------------------------------


@pytest_asyncio.fixture
async def live_region(engine: AsyncEngine) -> AsyncIterator[str]:
    """A region of this test alone, for data that must be committed (concurrency, jobs, consumers):
    everything in it is deleted afterwards."""
    region = f"region-{uuid.uuid4().hex[:8]}"
    yield region
    async with engine.begin() as connection:
        ids = "SELECT id FROM facilitator.facilitator WHERE region = :r"
        bookings = f"SELECT id::text FROM facilitator.booking WHERE facilitator_id IN ({ids})"
        await connection.execute(
            text(f"DELETE FROM facilitator.outbox_message WHERE subject IN ({bookings})"), {"r": region}
        )
        await connection.execute(
            text(f"DELETE FROM facilitator.booking WHERE facilitator_id IN ({ids})"), {"r": region}
        )
        # Reminders and their events name the region's facilitators; course requests name the region and
        # point at its courses, so they go first.
        facilitators = "SELECT id::text FROM facilitator.facilitator WHERE region = :r"
        await connection.execute(
            text(f"DELETE FROM facilitator.outbox_message WHERE subject IN ({facilitators})"), {"r": region}
        )
        await connection.execute(
            text(f"DELETE FROM facilitator.accreditation_reminder WHERE facilitator_id IN ({ids})"), {"r": region}
        )
        requests = "SELECT id::text FROM facilitator.course_request WHERE region = :r"
        await connection.execute(
            text(f"DELETE FROM facilitator.outbox_message WHERE subject IN ({requests})"), {"r": region}
        )
        await connection.execute(text("DELETE FROM facilitator.course_request WHERE region = :r"), {"r": region})
        # Training: enrolments go with their courses; the course, interest and assessment rows name the region.
        await connection.execute(text("DELETE FROM facilitator.training_course WHERE region = :r"), {"r": region})
        await connection.execute(text("DELETE FROM facilitator.trainer_interest WHERE region = :r"), {"r": region})
        await connection.execute(text("DELETE FROM facilitator.elearning_assessment WHERE region = :r"), {"r": region})
        await connection.execute(text("DELETE FROM facilitator.allocation WHERE region = :r"), {"r": region})
        await connection.execute(text("DELETE FROM facilitator.facilitator WHERE region = :r"), {"r": region})


LiveClient = Callable[..., contextlib.AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
def live_client(database_url: str, amqp_url: str) -> LiveClient:
    """``async with live_client(**settings) as client``: the app with its real sessionmaker (each request
    its own transaction and connection), started and stopped with its lifespan; ``routers`` are added
    to the app's own."""

    @contextlib.asynccontextmanager
    async def start(
        clock: Clock | None = None, routers: Sequence[APIRouter] = (), **overrides: object
    ) -> AsyncIterator[httpx.AsyncClient]:
        app = create_app(make_settings(database_url, amqp_url, **overrides))
        for router in routers:
            app.include_router(router)
        if clock is not None:
            app.dependency_overrides[current_time] = lambda: clock.now
        async with (
            LifespanManager(app, startup_timeout=30, shutdown_timeout=30),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://facilitator-svc", timeout=60
            ) as client,
        ):
            yield client

    return start

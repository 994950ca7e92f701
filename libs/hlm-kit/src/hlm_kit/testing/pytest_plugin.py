"""The repository-wide pytest plugin: a real PostgreSQL and a real RabbitMQ, isolated per test.

Servers come from ``HLM_TEST_DATABASE_URL`` / ``HLM_TEST_AMQP_URL`` when set, else from testcontainers
when a Docker engine answers, else from the local servers (127.0.0.1:5432 and :5672). Every test
session gets its own database, bootstrapped like production (a role and schema per service); every
test that touches the broker gets its own exchanges and queue names, deleted afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import aio_pika
import asyncpg
import pytest
import pytest_asyncio
import structlog
from fastapi import FastAPI, Request
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from hlm_contracts.topology import CONSUMER_QUEUES, ConsumerQueue
from hlm_kit import migrations
from hlm_kit.bootstrap import bootstrap, service_url
from hlm_kit.db import (
    READ_METHODS,
    DriverUnit,
    get_driver_unit,
    get_read_only_session,
    get_session,
    get_sessionmaker,
    get_write_session,
    mark_reading,
    refuse_writes_while_reading,
    request_transaction,
    to_plain_url,
)
from hlm_kit.messaging.topology import Topology
from hlm_kit.tokens import mint_token
from hlm_kit.tracing import configure_tracing


def _configure_hypothesis() -> None:
    # CI explores the same examples on every run, so a red build always reproduces; developers' runs
    # keep drawing fresh ones, which is where new counterexamples are found.
    try:
        from hypothesis import settings
    except ImportError:
        return
    settings.register_profile("ci", derandomize=True, print_blob=True)
    if os.environ.get("CI"):
        settings.load_profile("ci")


_configure_hypothesis()

LOCAL_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
LOCAL_RABBITMQ = "amqp://guest:guest@127.0.0.1:5672/"


def _docker_available() -> bool:
    try:
        import docker  # type: ignore[import-untyped]

        client = docker.from_env(timeout=3)
    except Exception:
        return False
    try:
        return bool(client.ping())
    except Exception:
        return False
    finally:
        client.close()


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    """An administrator URL of a real PostgreSQL server."""
    if url := os.environ.get("HLM_TEST_DATABASE_URL"):
        yield url
    elif _docker_available():
        from testcontainers.postgres import PostgresContainer

        with PostgresContainer("postgres:16-alpine", driver=None) as container:
            yield container.get_connection_url()
    else:
        yield LOCAL_POSTGRES


@pytest.fixture(scope="session")
def amqp_url() -> Iterator[str]:
    """The URL of a real RabbitMQ server."""
    if url := os.environ.get("HLM_TEST_AMQP_URL"):
        yield url
    elif _docker_available():
        from testcontainers.rabbitmq import RabbitMqContainer

        with RabbitMqContainer("rabbitmq:3.13-alpine") as container:
            params = container.get_connection_params()
            yield f"amqp://guest:guest@{params.host}:{params.port}/"
    else:
        yield LOCAL_RABBITMQ


@dataclass(frozen=True)
class TestDatabase:
    """A database made for this test session, bootstrapped with every service's role and schema."""

    __test__ = False  # a fixture value, not a test class

    admin_url: str
    name: str

    def url_for(self, role: str) -> str:
        """The asyncpg URL a service connecting as ``role`` uses."""
        return service_url(self.admin_url, self.name, role)

    @property
    def admin_database_url(self) -> str:
        return service_url(self.admin_url, self.name, _admin_user(self.admin_url)).replace(
            "postgresql+asyncpg://", "postgresql://"
        )


def _admin_user(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).username or "postgres"


@pytest_asyncio.fixture(scope="session")
async def test_database(postgres_admin_url: str) -> AsyncIterator[TestDatabase]:
    """A fresh database for the session, dropped at the end."""
    name = f"hlm_test_{uuid.uuid4().hex[:12]}"
    await bootstrap(postgres_admin_url, name)
    yield TestDatabase(postgres_admin_url, name)
    admin = await asyncpg.connect(to_plain_url(postgres_admin_url))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest_asyncio.fixture
async def topology(amqp_url: str) -> AsyncIterator[Topology]:
    """Exchanges and queue names of this test alone; every consumer queue is deleted afterwards."""
    tag = uuid.uuid4().hex[:10]
    names = Topology(f"test.{tag}.events", f"test.{tag}.dlx", f"test.{tag}.")
    yield names
    await delete_topology(amqp_url, names, CONSUMER_QUEUES)


async def delete_topology(amqp_url: str, topology: Topology, queues: Iterable[ConsumerQueue]) -> None:
    """Delete the queues (and their dead-letter queues) and the exchanges of ``topology``."""
    connection = await aio_pika.connect(amqp_url)
    try:
        channel = await connection.channel()
        for queue in queues:
            for name in (topology.queue_name(queue), topology.dead_letter_queue_name(queue)):
                with contextlib.suppress(Exception):
                    await channel.queue_delete(name)
        for exchange in (topology.events_exchange, topology.dead_letter_exchange):
            with contextlib.suppress(Exception):
                await channel.exchange_delete(exchange)
    finally:
        await connection.close()


async def wait_for(condition, *, timeout_s: float = 15.0, interval_s: float = 0.05):  # type: ignore[no-untyped-def]
    """Poll ``condition`` (a function returning a value, or an awaitable of one) until the value is
    truthy (returned), or fail after ``timeout_s``."""
    async with asyncio.timeout(timeout_s):
        while True:
            value = condition()
            if inspect.isawaitable(value):
                value = await value
            if value:
                return value
            await asyncio.sleep(interval_s)


@pytest.fixture(autouse=True)
def _logging_as_found() -> Iterator[None]:
    """Logging is configured for the whole process (``hlm_kit.observability.configure_logging``), and every
    app a test starts configures it again, at its own level: a test that starts an app logging only what
    is critical would otherwise leave the next test's ``structlog.testing.capture_logs`` seeing nothing.
    Each test leaves it as the test found it."""
    found = structlog.get_config()
    yield
    structlog.configure(**found)


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    """Every span that ends during the test (``spans.get_finished_spans()``), from the process's own
    tracer provider, as a service configures it."""
    configure_tracing("hlm-test")
    provider = trace.get_tracer_provider()
    assert isinstance(provider, TracerProvider)
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    yield exporter
    # A provider cannot drop a processor; a stopped exporter makes this one keep nothing from now on.
    exporter.shutdown()


# Every service under test verifies tokens with these; `auth` mints them.
TEST_JWT_SECRET = "hlm-test-signing-secret-0123456789abcdef"
TEST_JWT_ISSUER = "hlm-test"
TEST_JWT_AUDIENCE = "hlm-platform"

AuthHeaders = Callable[..., dict[str, str]]


@pytest.fixture
def auth() -> AuthHeaders:
    """``auth("academy_admin", sub=..., org=..., region=...)``: an Authorization header for those roles.
    ``email=...`` adds a verified email address (``email_verified=False``: the same address, unverified)."""

    def make(
        *roles: str,
        sub: str = "user-1",
        org: str = "RX1",
        region: str = "london",
        email: str | None = None,
        email_verified: bool = True,
    ) -> dict[str, str]:
        token = mint_token(
            TEST_JWT_SECRET,
            sub=sub,
            roles=roles,
            org=org,
            region=region,
            email=email,
            email_verified=email_verified,
            issuer=TEST_JWT_ISSUER,
            audience=TEST_JWT_AUDIENCE,
        )
        return {"Authorization": f"Bearer {token}"}

    return make


async def migrated_service_database(test_database: TestDatabase, role: str, migrations_dir: Path) -> str:
    """Migrate one service's schema in the session's database; return the URL the service connects with."""
    url = test_database.url_for(role)
    await asyncio.to_thread(migrations.upgrade, migrations_dir, url)
    return url


@contextlib.asynccontextmanager
async def rolled_back_session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """A session inside a transaction that is rolled back at exit. The service's own commits become
    savepoints, so a test sees its writes and leaves nothing behind."""
    async with engine.connect() as connection:
        transaction = await connection.begin()
        session = AsyncSession(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
        try:
            yield session
        finally:
            await session.close()
            await transaction.rollback()


def share_session(app: FastAPI, session: AsyncSession) -> None:
    """Make every request of ``app`` use ``session``, as :func:`hlm_kit.db.get_session` does in production:
    a request that returns commits (a savepoint of the test's transaction), one that raises rolls back, so
    a rejected write leaves nothing visible to the test's next request, while a write the request kept
    (:func:`hlm_kit.db.keep`) stands, as in production. A GET or HEAD request's session refuses writes
    as production's does (:class:`hlm_kit.db.WriteInRead`), so a read that writes fails its tests unless
    it takes :data:`hlm_kit.db.WriteSession`; so does the session of any request taking
    :data:`hlm_kit.db.ReadOnlySession`. A unit of work an endpoint opens itself
    (:data:`hlm_kit.db.Sessionmaker`) lands in the test's transaction too, and so does a route's unit of
    work on the driver's connection (:class:`hlm_kit.db.RequestDriverUnit`), its statement a savepoint of it
    on the same connection."""
    connection = session.bind
    assert isinstance(connection, AsyncConnection), "a shared session is bound to the test's connection"
    refuse_writes_while_reading(connection)

    async def shared_session(request: Request) -> AsyncIterator[AsyncSession]:
        if request.method not in READ_METHODS:
            async with request_transaction(session):
                yield session
            return
        async with reading() as read:
            yield read

    async def shared_read_only_session() -> AsyncIterator[AsyncSession]:
        async with reading() as read:
            yield read

    @contextlib.asynccontextmanager
    async def reading() -> AsyncIterator[AsyncSession]:
        await mark_reading(connection)
        try:
            async with request_transaction(session, writable=lambda _: mark_reading(connection, False)):
                yield session
        finally:
            await mark_reading(connection, False)

    async def shared_write_session() -> AsyncIterator[AsyncSession]:
        async with request_transaction(session):
            yield session

    async def shared_driver_unit(request: Request) -> AsyncIterator[DriverUnit]:
        pooled = await connection.get_raw_connection()
        driver = cast(asyncpg.Connection, pooled.driver_connection)
        if not driver.is_in_transaction():
            # SQLAlchemy sends the test's BEGIN with the connection's first statement: the unit's statement
            # is to be a savepoint of that transaction, never one that would commit.
            await connection.exec_driver_sql("SELECT 1")
        yield DriverUnit(driver, connection.dialect, savepoint=True)

    own_transactions = async_sessionmaker(
        bind=session.bind, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    app.dependency_overrides[get_session] = shared_session
    app.dependency_overrides[get_read_only_session] = shared_read_only_session
    app.dependency_overrides[get_write_session] = shared_write_session
    app.dependency_overrides[get_driver_unit] = shared_driver_unit
    app.dependency_overrides[get_sessionmaker] = lambda: own_transactions

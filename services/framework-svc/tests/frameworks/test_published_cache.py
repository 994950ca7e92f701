"""Every process serves framework versions from memory, and no process serves one that was replaced.

Two instances of the service share the real database with committed writes, as two replicas do: an
administrator publishes or retires through one, participants read through the other. The reader must
serve the change as soon as it is committed (PostgreSQL's notification reaching it), must answer a
repeated read and a conditional read from memory (no statement reaches the database), and must go back
to the database whenever it cannot hear of changes.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import httpx
import pytest_asyncio
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from sqlalchemy import event

from framework_svc.config import Settings
from framework_svc.frameworks.published import APPLICATION_NAME, CHANNEL, PublishedFrameworks
from framework_svc.main import create_app
from hlm_kit.db import to_plain_url

WAIT_S = 15.0  # how long a notification may take to arrive on a loaded machine before the test gives up


@dataclass
class Replica:
    """One running instance of the service, with a count of the statements it sent to the database."""

    app: FastAPI
    client: httpx.AsyncClient
    statements: list[str] = field(default_factory=list)
    heard: list[str] = field(default_factory=list)
    """The payloads of the notifications this instance has acted on, in the order it acted on them."""

    @property
    def published(self) -> PublishedFrameworks:
        cache: PublishedFrameworks = self.app.state.published_frameworks
        return cache

    async def get(self, path: str, headers: dict[str, str]) -> tuple[httpx.Response, int]:
        """The response, and how many statements this instance sent to the database to answer it."""
        before = len(self.statements)
        response = await self.client.get(path, headers=headers)
        return response, len(self.statements) - before


async def _until(condition: Callable[[], Awaitable[bool]], what: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT_S
    while not await condition():
        assert loop.time() < deadline, f"not within {WAIT_S:.0f} s: {what}"
        await asyncio.sleep(0.05)


@contextlib.asynccontextmanager
async def _replica(settings: Settings) -> AsyncIterator[Replica]:
    app = create_app(settings)
    published: PublishedFrameworks = app.state.published_frameworks
    heard: list[str] = []
    act_on_notification = published._notified

    def _notified(*args: Any) -> None:
        act_on_notification(*args)
        heard.append(args[-1])  # asyncpg calls with (connection, pid, channel, payload)

    published._notified = _notified  # type: ignore[method-assign]
    async with (
        LifespanManager(app, startup_timeout=30, shutdown_timeout=30),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://framework-svc") as client,
    ):
        replica = Replica(app, client, heard=heard)
        event.listen(
            app.state.engine.sync_engine,
            "before_cursor_execute",
            lambda _conn, _cursor, statement, *_: replica.statements.append(statement),
        )

        async def listening() -> bool:
            return replica.published.listening

        await _until(listening, "the instance listens for changes")
        yield replica


async def _until_heard(replica: Replica, database_url: str) -> None:
    """Waits until ``replica`` has acted on every change committed so far.

    A notification of a publish is delivered some time after the publish's response; until it has
    arrived, a read may fill the memory only for the notification to empty it again. PostgreSQL delivers
    notifications in the order their transactions committed, so once a marker sent now has been acted on,
    so has everything committed before it.
    """
    marker = f"test-marker-{uuid.uuid4().hex}"
    connection = await asyncpg.connect(to_plain_url(database_url))
    try:
        await connection.execute("SELECT pg_notify($1, $2)", CHANNEL, marker)
    finally:
        await connection.close()

    async def heard_the_marker() -> bool:
        return marker in replica.heard

    await _until(heard_the_marker, "the instance hears of every committed change")


@pytest_asyncio.fixture
async def key(database_url: str, catalogue: list[str]) -> AsyncIterator[str]:
    """A framework key of this test's own; its committed rows are deleted afterwards."""
    key = f"test-cache-{uuid.uuid4().hex[:8]}"
    yield key
    connection = await asyncpg.connect(to_plain_url(database_url))
    try:
        await connection.execute("DELETE FROM framework.framework WHERE key = $1", key)
    finally:
        await connection.close()


@pytest_asyncio.fixture
async def replicas(settings: Settings) -> AsyncIterator[tuple[Replica, Replica]]:
    """The writer (where the administrator acts) and the reader (where participants read)."""
    async with _replica(settings) as writer, _replica(settings) as reader:
        yield writer, reader


async def _publish(writer: Replica, admin: dict[str, str], document: dict[str, Any], number: int) -> None:
    created = await writer.client.post("/v1/frameworks", json={**document, "version": number}, headers=admin)
    assert created.status_code == 201, created.text
    published = await writer.client.post(f"/v1/frameworks/{document['key']}/versions/{number}/publish", headers=admin)
    assert published.status_code == 200, published.text


def _document(framework_document: dict[str, Any], key: str) -> dict[str, Any]:
    document = copy.deepcopy(framework_document)
    document["key"] = key
    return document


async def test_a_version_published_through_one_instance_is_served_by_the_other(
    replicas: tuple[Replica, Replica],
    key: str,
    database_url: str,
    framework_document: dict[str, Any],
    admin: dict[str, str],
    participant: dict[str, str],
) -> None:
    writer, reader = replicas
    document = _document(framework_document, key)
    await _publish(writer, admin, document, 1)
    await _until_heard(reader, database_url)

    first, _ = await reader.get(f"/v1/frameworks/{key}", participant)
    assert first.json()["version"] == 1
    etag = first.headers["etag"]
    again, statements = await reader.get(f"/v1/frameworks/{key}", participant)
    assert (again.status_code, again.content, again.headers["etag"], statements) == (200, first.content, etag, 0)
    unchanged, statements = await reader.get(f"/v1/frameworks/{key}", {**participant, "If-None-Match": etag})
    assert (unchanged.status_code, unchanged.content, unchanged.headers["etag"], statements) == (304, b"", etag, 0)

    document["name"] = "Test framework, second edition"
    await _publish(writer, admin, document, 2)

    async def serves_version_2() -> bool:
        response, _ = await reader.get(f"/v1/frameworks/{key}", participant)
        return bool(response.json()["version"] == 2)

    await _until(serves_version_2, "the reader serves the version published through the writer")
    latest, _ = await reader.get(f"/v1/frameworks/{key}", {**participant, "If-None-Match": etag})
    assert latest.status_code == 200
    assert latest.json()["name"] == "Test framework, second edition"
    assert latest.headers["etag"] != etag
    version_1, _ = await reader.get(f"/v1/frameworks/{key}?version=1", {**participant, "If-None-Match": etag})
    assert (version_1.status_code, version_1.headers["etag"]) == (304, etag)  # a published version never changes


async def test_a_version_retired_through_one_instance_leaves_the_other(
    replicas: tuple[Replica, Replica],
    key: str,
    database_url: str,
    framework_document: dict[str, Any],
    admin: dict[str, str],
    participant: dict[str, str],
) -> None:
    writer, reader = replicas
    await _publish(writer, admin, _document(framework_document, key), 1)
    await _until_heard(reader, database_url)
    assert (await reader.get(f"/v1/frameworks/{key}", participant))[0].status_code == 200
    as_published, _ = await reader.get(f"/v1/frameworks/{key}?version=1", participant)
    assert as_published.json()["status"] == "published"
    assert (await reader.get(f"/v1/frameworks/{key}", participant))[1] == 0  # from memory

    retired = await writer.client.post(f"/v1/frameworks/{key}/versions/1/retire", headers=admin)
    assert retired.status_code == 200, retired.text

    async def answers_404() -> bool:
        return (await reader.get(f"/v1/frameworks/{key}", participant))[0].status_code == 404

    await _until(answers_404, "the reader stops serving the retired version as the latest")
    problem = (await reader.get(f"/v1/frameworks/{key}", participant))[0]
    assert problem.headers["content-type"].startswith("application/problem+json")
    version_1, _ = await reader.get(f"/v1/frameworks/{key}?version=1", participant)
    assert version_1.json()["status"] == "retired"
    assert version_1.headers["etag"] != as_published.headers["etag"]
    listed = (await reader.get("/v1/frameworks?limit=100", participant))[0].json()
    assert key not in [item["key"] for item in listed["items"]]


async def test_an_instance_that_cannot_hear_of_changes_reads_them_from_the_database(
    replicas: tuple[Replica, Replica],
    key: str,
    database_url: str,
    framework_document: dict[str, Any],
    admin: dict[str, str],
    participant: dict[str, str],
) -> None:
    writer, reader = replicas
    document = _document(framework_document, key)
    await _publish(writer, admin, document, 1)
    await _until_heard(reader, database_url)
    await reader.get(f"/v1/frameworks/{key}", participant)
    assert (await reader.get(f"/v1/frameworks/{key}", participant))[1] == 0

    # The listening connections are cut (a database failover, a proxy's idle timeout).
    connection = await asyncpg.connect(to_plain_url(database_url))
    try:
        cut = await connection.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE application_name = $1 AND datname = current_database()",
            APPLICATION_NAME,
        )
    finally:
        await connection.close()
    assert cut >= 2

    async def reads_the_database() -> bool:
        return (await reader.get(f"/v1/frameworks/{key}", participant))[1] > 0

    await _until(reads_the_database, "the reader notices that it no longer hears of changes")
    document["name"] = "Published while the reader was deaf"
    await _publish(writer, admin, document, 2)
    latest, _ = await reader.get(f"/v1/frameworks/{key}", participant)
    assert latest.json()["name"] == "Published while the reader was deaf"

    async def listens_again() -> bool:
        return reader.published.listening

    await _until(listens_again, "the reader listens again")
    await _until_heard(reader, database_url)
    await reader.get(f"/v1/frameworks/{key}", participant)
    again, statements = await reader.get(f"/v1/frameworks/{key}", participant)
    assert (again.json()["version"], statements) == (2, 0)


async def test_the_publisher_serves_its_own_change_at_once(
    replicas: tuple[Replica, Replica],
    key: str,
    framework_document: dict[str, Any],
    admin: dict[str, str],
    participant: dict[str, str],
) -> None:
    writer, _ = replicas
    document = _document(framework_document, key)
    await _publish(writer, admin, document, 1)
    assert (await writer.get(f"/v1/frameworks/{key}", participant))[0].json()["version"] == 1
    await _publish(writer, admin, document, 2)
    # No waiting: the administrator's next read, through the same instance, sees what they published.
    assert (await writer.get(f"/v1/frameworks/{key}", participant))[0].json()["version"] == 2

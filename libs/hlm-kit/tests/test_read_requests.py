"""A GET or HEAD request reads without a transaction: its session sends no BEGIN and no COMMIT, takes its
connection from the service's one pool, and refuses to write, since nothing would roll a write back. A read
that writes says so (``WriteSession``) and keeps its transaction; a write a read keeps (``keep``) stands. A
request of another method that only reads says so too (``ReadOnlySession``) and is served as a GET is."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
from fastapi import APIRouter, FastAPI
from sqlalchemy import Column, MetaData, Table, Text, bindparam, event, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.pool import Pool

from hlm_kit.db import DriverStatement, ReadOnlySession, Session, WriteInRead, WriteSession, hold_lock, keep
from hlm_kit.errors import Conflict
from hlm_kit.testing.messaging import MessagingSchema
from hlm_kit.testing.pytest_plugin import rolled_back_session, share_session

from .conftest import ServeApp


def entries_router(entries: Table) -> APIRouter:
    class Base(DeclarativeBase):
        pass

    class Entry(Base):
        __table__ = entries

    router = APIRouter()

    async def write(session: AsyncSession, how: str, label: str) -> None:
        if how == "orm":
            session.add(Entry(label=label))
            await session.flush()
        elif how == "core":
            await session.execute(insert(entries).values(label=label))
        elif how == "connection":
            await (await session.connection()).execute(update(entries).values(label=label))
        elif how == "text":
            await session.execute(text(f'INSERT INTO "{entries.schema}".read_entry VALUES (:label)'), {"label": label})
        elif how == "driver":  # compiled once and sent as the driver's SQL
            await DriverStatement(insert(entries).values(label=bindparam("label"))).execute(session, {"label": label})
        elif how == "lock":
            await hold_lock(session, f"read-requests {label}")
        elif how == "after-commit":  # a read that ends its transaction early reads on, guarded
            await session.commit()
            await write(session, "core", label)

    @router.get("/entries")
    async def listed(session: Session) -> list[str]:
        return list(await session.scalars(select(entries.c.label).order_by(entries.c.label)))

    @router.get("/entries/count")
    async def counted(session: Session) -> int:
        return int((await session.execute(text(f'SELECT count(*) FROM "{entries.schema}".read_entry'))).scalar_one())

    @router.get("/entries/via-connection")
    async def listed_on_the_connection(session: Session) -> list[str]:
        connection = await session.connection()  # Core without the ORM's handling of results
        return list(await connection.scalars(select(entries.c.label).order_by(entries.c.label)))

    @router.get("/entries/via-driver")
    async def listed_as_the_drivers(session: Session) -> list[str]:
        selected = DriverStatement(select(entries.c.label).order_by(entries.c.label))
        return list((await selected.execute(session, {})).scalars())

    @router.post("/entries-search")
    async def searched(session: ReadOnlySession) -> list[str]:
        return list(await session.scalars(select(entries.c.label).order_by(entries.c.label)))

    @router.post("/entries-search/{label}/written/{how}")
    async def written_in_a_search(session: ReadOnlySession, label: str, how: str) -> dict[str, str]:
        try:
            await write(session, how, label)
        except WriteInRead as refused:
            await session.rollback()
            return {"refused": str(refused)}
        return {"refused": ""}

    @router.post("/entries-search/{label}/kept-then-refused")
    async def search_kept_then_refused(session: ReadOnlySession, label: str) -> None:
        await session.scalars(select(entries.c.label))
        keep(session, lambda own: own.execute(insert(entries).values(label=f"{label}-kept")))
        raise Conflict("refused, and what was kept still stands")

    @router.post("/entries/{label}", status_code=201)
    async def add(session: Session, label: str) -> None:
        await write(session, "core", label)

    @router.get("/entries/{label}/written/{how}")
    async def written_in_a_read(session: Session, label: str, how: str) -> dict[str, str]:
        try:
            await write(session, how, label)
        except WriteInRead as refused:
            await session.rollback()
            return {"refused": str(refused)}
        return {"refused": ""}

    @router.get("/entries/{label}/unguarded")
    async def unguarded(session: Session, label: str) -> None:
        await write(session, "orm", label)

    @router.get("/entries/{label}/write-session", status_code=201)
    async def written_by_a_read_that_says_so(session: WriteSession, label: str) -> None:
        await write(session, "orm", label)

    @router.get("/entries/{label}/write-session-refused")
    async def refused_after_writing(session: WriteSession, label: str) -> None:
        await write(session, "core", label)
        raise Conflict("refused: what this request wrote is rolled back")

    @router.get("/entries/{label}/kept")
    async def kept(session: Session, label: str) -> list[str]:
        keep(session, lambda own: own.execute(insert(entries).values(label=f"{label}-kept")))
        return list(await session.scalars(select(entries.c.label)))

    @router.get("/entries/{label}/kept-then-refused")
    async def kept_then_refused(session: Session, label: str) -> None:
        await session.scalars(select(entries.c.label))
        keep(session, lambda own: own.execute(insert(entries).values(label=f"{label}-kept")))
        raise Conflict("refused, and what was kept still stands")

    return router


@pytest_asyncio.fixture
async def entries(kit_schema: MessagingSchema) -> Table:
    schema = kit_schema.metadata.schema
    assert schema is not None
    async with kit_schema.engine.begin() as connection:
        await connection.execute(text(f'CREATE TABLE "{schema}".read_entry (label text PRIMARY KEY)'))
    return Table("read_entry", MetaData(schema=schema), Column("label", Text, primary_key=True))


@pytest_asyncio.fixture
async def app(serve_app: ServeApp, entries: Table) -> AsyncIterator[FastAPI]:
    async with serve_app("read-requests-test", [entries_router(entries)], db_pool_size=2) as app:
        yield app


@pytest.fixture
def stored(kit_schema: MessagingSchema, entries: Table) -> Callable[[], Any]:
    async def labels() -> list[str]:
        async with kit_schema.engine.connect() as connection:
            return sorted(await connection.scalars(select(entries.c.label)))

    return labels


async def _logged() -> None:
    """Let asyncpg hand its query loggers what was sent: it calls them on the event loop's next turn."""
    await asyncio.sleep(0)


@pytest.fixture
def transaction_statements(app: FastAPI) -> Iterator[list[str]]:
    """Every BEGIN, COMMIT and ROLLBACK the app's connections send, as the server receives them."""
    sent: list[str] = []

    def log(query: Any) -> None:
        if query.query.split(None, 1)[0].rstrip(";").upper() in {"BEGIN", "COMMIT", "ROLLBACK"}:
            sent.append(query.query.split(None, 1)[0].rstrip(";").upper())

    def on_checkout(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        if not record.info.get("logged"):
            dbapi_connection.driver_connection.add_query_logger(log)
            record.info["logged"] = True

    pool = app.state.engine.sync_engine
    event.listen(pool, "checkout", on_checkout)
    yield sent
    event.remove(pool, "checkout", on_checkout)


async def test_a_read_sends_no_begin_and_no_commit(
    client: httpx.AsyncClient, transaction_statements: list[str]
) -> None:
    assert (await client.post("/entries/a")).status_code == 201
    await _logged()
    assert transaction_statements == ["BEGIN", "COMMIT"]
    transaction_statements.clear()

    response = await client.get("/entries")
    counted = await client.get("/entries/count")  # textual SQL that selects reads too
    on_the_connection = await client.get("/entries/via-connection")
    as_the_drivers = await client.get("/entries/via-driver")  # a compiled select sent as the driver's SQL

    assert response.status_code == 200, response.text
    assert response.json() == ["a"]
    assert counted.json() == 1
    assert on_the_connection.json() == ["a"]
    assert as_the_drivers.json() == ["a"]
    await _logged()
    assert transaction_statements == []


async def test_a_post_that_only_reads_sends_no_begin_and_no_commit(
    client: httpx.AsyncClient, transaction_statements: list[str]
) -> None:
    assert (await client.post("/entries/a")).status_code == 201
    await _logged()
    transaction_statements.clear()

    response = await client.post("/entries-search")

    assert response.status_code == 200, response.text
    assert response.json() == ["a"]
    await _logged()
    assert transaction_statements == []


@pytest.mark.parametrize("how", ["orm", "core", "connection", "text", "driver", "lock", "after-commit"])
async def test_a_post_that_only_reads_is_refused_a_write_as_a_get_is(
    client: httpx.AsyncClient, stored: Callable[[], Any], how: str
) -> None:
    assert (await client.post("/entries/before")).status_code == 201

    response = await client.post(f"/entries-search/b/written/{how}")

    assert response.status_code == 200, response.text
    refusal = response.json()["refused"]
    assert "hlm_kit.db.ReadOnlySession" in refusal
    assert "hlm_kit.db.WriteSession" in refusal
    assert await stored() == ["before"]


async def test_a_write_a_post_that_only_reads_keeps_outlives_its_refusal(
    client: httpx.AsyncClient, stored: Callable[[], Any]
) -> None:
    response = await client.post("/entries-search/f/kept-then-refused")

    assert response.status_code == 409
    assert await stored() == ["f-kept"]
    refused = await client.post("/entries-search/g/written/core")
    assert refused.json()["refused"]
    assert await stored() == ["f-kept"]


@pytest.mark.parametrize("how", ["orm", "core", "connection", "text", "driver", "lock", "after-commit"])
async def test_a_read_that_writes_is_refused_before_the_database_sees_it(
    client: httpx.AsyncClient, stored: Callable[[], Any], how: str
) -> None:
    assert (await client.post("/entries/before")).status_code == 201

    response = await client.get(f"/entries/b/written/{how}")

    assert response.status_code == 200, response.text
    refusal = response.json()["refused"]
    assert "GET or HEAD request reads" in refusal
    assert "hlm_kit.db.WriteSession" in refusal
    assert await stored() == ["before"]


async def test_a_read_that_says_it_writes_writes_in_a_transaction(
    client: httpx.AsyncClient, stored: Callable[[], Any], transaction_statements: list[str]
) -> None:
    response = await client.get("/entries/c/write-session")

    assert response.status_code == 201, response.text
    assert await stored() == ["c"]
    await _logged()
    assert transaction_statements == ["BEGIN", "COMMIT"]


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/entries/m/unguarded", 500),  # a write the read lets through is the server's error
        ("/entries/d/write-session-refused", 409),  # a read that says it writes, then refuses
    ],
)
async def test_a_read_whose_write_fails_leaves_nothing(
    client: httpx.AsyncClient, stored: Callable[[], Any], path: str, status: int
) -> None:
    response = await client.get(path)

    assert response.status_code == status, response.text
    assert await stored() == []
    assert (await client.post("/entries/n")).status_code == 201  # the pool serves on
    assert (await client.get("/entries")).json() == ["n"]


async def test_a_write_a_read_keeps_stands_after_the_read(
    client: httpx.AsyncClient, stored: Callable[[], Any], transaction_statements: list[str]
) -> None:
    response = await client.get("/entries/e/kept")

    assert response.status_code == 200, response.text
    assert response.json() == []  # read before the kept write
    assert await stored() == ["e-kept"]
    # Only the kept write pays for a transaction.
    await _logged()
    assert [s for s in transaction_statements if s != "ROLLBACK"] == ["BEGIN", "COMMIT"]


async def test_a_write_a_read_keeps_outlives_its_refusal(client: httpx.AsyncClient, stored: Callable[[], Any]) -> None:
    response = await client.get("/entries/f/kept-then-refused")

    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert await stored() == ["f-kept"]
    # The connection is back in the pool as a read's again: the next read is still guarded.
    refused = await client.get("/entries/g/written/core")
    assert refused.json()["refused"]
    assert await stored() == ["f-kept"]


async def test_reads_and_writes_share_the_one_pool(app: FastAPI, client: httpx.AsyncClient) -> None:
    engine = app.state.engine
    await engine.dispose()  # a pool of no connections yet
    made: list[object] = []

    def on_connect(dbapi_connection: Any, record: Any) -> None:
        made.append(dbapi_connection)

    event.listen(Pool, "connect", on_connect)  # every pool of the process, any other the reads might use
    try:
        for n in range(4):
            assert (await client.post(f"/entries/h{n}")).status_code == 201
            assert (await client.get("/entries")).status_code == 200
    finally:
        event.remove(Pool, "connect", on_connect)

    assert len(made) == 1
    assert engine.pool.checkedin() == 1
    assert engine.pool.checkedout() == 0


async def test_the_tests_shared_session_refuses_a_reads_write_as_production_does(
    app: FastAPI, kit_schema: MessagingSchema, stored: Callable[[], Any]
) -> None:
    async with rolled_back_session(kit_schema.engine) as session:
        share_session(app, session)
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        try:
            async with httpx.AsyncClient(transport=transport, base_url="http://kit") as client:
                assert (await client.post("/entries/i")).status_code == 201
                refused = await client.get("/entries/j/written/orm")
                assert refused.json()["refused"]
                assert (await client.post("/entries-search/j/written/core")).json()["refused"]
                assert (await client.post("/entries-search")).json() == ["i"]
                assert (await client.get("/entries/k/kept-then-refused")).status_code == 409
                assert (await client.get("/entries/l/write-session")).status_code == 201
                assert (await client.get("/entries")).json() == ["i", "k-kept", "l"]
        finally:
            app.dependency_overrides.clear()
    assert await stored() == []  # all of it in the test's transaction, rolled back

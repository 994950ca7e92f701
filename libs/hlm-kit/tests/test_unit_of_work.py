"""The request owns the transaction: services add and flush, the session dependency commits when the
endpoint returns and rolls back when it raises. A refused request leaves nothing behind, two service
calls land together or not at all, and a commit that fails is never answered with a 2xx. A write the
request keeps (``hlm_kit.db.keep``) stands whatever the outcome, alone of all its writes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
import pytest_asyncio
from fastapi import APIRouter, FastAPI, Request
from sqlalchemy import Column, MetaData, Table, Text, bindparam, cast, func, insert, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from hlm_kit.db import DriverStatement, RequestDriverUnit, RequestSession, Session, keep
from hlm_kit.errors import Conflict
from hlm_kit.testing.messaging import MessagingSchema
from hlm_kit.testing.pytest_plugin import rolled_back_session, share_session

from .conftest import ServeApp


class Entries:
    """A stand-in for a service module: it writes and flushes, and never commits."""

    def __init__(self, schema: str) -> None:
        self._insert = text(f'INSERT INTO "{schema}".entry (label) VALUES (:label)')

    async def add(self, session: AsyncSession, label: str) -> None:
        await session.execute(self._insert, {"label": label})
        await session.flush()


def entries_router(schema: str) -> APIRouter:
    router = APIRouter()
    entries = Entries(schema)

    @router.post("/entries/{label}/pair", status_code=201)
    async def pair(session: Session, label: str) -> None:
        await entries.add(session, f"{label}-first")
        await entries.add(session, f"{label}-second")

    @router.post("/entries/{label}/refused", status_code=201)
    async def refused(session: Session, label: str) -> None:
        await entries.add(session, f"{label}-first")
        raise Conflict("the second step refused")

    @router.post("/entries/{label}/twice", status_code=201)
    async def twice(session: Session, label: str) -> None:
        # The unique constraint is deferred: both inserts pass, the commit fails.
        await entries.add(session, label)
        await entries.add(session, label)

    @router.post("/entries/{label}/kept-then-refused", status_code=201)
    async def kept_then_refused(session: Session, label: str) -> None:
        await entries.add(session, f"{label}-first")
        keep(session, lambda own: entries.add(own, f"{label}-kept"))
        raise Conflict("refused, and what was kept still stands")

    @router.post("/entries/{label}/kept", status_code=201)
    async def kept(session: Session, label: str) -> None:
        keep(session, lambda own: entries.add(own, f"{label}-kept"))
        await entries.add(session, f"{label}-first")

    @router.post("/entries/{label}/kept-then-commit-fails", status_code=201)
    async def kept_then_commit_fails(session: Session, label: str) -> None:
        keep(session, lambda own: entries.add(own, f"{label}-kept"))
        await entries.add(session, label)
        await entries.add(session, label)

    # The request's unit of work entered by the route itself, as a hot route does.
    @router.post("/entries/{label}/entered", status_code=201)
    async def entered(request: Request, label: str) -> None:
        async with RequestSession(request) as session:
            await entries.add(session, f"{label}-first")
            await entries.add(session, f"{label}-second")

    @router.post("/entries/{label}/entered-then-refused", status_code=201)
    async def entered_then_refused(request: Request, label: str) -> None:
        async with RequestSession(request) as session:
            await entries.add(session, f"{label}-first")
            keep(session, lambda own: entries.add(own, f"{label}-kept"))
            raise Conflict("refused, and what was kept still stands")

    # A statement compiled once and sent as its SQL, in the request's transaction: its label takes a
    # parameter given, one with the statement's own value, and a JSONB one encoded as the engine encodes it.
    entry = Table("entry", MetaData(schema=schema), Column("label", Text))
    driven = DriverStatement(
        insert(entry)
        .values(
            label=func.concat(
                bindparam("label", type_=Text),
                bindparam("suffix", "-driven", type_=Text),
                cast(bindparam("document", type_=JSONB), Text),
            )
        )
        .returning(entry.c.label)
    )

    @router.post("/entries/{label}/driven", status_code=201)
    async def drive(session: Session, label: str) -> dict[str, str]:
        await entries.add(session, f"{label}-first")
        stored = (await driven.execute(session, {"label": label, "document": {"n": 1}})).scalar_one()
        return {"stored": stored}

    @router.post("/entries/{label}/driven-then-refused", status_code=201)
    async def driven_then_refused(session: Session, label: str) -> None:
        await driven.execute(session, {"label": label, "document": None})
        raise Conflict("the second step refused")

    # The request's unit of work on the driver's connection, one statement, as the hottest route enters it.
    @router.post("/entries/{label}/on-the-driver", status_code=201)
    async def on_the_driver(request: Request, label: str) -> dict[str, Any]:
        async with RequestDriverUnit(request) as unit:
            unit.after_commit(lambda: committed.append(label))
            row = await driven.fetchrow(unit, {"label": label, "document": {"n": 2}})
            assert row is not None
            ran = list(committed)
        return {"stored": row["label"], "committed": ran}

    @router.post("/entries/{label}/on-the-driver-refused", status_code=201)
    async def on_the_driver_refused(request: Request, label: str) -> None:
        async with RequestDriverUnit(request) as unit:
            unit.after_commit(lambda: committed.append(label))
            raise Conflict("refused before the statement")

    @router.post("/entries/{label}/on-the-driver-fails", status_code=201)
    async def on_the_driver_fails(request: Request, label: str) -> None:
        async with RequestDriverUnit(request) as unit:
            unit.after_commit(lambda: committed.append(label))
            await driven.fetchrow(unit, {"label": label, "suffix": None, "document": "\u0000"})

    @router.post("/entries/{label}/on-the-driver-twice", status_code=201)
    async def on_the_driver_twice(request: Request, label: str) -> dict[str, str]:
        async with RequestDriverUnit(request) as unit:
            await driven.fetchrow(unit, {"label": label, "document": None})
            try:
                await driven.fetchrow(unit, {"label": f"{label}-second", "document": None})
            except RuntimeError as refused:
                return {"refused": str(refused)}
        return {"refused": ""}

    @router.get("/entries/committed")
    async def after_commit() -> list[str]:
        return committed

    committed: list[str] = []
    return router


@pytest_asyncio.fixture
async def app(kit_schema: MessagingSchema, serve_app: ServeApp) -> AsyncIterator[FastAPI]:
    schema = kit_schema.metadata.schema
    assert schema is not None
    async with kit_schema.engine.begin() as connection:
        await connection.execute(
            text(f'CREATE TABLE "{schema}".entry (label text, UNIQUE (label) DEFERRABLE INITIALLY DEFERRED)')
        )
    async with serve_app("unit-of-work-test", [entries_router(schema)]) as app:
        yield app


@pytest.fixture
def stored(kit_schema: MessagingSchema) -> Callable[[], Any]:
    async def labels() -> list[str]:
        async with kit_schema.engine.connect() as connection:
            rows = await connection.execute(text(f'SELECT label FROM "{kit_schema.metadata.schema}".entry'))
            return sorted(row.label for row in rows)

    return labels


async def test_two_service_calls_in_one_request_commit_together(
    client: httpx.AsyncClient, stored: Callable[[], Any]
) -> None:
    response = await client.post("/entries/a/pair")

    assert response.status_code == 201, response.text
    assert await stored() == ["a-first", "a-second"]


async def test_a_refusal_after_a_write_leaves_no_partial_row(
    client: httpx.AsyncClient, stored: Callable[[], Any]
) -> None:
    response = await client.post("/entries/b/refused")

    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert await stored() == []


async def test_a_commit_that_fails_is_answered_as_an_error_and_keeps_nothing(
    client: httpx.AsyncClient, stored: Callable[[], Any]
) -> None:
    response = await client.post("/entries/c/twice")

    assert response.status_code >= 500, response.text
    assert await stored() == []
    # The session went back to the pool clean: the next request works.
    assert (await client.post("/entries/d/pair")).status_code == 201
    assert await stored() == ["d-first", "d-second"]


async def test_a_kept_write_outlives_the_refusal_that_rolls_back_the_rest(
    client: httpx.AsyncClient, stored: Callable[[], Any]
) -> None:
    response = await client.post("/entries/e/kept-then-refused")

    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert await stored() == ["e-kept"]


async def test_a_kept_write_stands_beside_a_request_that_commits(
    client: httpx.AsyncClient, stored: Callable[[], Any]
) -> None:
    response = await client.post("/entries/f/kept")

    assert response.status_code == 201, response.text
    assert await stored() == ["f-first", "f-kept"]


async def test_a_kept_write_outlives_a_commit_that_fails(client: httpx.AsyncClient, stored: Callable[[], Any]) -> None:
    response = await client.post("/entries/g/kept-then-commit-fails")

    assert response.status_code >= 500, response.text
    assert await stored() == ["g-kept"]


async def test_only_a_requests_session_keeps_a_write(kit_schema: MessagingSchema) -> None:
    async with AsyncSession(kit_schema.engine) as session, session.begin():
        with pytest.raises(RuntimeError, match="request's session"):
            keep(session, lambda own: own.flush())


async def test_a_unit_of_work_the_route_enters_commits_as_the_dependency_does(
    client: httpx.AsyncClient, stored: Callable[[], Any]
) -> None:
    response = await client.post("/entries/h/entered")

    assert response.status_code == 201, response.text
    assert await stored() == ["h-first", "h-second"]


async def test_a_unit_of_work_the_route_enters_rolls_back_a_refusal_and_keeps_what_was_kept(
    client: httpx.AsyncClient, stored: Callable[[], Any]
) -> None:
    response = await client.post("/entries/i/entered-then-refused")

    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert await stored() == ["i-kept"]


async def test_a_driver_statement_runs_in_the_requests_transaction(
    client: httpx.AsyncClient, stored: Callable[[], Any]
) -> None:
    response = await client.post("/entries/j/driven")

    assert response.status_code == 201, response.text
    assert response.json() == {"stored": 'j-driven{"n": 1}'}
    assert await stored() == ['j-driven{"n": 1}', "j-first"]


async def test_a_driver_statement_is_rolled_back_with_the_refused_request(
    client: httpx.AsyncClient, stored: Callable[[], Any]
) -> None:
    response = await client.post("/entries/k/driven-then-refused")

    assert response.status_code == 409
    assert await stored() == []


async def test_a_unit_of_work_on_the_driver_commits_its_one_statement(
    app: FastAPI, client: httpx.AsyncClient, stored: Callable[[], Any]
) -> None:
    response = await client.post("/entries/m/on-the-driver")

    assert response.status_code == 201, response.text
    assert response.json() == {"stored": 'm-driven{"n": 2}', "committed": ["m"]}
    assert await stored() == ['m-driven{"n": 2}']
    # The connection went back to the pool, out of any transaction.
    assert app.state.engine.pool.checkedout() == 0
    assert (await client.post("/entries/n/pair")).status_code == 201


async def test_a_unit_of_work_on_the_driver_refused_or_failing_stores_nothing_and_runs_nothing_after(
    app: FastAPI, client: httpx.AsyncClient, stored: Callable[[], Any]
) -> None:
    refused = await client.post("/entries/o/on-the-driver-refused")
    failed = await client.post("/entries/p/on-the-driver-fails")

    assert refused.status_code == 409
    assert refused.headers["content-type"] == "application/problem+json"
    assert failed.status_code == 422, failed.text  # a value the database refuses (a NUL in JSON)
    assert await stored() == []
    assert (await client.get("/entries/committed")).json() == []
    assert app.state.engine.pool.checkedout() == 0
    assert (await client.post("/entries/q/pair")).status_code == 201


async def test_a_unit_of_work_on_the_driver_runs_one_statement(
    client: httpx.AsyncClient, stored: Callable[[], Any]
) -> None:
    response = await client.post("/entries/r/on-the-driver-twice")

    assert "one statement" in response.json()["refused"]
    assert await stored() == ["r-drivennull"]


async def test_the_tests_shared_session_runs_a_unit_on_the_driver_in_the_tests_transaction(
    app: FastAPI, kit_schema: MessagingSchema, stored: Callable[[], Any]
) -> None:
    async with rolled_back_session(kit_schema.engine) as session:
        share_session(app, session)
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        try:
            async with httpx.AsyncClient(transport=transport, base_url="http://kit") as client:
                assert (await client.post("/entries/s/on-the-driver")).status_code == 201
                assert (await client.post("/entries/t/on-the-driver-fails")).status_code == 422
                assert (await client.post("/entries/u/pair")).status_code == 201
                labels = await session.execute(text(f'SELECT label FROM "{kit_schema.metadata.schema}".entry'))
                assert sorted(labels.scalars()) == ['s-driven{"n": 2}', "u-first", "u-second"]
        finally:
            app.dependency_overrides.clear()
    assert await stored() == []  # all of it in the test's transaction, rolled back

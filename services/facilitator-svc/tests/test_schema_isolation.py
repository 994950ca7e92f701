"""The database itself keeps facilitator-svc to its own schema: its role has no right anywhere else."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest
import pytest_asyncio

from hlm_kit.testing.pytest_plugin import TestDatabase

OTHER_SCHEMAS = ["framework", "survey", "report"]


@pytest_asyncio.fixture
async def facilitator_role(test_database: TestDatabase, database_url: str) -> AsyncIterator[asyncpg.Connection]:
    url = test_database.url_for("facilitator_svc").replace("postgresql+asyncpg://", "postgresql://")
    connection = await asyncpg.connect(url)
    try:
        yield connection
    finally:
        await connection.close()


@pytest_asyncio.fixture
async def probe_tables(test_database: TestDatabase) -> AsyncIterator[str]:
    name = f"probe_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(test_database.admin_database_url)
    try:
        for schema in OTHER_SCHEMAS:
            await admin.execute(f"CREATE TABLE {schema}.{name} (id int)")
        yield name
    finally:
        for schema in OTHER_SCHEMAS:
            await admin.execute(f"DROP TABLE IF EXISTS {schema}.{name}")
        await admin.close()


async def test_the_facilitator_role_reads_its_own_schema(facilitator_role: asyncpg.Connection) -> None:
    assert await facilitator_role.fetchval("SELECT current_user") == "facilitator_svc"
    assert await facilitator_role.fetchval("SELECT count(*) FROM facilitator.facilitator") >= 0


@pytest.mark.parametrize("schema", OTHER_SCHEMAS)
async def test_the_facilitator_role_cannot_read_or_write_another_services_schema(
    facilitator_role: asyncpg.Connection, probe_tables: str, schema: str
) -> None:
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await facilitator_role.fetch(f"SELECT * FROM {schema}.{probe_tables}")
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await facilitator_role.execute(f"INSERT INTO {schema}.{probe_tables} VALUES (1)")


async def test_the_booking_guarantee_needs_no_extension_the_role_may_not_create(
    facilitator_role: asyncpg.Connection,
) -> None:
    """The exclusion constraints use built-in range operators; btree_gist is not installed."""
    assert await facilitator_role.fetchval("SELECT count(*) FROM pg_extension WHERE extname = 'btree_gist'") == 0
    constraints = await facilitator_role.fetch(
        "SELECT conname FROM pg_constraint WHERE contype = 'x' AND connamespace = 'facilitator'::regnamespace"
    )
    assert {c["conname"] for c in constraints} == {"ex_booking_facilitator_during", "ex_slot_facilitator_during"}

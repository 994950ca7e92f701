"""The database itself keeps report-svc to its own schema: its role has no right anywhere else."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest
import pytest_asyncio

from hlm_kit.testing.pytest_plugin import TestDatabase

OTHER_SCHEMAS = ["framework", "survey", "facilitator"]


@pytest_asyncio.fixture
async def report_role(test_database: TestDatabase, database_url: str) -> AsyncIterator[asyncpg.Connection]:
    """A connection as the report_svc role to the session's database (migrated: ``database_url``)."""
    url = test_database.url_for("report_svc").replace("postgresql+asyncpg://", "postgresql://")
    connection = await asyncpg.connect(url)
    try:
        yield connection
    finally:
        await connection.close()


@pytest_asyncio.fixture
async def probe_tables(test_database: TestDatabase) -> AsyncIterator[str]:
    """A table, made by the administrator, in each other service's schema; dropped afterwards."""
    name = f"probe_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(test_database.admin_database_url)
    try:
        for schema in OTHER_SCHEMAS:
            await admin.execute(f"CREATE TABLE {schema}.{name} (id int)")
            await admin.execute(f"INSERT INTO {schema}.{name} VALUES (1)")
        yield name
    finally:
        for schema in OTHER_SCHEMAS:
            await admin.execute(f"DROP TABLE IF EXISTS {schema}.{name}")
        await admin.close()


async def test_the_report_role_reads_its_own_schema(report_role: asyncpg.Connection) -> None:
    assert await report_role.fetchval("SELECT current_user") == "report_svc"
    assert await report_role.fetchval("SELECT count(*) FROM report.report") >= 0


@pytest.mark.parametrize("schema", OTHER_SCHEMAS)
async def test_the_report_role_cannot_read_another_services_schema(
    report_role: asyncpg.Connection, probe_tables: str, schema: str
) -> None:
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await report_role.fetch(f"SELECT * FROM {schema}.{probe_tables}")


@pytest.mark.parametrize("schema", OTHER_SCHEMAS)
async def test_the_report_role_cannot_write_another_services_schema(
    report_role: asyncpg.Connection, probe_tables: str, schema: str
) -> None:
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await report_role.execute(f"INSERT INTO {schema}.{probe_tables} VALUES (2)")
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await report_role.execute(f"CREATE TABLE {schema}.x (id int)")


async def test_the_report_role_cannot_create_in_public(report_role: asyncpg.Connection) -> None:
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await report_role.execute("CREATE TABLE public.x (id int)")


async def test_the_report_role_cannot_grant_itself_another_role(report_role: asyncpg.Connection) -> None:
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await report_role.execute("SET ROLE survey_svc")

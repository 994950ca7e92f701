"""The database itself keeps survey-svc to its own schema: its role has no right anywhere else."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest
import pytest_asyncio

from hlm_kit.testing.pytest_plugin import TestDatabase

OTHER_SCHEMAS = ["framework", "report", "facilitator"]


@pytest_asyncio.fixture
async def survey_role(test_database: TestDatabase, database_url: str) -> AsyncIterator[asyncpg.Connection]:
    connection = await asyncpg.connect(
        test_database.url_for("survey_svc").replace("postgresql+asyncpg://", "postgresql://")
    )
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


async def test_the_survey_role_reads_its_own_schema(survey_role: asyncpg.Connection) -> None:
    assert await survey_role.fetchval("SELECT current_user") == "survey_svc"
    assert await survey_role.fetchval("SELECT count(*) FROM survey.cycle") >= 0


@pytest.mark.parametrize("schema", OTHER_SCHEMAS)
async def test_the_survey_role_cannot_read_or_write_another_services_schema(
    survey_role: asyncpg.Connection, probe_tables: str, schema: str
) -> None:
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await survey_role.fetch(f"SELECT * FROM {schema}.{probe_tables}")
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await survey_role.execute(f"INSERT INTO {schema}.{probe_tables} VALUES (1)")

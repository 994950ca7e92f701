"""The bootstrap is idempotent and leaves each service role with rights on its own schema only."""

from __future__ import annotations

import asyncpg
import pytest

from hlm_kit.bootstrap import SERVICES, bootstrap
from hlm_kit.db import to_plain_url
from hlm_kit.testing.pytest_plugin import TestDatabase


async def test_running_the_bootstrap_again_changes_nothing(test_database: TestDatabase) -> None:
    await bootstrap(test_database.admin_url, test_database.name)
    await bootstrap(test_database.admin_url, test_database.name)
    admin = await asyncpg.connect(test_database.admin_database_url)
    try:
        owners = dict(
            await admin.fetch(
                "SELECT nspname, pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = ANY($1)",
                [s.schema for s in SERVICES],
            )
        )
    finally:
        await admin.close()
    assert owners == {s.schema: s.role for s in SERVICES}


@pytest.mark.parametrize("service", SERVICES, ids=lambda s: s.role)
async def test_a_service_role_cannot_touch_another_services_schema(
    test_database: TestDatabase, service: object
) -> None:
    own = next(s for s in SERVICES if s == service)
    admin = await asyncpg.connect(test_database.admin_database_url)
    try:
        for other in SERVICES:
            await admin.execute(f'CREATE TABLE IF NOT EXISTS "{other.schema}".probe (id int)')
    finally:
        await admin.close()

    connection = await asyncpg.connect(to_plain_url(test_database.url_for(own.role)))
    try:
        await connection.execute(f'CREATE TABLE IF NOT EXISTS "{own.schema}".mine (id int)')
        for other in SERVICES:
            if other == own:
                continue
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await connection.fetch(f'SELECT * FROM "{other.schema}".probe')
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await connection.execute(f'CREATE TABLE "{other.schema}".intruder (id int)')
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await connection.execute("CREATE TABLE public.intruder (id int)")
    finally:
        await connection.close()

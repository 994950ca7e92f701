"""Create the database, one login role and one schema per service, idempotently.

Run with an administrator URL (``hlm-bootstrap --admin-url postgresql://postgres@host/postgres``).
Each service's role owns its schema and has no right on any other: the database itself enforces that
a service reads only its own data. Passwords, where the server wants them, come from the environment
(``HLM_DB_PASSWORD_<ROLE>``, e.g. ``HLM_DB_PASSWORD_FRAMEWORK_SVC``), never from the command line.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
from collections.abc import Sequence
from dataclasses import dataclass

import asyncpg
import structlog

from hlm_kit.db import to_plain_url

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class ServiceDatabase:
    """A service's schema and the login role that owns it."""

    schema: str
    role: str


SERVICES: tuple[ServiceDatabase, ...] = (
    ServiceDatabase("framework", "framework_svc"),
    ServiceDatabase("survey", "survey_svc"),
    ServiceDatabase("report", "report_svc"),
    ServiceDatabase("facilitator", "facilitator_svc"),
)


def _ident(name: str) -> str:
    if not name.replace("_", "").isalnum():
        raise ValueError(f"not a plain SQL identifier: {name!r}")
    return '"' + name + '"'


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


async def bootstrap(admin_url: str, database: str, services: Sequence[ServiceDatabase] = SERVICES) -> None:
    """Make ``database`` exist with a schema and an owning role per service (safe to run again)."""
    admin = await asyncpg.connect(to_plain_url(admin_url))
    try:
        if not await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database):
            try:
                await admin.execute(f"CREATE DATABASE {_ident(database)}")
                log.info("database created", database=database)
            except asyncpg.DuplicateDatabaseError:
                pass  # another bootstrap got there first
        for service in services:
            await _ensure_role(admin, service.role)
    finally:
        await admin.close()

    target = await asyncpg.connect(to_plain_url(_with_database(admin_url, database)))
    try:
        # Nobody but the service roles (and administrators) may connect, and nobody uses ``public``.
        await target.execute(f"REVOKE ALL ON DATABASE {_ident(database)} FROM PUBLIC")
        await target.execute("REVOKE ALL ON SCHEMA public FROM PUBLIC")
        for service in services:
            role, schema = _ident(service.role), _ident(service.schema)
            await target.execute(f"GRANT CONNECT, TEMPORARY ON DATABASE {_ident(database)} TO {role}")
            await target.execute(f"CREATE SCHEMA IF NOT EXISTS {schema} AUTHORIZATION {role}")
            await target.execute(f"ALTER SCHEMA {schema} OWNER TO {role}")
            await target.execute(f"REVOKE ALL ON SCHEMA {schema} FROM PUBLIC")
            await target.execute(f"ALTER ROLE {role} IN DATABASE {_ident(database)} SET search_path = {schema}")
    finally:
        await target.close()
    log.info("bootstrap complete", database=database, schemas=[s.schema for s in services])


async def _ensure_role(admin: asyncpg.Connection, role: str) -> None:
    if not await admin.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role):
        # Another bootstrap may create the role between the check and here.
        with contextlib.suppress(asyncpg.DuplicateObjectError):
            await admin.execute(f"CREATE ROLE {_ident(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE")
    password = os.environ.get(f"HLM_DB_PASSWORD_{role.upper()}")
    if password:
        await admin.execute(f"ALTER ROLE {_ident(role)} PASSWORD {_literal(password)}")


def _with_database(url: str, database: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(database=database).render_as_string(hide_password=False)


def service_url(admin_url: str, database: str, role: str, password: str | None = None) -> str:
    """The URL a service uses: the admin URL's host and port, the service's role and database."""
    from sqlalchemy.engine import make_url

    return (
        make_url(admin_url)
        .set(drivername="postgresql+asyncpg", username=role, password=password, database=database)
        .render_as_string(hide_password=False)
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Create the HLM database, service roles and schemas.")
    parser.add_argument(
        "--admin-url",
        default=os.environ.get("HLM_ADMIN_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument("--database", default=os.environ.get("HLM_DATABASE", "hlm"))
    args = parser.parse_args(argv)
    asyncio.run(bootstrap(args.admin_url, args.database))

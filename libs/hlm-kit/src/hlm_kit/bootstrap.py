"""Create the database, one login role and one schema per service, idempotently.

Run with an administrator URL (``hlm-bootstrap --admin-url postgresql://postgres@host/postgres``, or
``HLM_ADMIN_DATABASE_URL``). Each service's role owns its schema and has no right on any other: the database
itself enforces that a service reads only its own data. Passwords, where the server wants them, come from
``HLM_DB_PASSWORD_<ROLE>`` (e.g. ``HLM_DB_PASSWORD_FRAMEWORK_SVC``), never from the command line. Like every
setting of the platform, each of these is read from the environment or, when ``HLM_SECRETS_DIR`` names a
directory, from the file of that name in it (a mounted Kubernetes Secret): see :class:`BootstrapSettings`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import asyncpg
import structlog
from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict

from hlm_kit.db import to_plain_url
from hlm_kit.settings import SecretsDirSettings

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


class BootstrapSettings(SecretsDirSettings):
    """What ``hlm-bootstrap`` reads: ``HLM_ADMIN_DATABASE_URL``, ``HLM_DATABASE`` and a password per service
    role (``HLM_DB_PASSWORD_<ROLE>``), each from the environment or from the file of that name under
    ``HLM_SECRETS_DIR``. A role without a password is created without one (trust or peer authentication)."""

    model_config = SettingsConfigDict(env_prefix="HLM_", extra="ignore", frozen=True)

    admin_database_url: SecretStr = SecretStr("postgresql://postgres@127.0.0.1:5432/postgres")
    database: str = "hlm"
    db_password_framework_svc: SecretStr | None = None
    db_password_survey_svc: SecretStr | None = None
    db_password_report_svc: SecretStr | None = None
    db_password_facilitator_svc: SecretStr | None = None

    def passwords(self) -> dict[str, str]:
        """The password of each service role that has one, by role."""
        found = {service.role: getattr(self, f"db_password_{service.role}") for service in SERVICES}
        return {role: secret.get_secret_value() for role, secret in found.items() if secret is not None}


def _ident(name: str) -> str:
    if not name.replace("_", "").isalnum():
        raise ValueError(f"not a plain SQL identifier: {name!r}")
    return '"' + name + '"'


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


async def bootstrap(
    admin_url: str,
    database: str,
    services: Sequence[ServiceDatabase] = SERVICES,
    *,
    passwords: Mapping[str, str] | None = None,
) -> None:
    """Make ``database`` exist with a schema and an owning role per service (safe to run again). Each role
    gets its password from ``passwords`` (by role), by default those :class:`BootstrapSettings` reads."""
    if passwords is None:
        passwords = BootstrapSettings().passwords()
    admin = await asyncpg.connect(to_plain_url(admin_url))
    try:
        if not await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database):
            try:
                await admin.execute(f"CREATE DATABASE {_ident(database)}")
                log.info("database created", database=database)
            except asyncpg.DuplicateDatabaseError:
                pass  # another bootstrap got there first
        for service in services:
            await _ensure_role(admin, service.role, passwords.get(service.role))
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


async def _ensure_role(admin: asyncpg.Connection, role: str, password: str | None) -> None:
    if not await admin.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role):
        # Another bootstrap may create the role between the check and here.
        with contextlib.suppress(asyncpg.DuplicateObjectError):
            await admin.execute(f"CREATE ROLE {_ident(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE")
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
    parser.add_argument("--admin-url", help="default: HLM_ADMIN_DATABASE_URL (its environment variable or file)")
    parser.add_argument("--database", help="default: HLM_DATABASE, else hlm")
    args = parser.parse_args(argv)
    settings = BootstrapSettings()
    admin_url = args.admin_url or settings.admin_database_url.get_secret_value()
    asyncio.run(bootstrap(admin_url, args.database or settings.database, passwords=settings.passwords()))

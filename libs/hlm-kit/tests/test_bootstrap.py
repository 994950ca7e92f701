"""The bootstrap is idempotent, leaves each service role with rights on its own schema only, and reads its
credentials as every process of the platform does: from the environment or from files of a mounted Secret."""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from pathlib import Path

import asyncpg
import pytest

from hlm_kit.bootstrap import SERVICES, BootstrapSettings, ServiceDatabase, bootstrap
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


# --- credentials, as a Kubernetes Job mounts them -----------------------------------------------------


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """Only the settings a test gives: nothing of the developer's own environment leaks in."""
    for name in ("HLM_SECRETS_DIR", "HLM_ADMIN_DATABASE_URL", "HLM_DATABASE"):
        monkeypatch.delenv(name, raising=False)
    for service in SERVICES:
        monkeypatch.delenv(f"HLM_DB_PASSWORD_{service.role.upper()}", raising=False)
    return monkeypatch


def test_the_admin_url_and_each_roles_password_are_read_from_files_under_the_secrets_directory(
    environment: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # As a Secret's keys are mounted: a file per key, the value with the newline an editor or `echo` added.
    files = {
        "HLM_ADMIN_DATABASE_URL": "postgresql://postgres:from-the-file@db:5432/postgres",
        "HLM_DB_PASSWORD_SURVEY_SVC": "survey-from-the-file",
        "HLM_DB_PASSWORD_REPORT_SVC": "report-from-the-file",
    }
    for name, value in files.items():
        (tmp_path / name).write_text(value + "\n")
    environment.setenv("HLM_SECRETS_DIR", str(tmp_path))
    environment.setenv("HLM_DB_PASSWORD_REPORT_SVC", "report-from-the-environment")

    settings = BootstrapSettings()

    assert settings.admin_database_url.get_secret_value() == files["HLM_ADMIN_DATABASE_URL"]
    assert settings.database == "hlm"
    # The environment wins over a file, as for every setting of the platform; a role with neither has none.
    assert settings.passwords() == {"survey_svc": "survey-from-the-file", "report_svc": "report-from-the-environment"}


def _is_password_of(stored: str, role: str, password: str) -> bool:
    """Whether PostgreSQL's verifier ``stored`` of ``role`` is of ``password``: SCRAM-SHA-256 (RFC 5802,
    RFC 7677; the default), or MD5 where a server is still set to it."""
    if stored.startswith("md5"):
        return stored == "md5" + hashlib.md5((password + role).encode()).hexdigest()
    method, rest = stored.split("$", 1)
    iterations_salt, keys = rest.split("$", 1)
    iterations, salt = iterations_salt.split(":")
    stored_key = keys.split(":")[0]
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(salt), int(iterations))
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    return method == "SCRAM-SHA-256" and hashlib.sha256(client_key).digest() == base64.b64decode(stored_key)


async def test_each_role_gets_the_password_it_is_given(postgres_admin_url: str) -> None:
    probe = ServiceDatabase("kit_probe", f"kit_probe_{uuid.uuid4().hex[:8]}")
    database = f"hlm_kit_boot_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(to_plain_url(postgres_admin_url))
    try:
        await bootstrap(postgres_admin_url, database, (probe,), passwords={probe.role: "probe-secret"})
        stored = await admin.fetchval("SELECT rolpassword FROM pg_authid WHERE rolname = $1", probe.role)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        await admin.execute(f'DROP ROLE IF EXISTS "{probe.role}"')
        await admin.close()

    assert _is_password_of(stored, probe.role, "probe-secret")

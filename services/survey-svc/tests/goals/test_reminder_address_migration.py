"""Upgrading a database whose goals carry addresses typed in before reminders went to verified addresses:
none of those addresses is mailed again, and a reminder they left unsent waits for its author to ask
for mail anew (armed again, as when an author turns mail off)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import asyncpg
import pytest_asyncio

from hlm_kit import migrations
from hlm_kit.bootstrap import bootstrap, service_url
from hlm_kit.db import to_plain_url
from survey_svc.cli import MIGRATIONS

TYPED_IN = "someone.typed.this@example.org"


@pytest_asyncio.fixture
async def survey_database_at_0003(postgres_admin_url: str) -> AsyncIterator[str]:
    """A database of its own, the survey schema migrated to 0003; its survey_svc URL. Dropped afterwards."""
    name = f"hlm_migration_{uuid.uuid4().hex[:12]}"
    await bootstrap(postgres_admin_url, name)
    url = service_url(postgres_admin_url, name, "survey_svc")
    try:
        await asyncio.to_thread(migrations.upgrade, MIGRATIONS, url, "0003")
        yield url
    finally:
        admin = await asyncpg.connect(to_plain_url(postgres_admin_url))
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


async def test_typed_in_addresses_are_erased_and_their_unsent_reminders_cancelled(survey_database_at_0003: str) -> None:
    url = survey_database_at_0003
    pending, sent, in_app = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    queued_at = datetime(2026, 11, 20, 8, tzinfo=UTC)
    connection = await asyncpg.connect(to_plain_url(url))
    try:
        await connection.executemany(
            "INSERT INTO survey.goal (id, author_id, title, dimension_keys, remind_on, remind_email,"
            " reminder_queued_at, status) VALUES ($1, 'author-1', $2, '{}', '2026-11-20', $3, $4, 'active')",
            [
                (pending, "Queued, not sent yet", TYPED_IN, queued_at),
                (sent, "Already mailed", TYPED_IN, queued_at),
                (in_app, "In the app only", None, None),
            ],
        )
        await connection.executemany(
            "INSERT INTO survey.mail_job (goal_id, kind, attempts, sent_at) VALUES ($1, 'goal_reminder', 0, $2)",
            [(pending, None), (sent, queued_at)],
        )
    finally:
        await connection.close()

    await asyncio.to_thread(migrations.upgrade, MIGRATIONS, url)

    connection = await asyncpg.connect(to_plain_url(url))
    try:
        goals = {
            row["id"]: (row["remind_email"], row["reminder_queued_at"])
            for row in await connection.fetch("SELECT id, remind_email, reminder_queued_at FROM survey.goal")
        }
        jobs = [(row["goal_id"], row["sent_at"]) for row in await connection.fetch("SELECT * FROM survey.mail_job")]
    finally:
        await connection.close()

    assert goals == {pending: (None, None), sent: (None, queued_at), in_app: (None, None)}
    # What was sent stays on record; what was not is never sent.
    assert jobs == [(sent, queued_at)]

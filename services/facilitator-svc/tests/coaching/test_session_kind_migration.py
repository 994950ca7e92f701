"""Upgrading a register whose slots and bookings were made before coaching and mentoring existed: every one
of them is a feedback session, and from then on the database keeps coaching and mentoring off any cycle."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest
import pytest_asyncio

from facilitator_svc.cli import MIGRATIONS
from hlm_kit import migrations
from hlm_kit.bootstrap import bootstrap, service_url
from hlm_kit.db import to_plain_url

STARTS = datetime(2031, 3, 10, 10, tzinfo=UTC)


@pytest_asyncio.fixture
async def facilitator_database_at_0006(postgres_admin_url: str) -> AsyncIterator[str]:
    """A database of its own, the facilitator schema migrated to 0006; its facilitator_svc URL. Dropped afterwards."""
    name = f"hlm_migration_{uuid.uuid4().hex[:12]}"
    await bootstrap(postgres_admin_url, name)
    url = service_url(postgres_admin_url, name, "facilitator_svc")
    try:
        await asyncio.to_thread(migrations.upgrade, MIGRATIONS, url, "0006")
        yield url
    finally:
        admin = await asyncpg.connect(to_plain_url(postgres_admin_url))
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


async def test_slots_and_bookings_made_before_kinds_existed_are_feedback_sessions(
    facilitator_database_at_0006: str,
) -> None:
    url = facilitator_database_at_0006
    facilitator_id, slot_id, booking_id, cycle_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    connection = await asyncpg.connect(to_plain_url(url))
    try:
        number = await connection.fetchval(
            "INSERT INTO facilitator.facilitator (id, name, email, email_hash, organisation, region,"
            " accreditation_level, accreditation_trained_on, accreditation_expires_on, status, capacity_per_month,"
            " modes) VALUES ($1, 'Before Kinds', 'before@academy.example.org', 'hash', 'RYJ', 'london',"
            " 'facilitator', '2029-06-01', '2032-06-01', 'active', 4, '{video}') RETURNING number",
            facilitator_id,
        )
        await connection.execute(
            "INSERT INTO facilitator.slot (id, facilitator_id, facilitator_number, starts_at, ends_at, modes)"
            " VALUES ($1, $2, $3, $4, $5, '{video}')",
            slot_id,
            facilitator_id,
            number,
            STARTS,
            STARTS + timedelta(hours=1),
        )
        await connection.execute(
            "INSERT INTO facilitator.booking (id, facilitator_id, facilitator_number, slot_id, participant_id,"
            " cycle_id, mode, starts_at, ends_at, status) VALUES ($1, $2, $3, $4, 'participant-1', $5, 'video',"
            " $6, $7, 'confirmed')",
            booking_id,
            facilitator_id,
            number,
            slot_id,
            cycle_id,
            STARTS,
            STARTS + timedelta(hours=1),
        )
    finally:
        await connection.close()

    await asyncio.to_thread(migrations.upgrade, MIGRATIONS, url)

    connection = await asyncpg.connect(to_plain_url(url))
    try:
        assert await connection.fetchval("SELECT kind FROM facilitator.slot WHERE id = $1", slot_id) == "feedback"
        booked = await connection.fetchrow("SELECT kind, cycle_id FROM facilitator.booking WHERE id = $1", booking_id)
        assert (booked["kind"], booked["cycle_id"]) == ("feedback", cycle_id)
        checks = await connection.fetch(
            "SELECT conname FROM pg_constraint WHERE contype = 'c'"
            " AND conrelid IN ('facilitator.slot'::regclass, 'facilitator.booking'::regclass)"
        )
        # The names the models give them, so the models and the migrated schema agree.
        assert {"ck_slot_known_kind", "ck_booking_known_kind", "ck_booking_cycle_only_for_feedback"} <= {
            row["conname"] for row in checks
        }
        with pytest.raises(asyncpg.CheckViolationError, match="ck_booking_cycle_only_for_feedback"):
            await connection.execute("UPDATE facilitator.booking SET kind = 'coaching' WHERE id = $1", booking_id)
        with pytest.raises(asyncpg.CheckViolationError, match="ck_slot_known_kind"):
            await connection.execute("UPDATE facilitator.slot SET kind = 'therapy' WHERE id = $1", slot_id)
    finally:
        await connection.close()

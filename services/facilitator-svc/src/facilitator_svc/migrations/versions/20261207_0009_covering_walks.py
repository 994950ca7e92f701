"""a match's walks to a facilitator's earliest free session, and its counts of a month's bookings, read the
index alone

The bound of a match (``matching/repository.py``) walks, per facilitator, month and mode, the index on
(facilitator_id, starts_at) of ``slot`` to the earliest free session of the kind asked for, and counts the
month's occupying bookings through the same index of ``booking``. Each step of either read the table's row for
the columns it tests (the slot's kind, modes and ``busy_until``; the booking's status and hold). The two
indexes now carry those columns, so where the table's pages are all visible (after a vacuum, as on a register
that has settled) the walks and counts are index-only scans.

``busy_until`` in an index means a change of it (a booking made, confirmed, cancelled or run out) is no longer
a heap-only update of the slot: the slot's indexes get an entry for the new row version, one write per slot a
booking touches (about 1 KB more of WAL each). A booking's status was already in an index predicate (the
exclusion constraint's), and its hold changes only with its status or its time, so the booking side costs
nothing more to write.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 21:30:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What a match's walk tests on each slot, and its count on each booking (``matching/repository.py``).
SLOT_COLUMNS = ["kind", "modes", "busy_until"]
BOOKING_COLUMNS = ["status", "hold_expires_at"]


def upgrade() -> None:
    for table, columns in (("slot", SLOT_COLUMNS), ("booking", BOOKING_COLUMNS)):
        name = op.f(f"ix_{table}_facilitator_id_starts_at")
        op.drop_index(name, table_name=table, schema="facilitator")
        op.create_index(name, table, ["facilitator_id", "starts_at"], schema="facilitator", postgresql_include=columns)


def downgrade() -> None:
    for table in ("slot", "booking"):
        name = op.f(f"ix_{table}_facilitator_id_starts_at")
        op.drop_index(name, table_name=table, schema="facilitator")
        op.create_index(name, table, ["facilitator_id", "starts_at"], schema="facilitator")

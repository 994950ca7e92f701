"""each facilitator's register row knows when their last offered session starts

A match's bound (``matching/repository.py``) walks, per facilitator its register row leaves, the index of
their slots to the earliest free session in the window. On a national register most facilitators beyond the
participant's region have offered nothing in the coming weeks (a year of sessions behind them, none ahead),
and each cost a walk that found nothing: 383 walks per match at a national year's scale. The row now carries
``last_slot_starts_at``, the start of the latest slot the facilitator offers (NULL: none), so a match leaves
out on the row alone whoever has nothing at or after the window's start. An index on it lets the bound beyond
the region read only the rows of those who have (the planner's choice, with the request's values): the register
read in sequence was the rest of that statement's work.

The index means a change of the value is no longer a heap-only update of the register row: each write of slots
that moves it adds an entry to each of the register's indexes, a few hundred bytes of WAL per facilitator a
statement touches; offering sessions is rare beside matching.

Kept by the database in the transaction that writes the slots, once per statement (one slot through the API,
thousands through COPY), from the statement's transition table:

- slots added raise it to the latest of theirs when that is later, reading no other slot;
- slots deleted, or moved in time or to another facilitator, work it out again for the facilitators they
  were and are of, from the index on (facilitator_id, starts_at): one read of its last entry each.

Working it out again may lower it, so it first locks the facilitator's row, then reads in a statement of its
own: at READ COMMITTED, slots another transaction added and committed meanwhile are in its snapshot, and one
that adds slots after the lock waits for it and raises the value from there. Matching needs only an upper
bound (a facilitator left out must have no session the participant could take); the value is exact.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08 01:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each event sees its own transition tables only, hence one branch per event.
SLOT_TRIGGER_FUNCTION = """
CREATE FUNCTION facilitator.slot_mark_facilitators() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    touched uuid[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE facilitator.facilitator f SET last_slot_starts_at = added.latest
        FROM (SELECT n.facilitator_id, max(n.starts_at) AS latest FROM new_rows n GROUP BY n.facilitator_id) added
        WHERE f.id = added.facilitator_id
          AND (f.last_slot_starts_at IS NULL OR f.last_slot_starts_at < added.latest);
        RETURN NULL;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT o.facilitator_id) INTO touched FROM old_rows o;
    ELSE
        SELECT array_agg(DISTINCT t.facilitator_id) INTO touched
        FROM old_rows o
        JOIN new_rows n ON n.id = o.id,
        LATERAL (VALUES (o.facilitator_id), (n.facilitator_id)) t (facilitator_id)
        WHERE (o.facilitator_id, o.starts_at) IS DISTINCT FROM (n.facilitator_id, n.starts_at);
    END IF;
    IF touched IS NULL THEN
        RETURN NULL;
    END IF;
    -- Locked first (in one order, so that two such statements never wait on each other), read after.
    PERFORM FROM facilitator.facilitator f WHERE f.id = ANY(touched) ORDER BY f.id FOR NO KEY UPDATE;
    UPDATE facilitator.facilitator f SET last_slot_starts_at = worked_out.latest
    FROM (
        SELECT t.id, (SELECT max(s.starts_at) FROM facilitator.slot s WHERE s.facilitator_id = t.id) AS latest
        FROM unnest(touched) t (id)
    ) worked_out
    WHERE f.id = worked_out.id AND f.last_slot_starts_at IS DISTINCT FROM worked_out.latest;
    RETURN NULL;
END
$$
"""


def upgrade() -> None:
    op.add_column(
        "facilitator", sa.Column("last_slot_starts_at", sa.DateTime(timezone=True), nullable=True), schema="facilitator"
    )
    op.create_index(
        op.f("ix_facilitator_last_slot_starts_at"), "facilitator", ["last_slot_starts_at"], schema="facilitator"
    )
    op.execute(SLOT_TRIGGER_FUNCTION)
    # Transition tables allow one event per trigger, and no list of columns.
    for event, tables in (
        ("INSERT", "NEW TABLE AS new_rows"),
        ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
        ("DELETE", "OLD TABLE AS old_rows"),
    ):
        op.execute(
            f"CREATE TRIGGER slot_marks_facilitators_on_{event.lower()} AFTER {event} ON facilitator.slot"
            f" REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION facilitator.slot_mark_facilitators()"
        )
    # The slots offered so far.
    op.execute(
        "UPDATE facilitator.facilitator f SET last_slot_starts_at = latest.starts_at"
        " FROM (SELECT facilitator_id, max(starts_at) AS starts_at FROM facilitator.slot GROUP BY facilitator_id)"
        " latest WHERE f.id = latest.facilitator_id"
    )


def downgrade() -> None:
    for event in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER slot_marks_facilitators_on_{event} ON facilitator.slot")
    op.execute("DROP FUNCTION facilitator.slot_mark_facilitators()")
    op.drop_index(op.f("ix_facilitator_last_slot_starts_at"), table_name="facilitator", schema="facilitator")
    op.drop_column("facilitator", "last_slot_starts_at", schema="facilitator")

"""each slot knows until when a booking holds it, and each facilitator the base of each language spoken

Whether a slot is free was an EXISTS over the facilitator's bookings, and the index on (facilitator_id,
starts_at) can bound that search only from above: every past booking of the facilitator was walked past
each time a match or a slot list asked. The slot now carries ``busy_until``, kept by the database in the
transaction that writes the booking, so a match reads it from the slot's row, whatever the history.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 03:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Until when occupying bookings hold a time of a facilitator: forever once confirmed or completed, a
# hold until it expires, and '-infinity' when nothing holds it. The search goes through the partial GiST
# index of the bookings' exclusion constraint (same condition on the status), never through the history.
BUSY_UNTIL_FUNCTION = """
CREATE FUNCTION facilitator.slot_busy_until(facilitator_key int8range, during tstzrange)
RETURNS timestamptz LANGUAGE sql STABLE AS $$
    SELECT coalesce(
        max(CASE WHEN b.status = 'held' THEN b.hold_expires_at ELSE 'infinity'::timestamptz END),
        '-infinity'::timestamptz
    )
    FROM facilitator.booking b
    WHERE b.facilitator_key && $1 AND b.during && $2 AND b.status IN ('held', 'confirmed', 'completed')
$$
"""

# A slot offered (or moved) where a booking already lies is busy from the start.
SLOT_TRIGGER_FUNCTION = """
CREATE FUNCTION facilitator.slot_set_busy_until() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.busy_until := facilitator.slot_busy_until(
        int8range(NEW.facilitator_number, NEW.facilitator_number, '[]'),
        tstzrange(NEW.starts_at, NEW.ends_at, '[)')
    );
    RETURN NEW;
END
$$
"""

# After each statement writing bookings (one booking through the API, thousands through COPY), the
# slots lying on the time of any booking written, before or after the change, are worked out again,
# through the slots' own exclusion index. A change that leaves what occupies a time as it was (a
# rating, a completion, a note) rewrites no slot. Each event sees its own transition tables only, so
# each branch gathers the times it touched and one statement works the slots out for all three.
BOOKING_TRIGGER_FUNCTION = """
CREATE FUNCTION facilitator.booking_mark_slots() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    touched_keys int8range[];
    touched_during tstzrange[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(n.facilitator_key), array_agg(n.during) INTO touched_keys, touched_during
        FROM new_rows n;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(o.facilitator_key), array_agg(o.during) INTO touched_keys, touched_during
        FROM old_rows o;
    ELSE
        SELECT array_agg(t.facilitator_key), array_agg(t.during) INTO touched_keys, touched_during
        FROM old_rows o
        JOIN new_rows n ON n.id = o.id,
        LATERAL (VALUES (o.facilitator_key, o.during), (n.facilitator_key, n.during)) t (facilitator_key, during)
        WHERE (o.status, o.hold_expires_at, o.facilitator_key, o.during)
            IS DISTINCT FROM (n.status, n.hold_expires_at, n.facilitator_key, n.during);
    END IF;
    UPDATE facilitator.slot s SET busy_until = worked_out.busy_until
    FROM (
        SELECT DISTINCT s2.id, facilitator.slot_busy_until(s2.facilitator_key, s2.during) AS busy_until
        FROM facilitator.slot s2
        JOIN unnest(touched_keys, touched_during) t (facilitator_key, during)
            ON s2.facilitator_key && t.facilitator_key AND s2.during && t.during
    ) worked_out
    WHERE s.id = worked_out.id AND s.busy_until IS DISTINCT FROM worked_out.busy_until;
    RETURN NULL;
END
$$
"""

# A language's base ("cy" of "cy-GB"): matching counts a regional variant as the language itself.
LANGUAGE_BASES_FUNCTION = """
CREATE FUNCTION facilitator.language_bases(languages text[]) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(split_part(code, '-', 1)), '{}') FROM unnest(languages) AS code
$$
"""


def upgrade() -> None:
    op.add_column(
        "slot",
        sa.Column("busy_until", sa.DateTime(timezone=True), server_default=sa.text("'-infinity'"), nullable=False),
        schema="facilitator",
    )
    op.execute(BUSY_UNTIL_FUNCTION)
    op.execute(SLOT_TRIGGER_FUNCTION)
    op.execute(BOOKING_TRIGGER_FUNCTION)
    op.execute(
        "CREATE TRIGGER slot_busy_until BEFORE INSERT OR UPDATE OF facilitator_number, starts_at, ends_at"
        " ON facilitator.slot FOR EACH ROW EXECUTE FUNCTION facilitator.slot_set_busy_until()"
    )
    # Transition tables allow one event per trigger.
    for event, tables in (
        ("INSERT", "NEW TABLE AS new_rows"),
        ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
        ("DELETE", "OLD TABLE AS old_rows"),
    ):
        op.execute(
            f"CREATE TRIGGER booking_marks_slots_on_{event.lower()} AFTER {event} ON facilitator.booking"
            f" REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION facilitator.booking_mark_slots()"
        )
    # The slots booked so far.
    op.execute(
        "UPDATE facilitator.slot s SET busy_until = facilitator.slot_busy_until(s.facilitator_key, s.during)"
        " WHERE EXISTS (SELECT FROM facilitator.booking b WHERE b.facilitator_key && s.facilitator_key"
        " AND b.during && s.during AND b.status IN ('held', 'confirmed', 'completed'))"
    )
    op.execute(LANGUAGE_BASES_FUNCTION)
    op.add_column(
        "facilitator",
        sa.Column(
            "language_bases",
            sa.ARRAY(sa.Text()),
            sa.Computed("facilitator.language_bases(languages)", persisted=True),
            nullable=False,
        ),
        schema="facilitator",
    )


def downgrade() -> None:
    op.drop_column("facilitator", "language_bases", schema="facilitator")
    op.execute("DROP FUNCTION facilitator.language_bases(text[])")
    for event in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER booking_marks_slots_on_{event} ON facilitator.booking")
    op.execute("DROP TRIGGER slot_busy_until ON facilitator.slot")
    op.execute("DROP FUNCTION facilitator.booking_mark_slots()")
    op.execute("DROP FUNCTION facilitator.slot_set_busy_until()")
    op.execute("DROP FUNCTION facilitator.slot_busy_until(int8range, tstzrange)")
    op.drop_column("slot", "busy_until", schema="facilitator")

"""register, slots, bookings, allocations, and what is learnt from events

Revision ID: 0001
Revises:
Create Date: 2026-11-22 03:03:11.625412
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "allocation",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("region", sa.Text(), nullable=False),
        sa.Column("requested_by", sa.Text(), nullable=False),
        sa.Column("idempotency_key", sa.Text(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "queued",
                "running",
                "proposed",
                "failed",
                "confirmed",
                "discarded",
                name="status",
                native_enum=False,
                create_constraint=True,
                length=16,
                schema="facilitator",
            ),
            nullable=False,
        ),
        sa.Column("progress", sa.Float(), server_default=sa.text("0"), nullable=False),
        sa.Column("stage", sa.Text(), server_default="queued", nullable=False),
        sa.Column("window_starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("window_ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("options", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False),
        sa.Column("participant_count", sa.Integer(), nullable=False),
        sa.Column("assigned_count", sa.Integer(), nullable=True),
        sa.Column("objective_cost", sa.BigInteger(), nullable=True),
        sa.Column("solve_seconds", sa.Float(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("confirmed_by", sa.Text(), nullable=True),
        sa.CheckConstraint("progress BETWEEN 0 AND 1", name=op.f("ck_allocation_progress_range")),
        sa.CheckConstraint("window_ends_at > window_starts_at", name=op.f("ck_allocation_window_order")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allocation")),
        sa.UniqueConstraint("requested_by", "idempotency_key", name=op.f("uq_allocation_requested_by_idempotency_key")),
        schema="facilitator",
    )
    op.create_index(op.f("ix_allocation_region"), "allocation", ["region"], unique=False, schema="facilitator")
    op.create_index(
        op.f("ix_allocation_status_created_at"),
        "allocation",
        ["status", "created_at"],
        unique=False,
        schema="facilitator",
        postgresql_where=sa.text("status IN ('queued', 'running')"),
    )
    op.create_table(
        "facilitator",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("subject", sa.Text(), nullable=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("email", sa.Text(), nullable=False),
        sa.Column("email_hash", sa.Text(), nullable=False),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column("organisation", sa.Text(), nullable=False),
        sa.Column("region", sa.Text(), nullable=False),
        sa.Column(
            "accreditation_level",
            sa.Enum(
                "facilitator",
                "trainer",
                name="level",
                native_enum=False,
                create_constraint=True,
                length=32,
                schema="facilitator",
            ),
            nullable=False,
        ),
        sa.Column("accreditation_trained_on", sa.Date(), nullable=False),
        sa.Column("accreditation_expires_on", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "inactive",
                "withdrawn",
                name="status",
                native_enum=False,
                create_constraint=True,
                length=32,
                schema="facilitator",
            ),
            nullable=False,
        ),
        sa.Column("capacity_per_month", sa.Integer(), nullable=False),
        sa.Column("modes", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("languages", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("specialisms", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("conflict_organisations", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("conflict_participants", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "(latitude IS NULL) = (longitude IS NULL)", name=op.f("ck_facilitator_coordinates_together")
        ),
        sa.CheckConstraint(
            "accreditation_expires_on >= accreditation_trained_on", name=op.f("ck_facilitator_accreditation_dates")
        ),
        sa.CheckConstraint("capacity_per_month >= 0", name=op.f("ck_facilitator_capacity_not_negative")),
        sa.CheckConstraint("cardinality(modes) > 0", name=op.f("ck_facilitator_some_mode")),
        sa.CheckConstraint(
            "latitude BETWEEN -90 AND 90 AND longitude BETWEEN -180 AND 180",
            name=op.f("ck_facilitator_coordinates_range"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_facilitator")),
        sa.UniqueConstraint("id", "number", name=op.f("uq_facilitator_id_number")),
        sa.UniqueConstraint("number", name=op.f("uq_facilitator_number")),
        sa.UniqueConstraint("subject", name=op.f("uq_facilitator_subject")),
        schema="facilitator",
    )
    op.create_index(
        op.f("ix_facilitator_email_hash"), "facilitator", ["email_hash"], unique=False, schema="facilitator"
    )
    op.create_index(
        op.f("ix_facilitator_region_name"), "facilitator", ["region", "name"], unique=False, schema="facilitator"
    )
    op.create_index(
        "uq_facilitator_email", "facilitator", [sa.literal_column("lower(email)")], unique=True, schema="facilitator"
    )
    op.create_table(
        "inbox_message",
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("event_id", sa.Text(), nullable=False),
        sa.Column("type", sa.Text(), nullable=False),
        sa.Column("handler", sa.Text(), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("source", "event_id", name=op.f("pk_inbox_message")),
        schema="facilitator",
    )
    op.create_table(
        "outbox_message",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.Text(), nullable=False),
        sa.Column("type", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=True),
        sa.Column("envelope", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_message")),
        sa.UniqueConstraint("event_id", name=op.f("uq_outbox_message_event_id")),
        schema="facilitator",
    )
    op.create_index(
        op.f("ix_outbox_message_next_attempt_at_id"),
        "outbox_message",
        ["next_attempt_at", "id"],
        unique=False,
        schema="facilitator",
        postgresql_where=sa.text("sent_at IS NULL"),
    )
    op.create_table(
        "participant_cycle",
        sa.Column("cycle_id", sa.Uuid(), nullable=False),
        sa.Column("participant_id", sa.Text(), nullable=False),
        sa.Column("organisation", sa.Text(), nullable=False),
        sa.Column("region", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("cycle_id", name=op.f("pk_participant_cycle")),
        schema="facilitator",
    )
    op.create_index(
        op.f("ix_participant_cycle_participant_id"),
        "participant_cycle",
        ["participant_id"],
        unique=False,
        schema="facilitator",
    )
    op.create_table(
        "participant_report",
        sa.Column("report_id", sa.Uuid(), nullable=False),
        sa.Column("cycle_id", sa.Uuid(), nullable=False),
        sa.Column("participant_id", sa.Text(), nullable=False),
        sa.Column("ready_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("report_id", name=op.f("pk_participant_report")),
        schema="facilitator",
    )
    op.create_index(
        op.f("ix_participant_report_cycle_id"), "participant_report", ["cycle_id"], unique=False, schema="facilitator"
    )
    op.create_index(
        op.f("ix_participant_report_participant_id"),
        "participant_report",
        ["participant_id"],
        unique=False,
        schema="facilitator",
    )
    op.create_table(
        "rater_conflict",
        sa.Column("participant_id", sa.Text(), nullable=False),
        sa.Column("email_hash", sa.Text(), nullable=False),
        sa.Column("cycle_id", sa.Uuid(), nullable=False),
        sa.Column("nominated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("participant_id", "email_hash", name=op.f("pk_rater_conflict")),
        schema="facilitator",
    )
    op.create_index(
        op.f("ix_rater_conflict_email_hash"), "rater_conflict", ["email_hash"], unique=False, schema="facilitator"
    )
    op.create_table(
        "allocation_participant",
        sa.Column("allocation_id", sa.Uuid(), nullable=False),
        sa.Column("participant_id", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("organisation", sa.Text(), nullable=True),
        sa.Column("region", sa.Text(), nullable=True),
        sa.Column("cycle_id", sa.Uuid(), nullable=True),
        sa.Column("preferences", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False),
        sa.Column("facilitator_id", sa.Uuid(), nullable=True),
        sa.Column("slot_id", sa.Uuid(), nullable=True),
        sa.Column("mode", sa.Text(), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cost", sa.Integer(), nullable=True),
        sa.Column("reasons", postgresql.JSONB(astext_type=sa.Text()), server_default="[]", nullable=False),
        sa.Column("unassigned_reason", sa.Text(), nullable=True),
        sa.Column("booking_id", sa.Uuid(), nullable=True),
        sa.Column("booking_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["allocation_id"],
            ["facilitator.allocation.id"],
            name=op.f("fk_allocation_participant_allocation_id_allocation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("allocation_id", "participant_id", name=op.f("pk_allocation_participant")),
        sa.UniqueConstraint("allocation_id", "position", name=op.f("uq_allocation_participant_allocation_id_position")),
        schema="facilitator",
    )
    op.create_index(
        op.f("ix_allocation_participant_participant_id"),
        "allocation_participant",
        ["participant_id"],
        unique=False,
        schema="facilitator",
    )
    op.create_table(
        "slot",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("facilitator_id", sa.Uuid(), nullable=False),
        sa.Column("facilitator_number", sa.BigInteger(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("modes", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("venue", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column(
            "facilitator_key",
            postgresql.INT8RANGE(),
            sa.Computed("int8range(facilitator_number, facilitator_number, '[]')", persisted=True),
            nullable=False,
        ),
        sa.Column(
            "during",
            postgresql.TSTZRANGE(),
            sa.Computed("tstzrange(starts_at, ends_at, '[)')", persisted=True),
            nullable=False,
        ),
        postgresql.ExcludeConstraint(
            (sa.column("facilitator_key"), "&&"),
            (sa.column("during"), "&&"),
            using="gist",
            name="ex_slot_facilitator_during",
        ),
        sa.CheckConstraint("cardinality(modes) > 0", name=op.f("ck_slot_some_mode")),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_slot_ends_after_start")),
        sa.ForeignKeyConstraint(
            ["facilitator_id", "facilitator_number"],
            ["facilitator.facilitator.id", "facilitator.facilitator.number"],
            name="fk_slot_facilitator",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_slot")),
        schema="facilitator",
    )
    op.create_index(
        op.f("ix_slot_facilitator_id_starts_at"),
        "slot",
        ["facilitator_id", "starts_at"],
        unique=False,
        schema="facilitator",
    )
    op.create_index(op.f("ix_slot_starts_at"), "slot", ["starts_at"], unique=False, schema="facilitator")
    op.create_table(
        "booking",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("facilitator_id", sa.Uuid(), nullable=False),
        sa.Column("facilitator_number", sa.BigInteger(), nullable=False),
        sa.Column("slot_id", sa.Uuid(), nullable=True),
        sa.Column("participant_id", sa.Text(), nullable=True),
        sa.Column("participant_organisation", sa.Text(), nullable=True),
        sa.Column("participant_region", sa.Text(), nullable=True),
        sa.Column("cycle_id", sa.Uuid(), nullable=True),
        sa.Column("mode", sa.Text(), nullable=False),
        sa.Column("venue", sa.Text(), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "held",
                "confirmed",
                "cancelled",
                "completed",
                "expired",
                name="status",
                native_enum=False,
                create_constraint=True,
                length=16,
                schema="facilitator",
            ),
            nullable=False,
        ),
        sa.Column("hold_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("booked_by", sa.Text(), nullable=True),
        sa.Column("idempotency_key", sa.Text(), nullable=True),
        sa.Column("allocation_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_by", sa.Text(), nullable=True),
        sa.Column("cancellation_reason", sa.Text(), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("rating_comment", sa.Text(), nullable=True),
        sa.Column("rated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "facilitator_key",
            postgresql.INT8RANGE(),
            sa.Computed("int8range(facilitator_number, facilitator_number, '[]')", persisted=True),
            nullable=False,
        ),
        sa.Column(
            "during",
            postgresql.TSTZRANGE(),
            sa.Computed("tstzrange(starts_at, ends_at, '[)')", persisted=True),
            nullable=False,
        ),
        postgresql.ExcludeConstraint(
            (sa.column("facilitator_key"), "&&"),
            (sa.column("during"), "&&"),
            where=sa.text("status IN ('held', 'confirmed', 'completed')"),
            using="gist",
            name="ex_booking_facilitator_during",
        ),
        sa.CheckConstraint("status <> 'held' OR hold_expires_at IS NOT NULL", name=op.f("ck_booking_hold_expires")),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_booking_ends_after_start")),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name=op.f("ck_booking_rating_range")),
        sa.ForeignKeyConstraint(
            ["facilitator_id", "facilitator_number"],
            ["facilitator.facilitator.id", "facilitator.facilitator.number"],
            name="fk_booking_facilitator",
        ),
        sa.ForeignKeyConstraint(
            ["slot_id"], ["facilitator.slot.id"], name=op.f("fk_booking_slot_id_slot"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking")),
        sa.UniqueConstraint("booked_by", "idempotency_key", name=op.f("uq_booking_booked_by_idempotency_key")),
        schema="facilitator",
    )
    op.create_index(op.f("ix_booking_allocation_id"), "booking", ["allocation_id"], unique=False, schema="facilitator")
    op.create_index(op.f("ix_booking_cycle_id"), "booking", ["cycle_id"], unique=False, schema="facilitator")
    op.create_index(
        op.f("ix_booking_facilitator_id_starts_at"),
        "booking",
        ["facilitator_id", "starts_at"],
        unique=False,
        schema="facilitator",
    )
    op.create_index(
        op.f("ix_booking_participant_id"), "booking", ["participant_id"], unique=False, schema="facilitator"
    )
    op.create_index(op.f("ix_booking_slot_id"), "booking", ["slot_id"], unique=False, schema="facilitator")
    op.create_index(
        "uq_booking_participant_cycle",
        "booking",
        ["participant_id", "cycle_id"],
        unique=True,
        schema="facilitator",
        postgresql_where=sa.text("status IN ('held', 'confirmed') AND cycle_id IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index(
        "uq_booking_participant_cycle",
        table_name="booking",
        schema="facilitator",
        postgresql_where=sa.text("status IN ('held', 'confirmed') AND cycle_id IS NOT NULL"),
    )
    op.drop_index(op.f("ix_booking_slot_id"), table_name="booking", schema="facilitator")
    op.drop_index(op.f("ix_booking_participant_id"), table_name="booking", schema="facilitator")
    op.drop_index(op.f("ix_booking_facilitator_id_starts_at"), table_name="booking", schema="facilitator")
    op.drop_index(op.f("ix_booking_cycle_id"), table_name="booking", schema="facilitator")
    op.drop_index(op.f("ix_booking_allocation_id"), table_name="booking", schema="facilitator")
    op.drop_table("booking", schema="facilitator")
    op.drop_index(op.f("ix_slot_starts_at"), table_name="slot", schema="facilitator")
    op.drop_index(op.f("ix_slot_facilitator_id_starts_at"), table_name="slot", schema="facilitator")
    op.drop_table("slot", schema="facilitator")
    op.drop_index(
        op.f("ix_allocation_participant_participant_id"), table_name="allocation_participant", schema="facilitator"
    )
    op.drop_table("allocation_participant", schema="facilitator")
    op.drop_index(op.f("ix_rater_conflict_email_hash"), table_name="rater_conflict", schema="facilitator")
    op.drop_table("rater_conflict", schema="facilitator")
    op.drop_index(op.f("ix_participant_report_participant_id"), table_name="participant_report", schema="facilitator")
    op.drop_index(op.f("ix_participant_report_cycle_id"), table_name="participant_report", schema="facilitator")
    op.drop_table("participant_report", schema="facilitator")
    op.drop_index(op.f("ix_participant_cycle_participant_id"), table_name="participant_cycle", schema="facilitator")
    op.drop_table("participant_cycle", schema="facilitator")
    op.drop_index(
        op.f("ix_outbox_message_next_attempt_at_id"),
        table_name="outbox_message",
        schema="facilitator",
        postgresql_where=sa.text("sent_at IS NULL"),
    )
    op.drop_table("outbox_message", schema="facilitator")
    op.drop_table("inbox_message", schema="facilitator")
    op.drop_index("uq_facilitator_email", table_name="facilitator", schema="facilitator")
    op.drop_index(op.f("ix_facilitator_region_name"), table_name="facilitator", schema="facilitator")
    op.drop_index(op.f("ix_facilitator_email_hash"), table_name="facilitator", schema="facilitator")
    op.drop_table("facilitator", schema="facilitator")
    op.drop_index(
        op.f("ix_allocation_status_created_at"),
        table_name="allocation",
        schema="facilitator",
        postgresql_where=sa.text("status IN ('queued', 'running')"),
    )
    op.drop_index(op.f("ix_allocation_region"), table_name="allocation", schema="facilitator")
    op.drop_table("allocation", schema="facilitator")

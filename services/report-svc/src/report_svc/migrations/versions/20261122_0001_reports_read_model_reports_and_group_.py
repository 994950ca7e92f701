"""reports read model, reports and group reports

Revision ID: 0001
Revises:
Create Date: 2026-11-22 03:03:27.864604
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
        "booking",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("facilitator_id", sa.Uuid(), nullable=True),
        sa.Column("participant_id", sa.Text(), nullable=True),
        sa.Column("cycle_id", sa.Uuid(), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("booked_event_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking")),
        schema="report",
    )
    op.create_index(op.f("ix_booking_cycle_id"), "booking", ["cycle_id"], unique=False, schema="report")
    op.create_index(op.f("ix_booking_facilitator_id"), "booking", ["facilitator_id"], unique=False, schema="report")
    op.create_index(op.f("ix_booking_participant_id"), "booking", ["participant_id"], unique=False, schema="report")
    op.create_table(
        "consent",
        sa.Column("participant_id", sa.Text(), nullable=False),
        sa.Column("organisation", sa.Text(), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("participant_id", name=op.f("pk_consent")),
        schema="report",
    )
    op.create_table(
        "cycle",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=True),
        sa.Column("participant_id", sa.Text(), nullable=True),
        sa.Column("organisation", sa.Text(), nullable=True),
        sa.Column("region", sa.Text(), nullable=True),
        sa.Column("questionnaire_id", sa.Uuid(), nullable=True),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("thresholds", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("release_mode", sa.Text(), nullable=True),
        sa.Column("team_cycle_id", sa.Uuid(), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cycle")),
        schema="report",
    )
    op.create_index(op.f("ix_cycle_participant_id"), "cycle", ["participant_id"], unique=False, schema="report")
    op.create_index(op.f("ix_cycle_team_cycle_id"), "cycle", ["team_cycle_id"], unique=False, schema="report")
    op.create_table(
        "erased_cycle",
        sa.Column("cycle_id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("cycle_id", name=op.f("pk_erased_cycle")),
        schema="report",
    )
    op.create_table(
        "erased_participant",
        sa.Column("participant_hash", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("participant_hash", name=op.f("pk_erased_participant")),
        schema="report",
    )
    op.create_table(
        "group_report",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("scope_value", sa.Text(), nullable=False),
        sa.Column("questionnaire_id", sa.Uuid(), nullable=False),
        sa.Column("closed_from", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_to", sa.DateTime(timezone=True), nullable=True),
        sa.Column("member_report_ids", postgresql.ARRAY(sa.UUID()), nullable=False),
        sa.Column("participant_count", sa.Integer(), nullable=False),
        sa.Column("content", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("issued_to", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_report")),
        schema="report",
    )
    op.create_index(
        op.f("ix_group_report_scope_scope_value"),
        "group_report",
        ["scope", "scope_value"],
        unique=False,
        schema="report",
    )
    op.create_table(
        "inbox_message",
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("event_id", sa.Text(), nullable=False),
        sa.Column("type", sa.Text(), nullable=False),
        sa.Column("handler", sa.Text(), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("source", "event_id", name=op.f("pk_inbox_message")),
        schema="report",
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
        schema="report",
    )
    op.create_index(
        op.f("ix_outbox_message_next_attempt_at_id"),
        "outbox_message",
        ["next_attempt_at", "id"],
        unique=False,
        schema="report",
        postgresql_where=sa.text("sent_at IS NULL"),
    )
    op.create_table(
        "questionnaire",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("framework_key", sa.Text(), nullable=False),
        sa.Column("framework_version", sa.Integer(), nullable=False),
        sa.Column("document", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questionnaire")),
        schema="report",
    )
    op.create_table(
        "report",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("cycle_id", sa.Uuid(), nullable=False),
        sa.Column("participant_id", sa.Text(), nullable=False),
        sa.Column("organisation", sa.Text(), nullable=False),
        sa.Column("region", sa.Text(), nullable=False),
        sa.Column("team_cycle_id", sa.Uuid(), nullable=True),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("release_mode", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("released_by", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report")),
        sa.UniqueConstraint("cycle_id", name=op.f("uq_report_cycle_id")),
        schema="report",
    )
    op.create_index(op.f("ix_report_organisation"), "report", ["organisation"], unique=False, schema="report")
    op.create_index(op.f("ix_report_participant_id"), "report", ["participant_id"], unique=False, schema="report")
    op.create_index(op.f("ix_report_updated_at_id"), "report", ["updated_at", "id"], unique=False, schema="report")
    op.create_table(
        "published_score",
        sa.Column("report_id", sa.Uuid(), nullable=False),
        sa.Column("dimension_key", sa.Text(), nullable=False),
        sa.Column("rater_group", sa.Text(), nullable=False),
        sa.Column("score", sa.Numeric(precision=4, scale=2), nullable=False),
        sa.Column("level", sa.Text(), nullable=False),
        sa.Column("questionnaire_id", sa.Uuid(), nullable=False),
        sa.Column("organisation", sa.Text(), nullable=False),
        sa.Column("region", sa.Text(), nullable=False),
        sa.Column("team_cycle_id", sa.Uuid(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"], ["report.report.id"], name=op.f("fk_published_score_report_id_report"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("report_id", "dimension_key", "rater_group", name=op.f("pk_published_score")),
        schema="report",
    )
    op.create_index(
        op.f("ix_published_score_organisation_closed_at"),
        "published_score",
        ["organisation", "closed_at"],
        unique=False,
        schema="report",
    )
    op.create_index(
        op.f("ix_published_score_region_closed_at"),
        "published_score",
        ["region", "closed_at"],
        unique=False,
        schema="report",
    )
    op.create_index(
        op.f("ix_published_score_team_cycle_id"), "published_score", ["team_cycle_id"], unique=False, schema="report"
    )
    op.create_table(
        "report_version",
        sa.Column("report_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"], ["report.report.id"], name=op.f("fk_report_version_report_id_report"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("report_id", "version", name=op.f("pk_report_version")),
        schema="report",
    )
    op.create_table(
        "response",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("cycle_id", sa.Uuid(), nullable=False),
        sa.Column("rater_group", sa.Text(), nullable=False),
        sa.Column("answers", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("importance", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("comments", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.ForeignKeyConstraint(
            ["cycle_id"], ["report.cycle.id"], name=op.f("fk_response_cycle_id_cycle"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_response")),
        schema="report",
    )
    op.create_index(op.f("ix_response_cycle_id"), "response", ["cycle_id"], unique=False, schema="report")


def downgrade() -> None:
    op.drop_index(op.f("ix_response_cycle_id"), table_name="response", schema="report")
    op.drop_table("response", schema="report")
    op.drop_table("report_version", schema="report")
    op.drop_index(op.f("ix_published_score_team_cycle_id"), table_name="published_score", schema="report")
    op.drop_index(op.f("ix_published_score_region_closed_at"), table_name="published_score", schema="report")
    op.drop_index(op.f("ix_published_score_organisation_closed_at"), table_name="published_score", schema="report")
    op.drop_table("published_score", schema="report")
    op.drop_index(op.f("ix_report_updated_at_id"), table_name="report", schema="report")
    op.drop_index(op.f("ix_report_participant_id"), table_name="report", schema="report")
    op.drop_index(op.f("ix_report_organisation"), table_name="report", schema="report")
    op.drop_table("report", schema="report")
    op.drop_table("questionnaire", schema="report")
    op.drop_index(
        op.f("ix_outbox_message_next_attempt_at_id"),
        table_name="outbox_message",
        schema="report",
        postgresql_where=sa.text("sent_at IS NULL"),
    )
    op.drop_table("outbox_message", schema="report")
    op.drop_table("inbox_message", schema="report")
    op.drop_index(op.f("ix_group_report_scope_scope_value"), table_name="group_report", schema="report")
    op.drop_table("group_report", schema="report")
    op.drop_table("erased_participant", schema="report")
    op.drop_table("erased_cycle", schema="report")
    op.drop_index(op.f("ix_cycle_team_cycle_id"), table_name="cycle", schema="report")
    op.drop_index(op.f("ix_cycle_participant_id"), table_name="cycle", schema="report")
    op.drop_table("cycle", schema="report")
    op.drop_table("consent", schema="report")
    op.drop_index(op.f("ix_booking_participant_id"), table_name="booking", schema="report")
    op.drop_index(op.f("ix_booking_facilitator_id"), table_name="booking", schema="report")
    op.drop_index(op.f("ix_booking_cycle_id"), table_name="booking", schema="report")
    op.drop_table("booking", schema="report")

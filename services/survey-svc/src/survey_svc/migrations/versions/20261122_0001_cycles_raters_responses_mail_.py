"""cycles, raters, responses, mail, observations and goals

Revision ID: 0001
Revises:
Create Date: 2026-11-22 03:03:16.993084
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
        "goal",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("author_id", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("dimension_keys", sa.ARRAY(sa.Text()), nullable=False),
        sa.Column("target_on", sa.Date(), nullable=True),
        sa.Column("remind_on", sa.Date(), nullable=True),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("idempotency_key", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("status IN ('active', 'achieved', 'dropped')", name=op.f("ck_goal_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goal")),
        sa.UniqueConstraint("author_id", "idempotency_key", name=op.f("uq_goal_author_id_idempotency_key")),
        schema="survey",
    )
    op.create_index("ix_goal_author_id_remind_on", "goal", ["author_id", "remind_on"], unique=False, schema="survey")
    op.create_table(
        "inbox_message",
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("event_id", sa.Text(), nullable=False),
        sa.Column("type", sa.Text(), nullable=False),
        sa.Column("handler", sa.Text(), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("source", "event_id", name=op.f("pk_inbox_message")),
        schema="survey",
    )
    op.create_table(
        "observation",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("author_id", sa.Text(), nullable=False),
        sa.Column("observed_on", sa.Date(), nullable=False),
        sa.Column("context", sa.Text(), nullable=False),
        sa.Column("what_happened", sa.Text(), nullable=False),
        sa.Column("dimension_keys", sa.ARRAY(sa.Text()), nullable=False),
        sa.Column("reflection", sa.Text(), nullable=True),
        sa.Column("idempotency_key", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_observation")),
        sa.UniqueConstraint("author_id", "idempotency_key", name=op.f("uq_observation_author_id_idempotency_key")),
        schema="survey",
    )
    op.create_index(
        "ix_observation_author_id_observed_on",
        "observation",
        ["author_id", "observed_on", "id"],
        unique=False,
        schema="survey",
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
        schema="survey",
    )
    op.create_index(
        op.f("ix_outbox_message_next_attempt_at_id"),
        "outbox_message",
        ["next_attempt_at", "id"],
        unique=False,
        schema="survey",
        postgresql_where=sa.text("sent_at IS NULL"),
    )
    op.create_table(
        "questionnaire",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("framework_key", sa.Text(), nullable=False),
        sa.Column("framework_version", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("document", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questionnaire")),
        sa.UniqueConstraint("key", "version", name=op.f("uq_questionnaire_key_version")),
        schema="survey",
    )
    op.create_table(
        "team_cycle",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("organisation", sa.Text(), nullable=False),
        sa.Column("region", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_cycle")),
        schema="survey",
    )
    op.create_index(op.f("ix_team_cycle_created_by"), "team_cycle", ["created_by"], unique=False, schema="survey")
    op.create_table(
        "token_failure",
        sa.Column("client_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("client_hash", "window_start", name=op.f("pk_token_failure")),
        schema="survey",
    )
    op.create_table(
        "cycle",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("participant_id", sa.Text(), nullable=False),
        sa.Column("participant_name", sa.Text(), nullable=False),
        sa.Column("organisation", sa.Text(), nullable=False),
        sa.Column("region", sa.Text(), nullable=False),
        sa.Column("questionnaire_id", sa.Uuid(), nullable=False),
        sa.Column("self_questionnaire_id", sa.Uuid(), nullable=True),
        sa.Column("team_cycle_id", sa.Uuid(), nullable=True),
        sa.Column("release_mode", sa.Text(), nullable=False),
        sa.Column("requires_approval", sa.Boolean(), nullable=False),
        sa.Column("approval_decision", sa.Text(), nullable=True),
        sa.Column("approval_note", sa.Text(), nullable=True),
        sa.Column("approval_decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("min_line_manager", sa.Integer(), nullable=False),
        sa.Column("min_peer", sa.Integer(), nullable=False),
        sa.Column("min_direct_report", sa.Integer(), nullable=False),
        sa.Column("min_other", sa.Integer(), nullable=False),
        sa.Column("min_others_total", sa.Integer(), nullable=False),
        sa.Column("self_draft", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("close_reason", sa.Text(), nullable=True),
        sa.Column("report_released_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("converted_from_cycle_id", sa.Uuid(), nullable=True),
        sa.Column("idempotency_key", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("(kind = 'team_360') = (team_cycle_id IS NOT NULL)", name=op.f("ck_cycle_team_member")),
        sa.CheckConstraint("kind IN ('self_assessment', 'feedback_360', 'team_360')", name=op.f("ck_cycle_kind")),
        sa.CheckConstraint("release_mode IN ('coached', 'direct')", name=op.f("ck_cycle_release_mode")),
        sa.CheckConstraint("status IN ('draft', 'awaiting_approval', 'open', 'closed')", name=op.f("ck_cycle_status")),
        sa.CheckConstraint(
            "min_line_manager >= 1 AND min_peer >= 1 AND min_direct_report >= 1 AND min_other >= 1"
            " AND min_others_total >= 1",
            name=op.f("ck_cycle_thresholds"),
        ),
        sa.ForeignKeyConstraint(
            ["converted_from_cycle_id"],
            ["survey.cycle.id"],
            name=op.f("fk_cycle_converted_from_cycle_id_cycle"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["questionnaire_id"], ["survey.questionnaire.id"], name=op.f("fk_cycle_questionnaire_id_questionnaire")
        ),
        sa.ForeignKeyConstraint(
            ["self_questionnaire_id"],
            ["survey.questionnaire.id"],
            name=op.f("fk_cycle_self_questionnaire_id_questionnaire"),
        ),
        sa.ForeignKeyConstraint(
            ["team_cycle_id"], ["survey.team_cycle.id"], name=op.f("fk_cycle_team_cycle_id_team_cycle")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cycle")),
        sa.UniqueConstraint("converted_from_cycle_id", name=op.f("uq_cycle_converted_from_cycle_id")),
        sa.UniqueConstraint("participant_id", "idempotency_key", name=op.f("uq_cycle_participant_id_idempotency_key")),
        schema="survey",
    )
    op.create_index(
        "ix_cycle_due",
        "cycle",
        ["closes_at"],
        unique=False,
        schema="survey",
        postgresql_where=sa.text("status = 'open'"),
    )
    op.create_index(op.f("ix_cycle_participant_id"), "cycle", ["participant_id"], unique=False, schema="survey")
    op.create_index(op.f("ix_cycle_questionnaire_id"), "cycle", ["questionnaire_id"], unique=False, schema="survey")
    op.create_index(op.f("ix_cycle_team_cycle_id"), "cycle", ["team_cycle_id"], unique=False, schema="survey")
    op.create_table(
        "feedback_session",
        sa.Column("booking_id", sa.Uuid(), nullable=False),
        sa.Column("cycle_id", sa.Uuid(), nullable=False),
        sa.Column("participant_id", sa.Text(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["cycle_id"], ["survey.cycle.id"], name=op.f("fk_feedback_session_cycle_id_cycle"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("booking_id", name=op.f("pk_feedback_session")),
        schema="survey",
    )
    op.create_index(
        op.f("ix_feedback_session_cycle_id"), "feedback_session", ["cycle_id"], unique=False, schema="survey"
    )
    op.create_index(
        op.f("ix_feedback_session_participant_id"),
        "feedback_session",
        ["participant_id"],
        unique=False,
        schema="survey",
    )
    op.create_table(
        "invitation",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("cycle_id", sa.Uuid(), nullable=False),
        sa.Column("rater_group", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("email", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("draft", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("draft_saved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("first_opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminders_sent", sa.Integer(), nullable=False),
        sa.Column("nominated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "rater_group IN ('line_manager', 'peer', 'direct_report', 'other')", name=op.f("ck_invitation_rater_group")
        ),
        sa.CheckConstraint(
            "status IN ('invited', 'submitted', 'declined', 'withdrawn')", name=op.f("ck_invitation_status")
        ),
        sa.ForeignKeyConstraint(
            ["cycle_id"], ["survey.cycle.id"], name=op.f("fk_invitation_cycle_id_cycle"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitation")),
        schema="survey",
    )
    op.create_index(op.f("ix_invitation_cycle_id"), "invitation", ["cycle_id"], unique=False, schema="survey")
    op.create_index(
        "uq_invitation_cycle_id_email",
        "invitation",
        ["cycle_id", sa.literal_column("lower(email)")],
        unique=True,
        schema="survey",
        postgresql_where=sa.text("status <> 'withdrawn'"),
    )
    op.create_table(
        "invitation_token",
        sa.Column("token_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("invitation_id", sa.Uuid(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["invitation_id"],
            ["survey.invitation.id"],
            name=op.f("fk_invitation_token_invitation_id_invitation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_invitation_token")),
        schema="survey",
    )
    op.create_index(
        op.f("ix_invitation_token_invitation_id"), "invitation_token", ["invitation_id"], unique=False, schema="survey"
    )
    op.create_table(
        "mail_job",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("invitation_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("kind IN ('invitation', 'reminder', 'approval_request')", name=op.f("ck_mail_job_kind")),
        sa.ForeignKeyConstraint(
            ["invitation_id"],
            ["survey.invitation.id"],
            name=op.f("fk_mail_job_invitation_id_invitation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_job")),
        schema="survey",
    )
    op.create_index(
        "ix_mail_job_due",
        "mail_job",
        ["next_attempt_at", "id"],
        unique=False,
        schema="survey",
        postgresql_where=sa.text("sent_at IS NULL"),
    )
    op.create_index(op.f("ix_mail_job_invitation_id"), "mail_job", ["invitation_id"], unique=False, schema="survey")
    op.create_table(
        "response",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("cycle_id", sa.Uuid(), nullable=False),
        sa.Column("invitation_id", sa.Uuid(), nullable=True),
        sa.Column("rater_group", sa.Text(), nullable=False),
        sa.Column("answers", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("importance", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("comments", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(rater_group = 'self') = (invitation_id IS NULL)", name=op.f("ck_response_self_has_no_invitation")
        ),
        sa.CheckConstraint(
            "rater_group IN ('self', 'line_manager', 'peer', 'direct_report', 'other')",
            name=op.f("ck_response_rater_group"),
        ),
        sa.ForeignKeyConstraint(
            ["cycle_id"], ["survey.cycle.id"], name=op.f("fk_response_cycle_id_cycle"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["invitation_id"],
            ["survey.invitation.id"],
            name=op.f("fk_response_invitation_id_invitation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_response")),
        schema="survey",
    )
    op.create_index(op.f("ix_response_cycle_id"), "response", ["cycle_id"], unique=False, schema="survey")
    op.create_index("uq_response_invitation_id", "response", ["invitation_id"], unique=True, schema="survey")
    op.create_index(
        "uq_response_self",
        "response",
        ["cycle_id"],
        unique=True,
        schema="survey",
        postgresql_where=sa.text("rater_group = 'self'"),
    )


def downgrade() -> None:
    op.drop_index(
        "uq_response_self", table_name="response", schema="survey", postgresql_where=sa.text("rater_group = 'self'")
    )
    op.drop_index("uq_response_invitation_id", table_name="response", schema="survey")
    op.drop_index(op.f("ix_response_cycle_id"), table_name="response", schema="survey")
    op.drop_table("response", schema="survey")
    op.drop_index(op.f("ix_mail_job_invitation_id"), table_name="mail_job", schema="survey")
    op.drop_index(
        "ix_mail_job_due", table_name="mail_job", schema="survey", postgresql_where=sa.text("sent_at IS NULL")
    )
    op.drop_table("mail_job", schema="survey")
    op.drop_index(op.f("ix_invitation_token_invitation_id"), table_name="invitation_token", schema="survey")
    op.drop_table("invitation_token", schema="survey")
    op.drop_index(
        "uq_invitation_cycle_id_email",
        table_name="invitation",
        schema="survey",
        postgresql_where=sa.text("status <> 'withdrawn'"),
    )
    op.drop_index(op.f("ix_invitation_cycle_id"), table_name="invitation", schema="survey")
    op.drop_table("invitation", schema="survey")
    op.drop_index(op.f("ix_feedback_session_participant_id"), table_name="feedback_session", schema="survey")
    op.drop_index(op.f("ix_feedback_session_cycle_id"), table_name="feedback_session", schema="survey")
    op.drop_table("feedback_session", schema="survey")
    op.drop_index(op.f("ix_cycle_team_cycle_id"), table_name="cycle", schema="survey")
    op.drop_index(op.f("ix_cycle_questionnaire_id"), table_name="cycle", schema="survey")
    op.drop_index(op.f("ix_cycle_participant_id"), table_name="cycle", schema="survey")
    op.drop_index("ix_cycle_due", table_name="cycle", schema="survey", postgresql_where=sa.text("status = 'open'"))
    op.drop_table("cycle", schema="survey")
    op.drop_table("token_failure", schema="survey")
    op.drop_index(op.f("ix_team_cycle_created_by"), table_name="team_cycle", schema="survey")
    op.drop_table("team_cycle", schema="survey")
    op.drop_table("questionnaire", schema="survey")
    op.drop_index(
        op.f("ix_outbox_message_next_attempt_at_id"),
        table_name="outbox_message",
        schema="survey",
        postgresql_where=sa.text("sent_at IS NULL"),
    )
    op.drop_table("outbox_message", schema="survey")
    op.drop_index("ix_observation_author_id_observed_on", table_name="observation", schema="survey")
    op.drop_table("observation", schema="survey")
    op.drop_table("inbox_message", schema="survey")
    op.drop_index("ix_goal_author_id_remind_on", table_name="goal", schema="survey")
    op.drop_table("goal", schema="survey")

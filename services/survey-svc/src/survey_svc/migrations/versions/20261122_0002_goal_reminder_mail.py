"""goal reminder mail

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 06:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The address a goal's reminder is mailed to, given by its author, and when the mail for the current
    # reminder date was queued. Goals set before have no address: their reminders stay in-app only.
    op.add_column("goal", sa.Column("remind_email", sa.Text(), nullable=True), schema="survey")
    op.add_column("goal", sa.Column("reminder_queued_at", sa.DateTime(timezone=True), nullable=True), schema="survey")
    op.create_index(
        "ix_goal_reminder_armed",
        "goal",
        ["remind_on"],
        unique=False,
        schema="survey",
        postgresql_where=sa.text("status = 'active' AND remind_email IS NOT NULL AND reminder_queued_at IS NULL"),
    )

    # A mail is now about an invitation (a rater's) or about a goal (its author's reminder).
    op.alter_column("mail_job", "invitation_id", existing_type=sa.Uuid(), nullable=True, schema="survey")
    op.add_column("mail_job", sa.Column("goal_id", sa.Uuid(), nullable=True), schema="survey")
    op.create_foreign_key(
        op.f("fk_mail_job_goal_id_goal"),
        "mail_job",
        "goal",
        ["goal_id"],
        ["id"],
        source_schema="survey",
        referent_schema="survey",
        ondelete="CASCADE",
    )
    op.create_index(op.f("ix_mail_job_goal_id"), "mail_job", ["goal_id"], unique=False, schema="survey")
    op.drop_constraint(op.f("ck_mail_job_kind"), "mail_job", type_="check", schema="survey")
    op.create_check_constraint(
        op.f("ck_mail_job_kind"),
        "mail_job",
        "kind IN ('invitation', 'reminder', 'approval_request', 'goal_reminder')",
        schema="survey",
    )
    op.create_check_constraint(
        op.f("ck_mail_job_recipient"),
        "mail_job",
        "(kind = 'goal_reminder') = (goal_id IS NOT NULL) AND (goal_id IS NULL) = (invitation_id IS NOT NULL)",
        schema="survey",
    )


def downgrade() -> None:
    op.execute("DELETE FROM survey.mail_job WHERE kind = 'goal_reminder'")
    op.drop_constraint(op.f("ck_mail_job_recipient"), "mail_job", type_="check", schema="survey")
    op.drop_constraint(op.f("ck_mail_job_kind"), "mail_job", type_="check", schema="survey")
    op.create_check_constraint(
        op.f("ck_mail_job_kind"), "mail_job", "kind IN ('invitation', 'reminder', 'approval_request')", schema="survey"
    )
    op.drop_index(op.f("ix_mail_job_goal_id"), table_name="mail_job", schema="survey")
    op.drop_constraint(op.f("fk_mail_job_goal_id_goal"), "mail_job", type_="foreignkey", schema="survey")
    op.drop_column("mail_job", "goal_id", schema="survey")
    op.alter_column("mail_job", "invitation_id", existing_type=sa.Uuid(), nullable=False, schema="survey")
    op.drop_index("ix_goal_reminder_armed", table_name="goal", schema="survey")
    op.drop_column("goal", "reminder_queued_at", schema="survey")
    op.drop_column("goal", "remind_email", schema="survey")

"""training courses, enrolments, assessments, interest in train-the-trainer

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06 09:40:11.990892
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "training_course",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "facilitator_training",
                "train_the_trainer",
                name="kind",
                native_enum=False,
                create_constraint=True,
                length=32,
                schema="facilitator",
            ),
            nullable=False,
        ),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("region", sa.Text(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("mode", sa.Text(), nullable=False),
        sa.Column("place", sa.Text(), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("trainer_id", sa.Uuid(), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("mode IN ('in_person', 'video')", name=op.f("ck_training_course_mode_known")),
        sa.CheckConstraint("capacity > 0", name=op.f("ck_training_course_capacity_positive")),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_training_course_dates_in_order")),
        sa.ForeignKeyConstraint(
            ["trainer_id"], ["facilitator.facilitator.id"], name=op.f("fk_training_course_trainer_id_facilitator")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_course")),
        schema="facilitator",
    )
    op.create_index(
        op.f("ix_training_course_region_starts_on"),
        "training_course",
        ["region", "starts_on"],
        unique=False,
        schema="facilitator",
    )
    op.create_index(
        op.f("ix_training_course_trainer_id"), "training_course", ["trainer_id"], unique=False, schema="facilitator"
    )
    op.create_table(
        "training_enrolment",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("course_id", sa.Uuid(), nullable=False),
        sa.Column("facilitator_id", sa.Uuid(), nullable=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("email", sa.Text(), nullable=False),
        sa.Column("organisation", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "enrolled",
                "waiting",
                "withdrawn",
                "completed",
                name="status",
                native_enum=False,
                create_constraint=True,
                length=32,
                schema="facilitator",
            ),
            nullable=False,
        ),
        sa.Column("enrolled_by", sa.Text(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("placed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("promoted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attended", sa.Boolean(), nullable=True),
        sa.Column("attendance_recorded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_by", sa.Text(), nullable=True),
        sa.CheckConstraint("status <> 'completed' OR attended", name=op.f("ck_training_enrolment_completed_attended")),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["facilitator.training_course.id"],
            name=op.f("fk_training_enrolment_course_id_training_course"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["facilitator_id"],
            ["facilitator.facilitator.id"],
            name=op.f("fk_training_enrolment_facilitator_id_facilitator"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_enrolment")),
        sa.UniqueConstraint("number", name=op.f("uq_training_enrolment_number")),
        schema="facilitator",
    )
    op.create_index(
        "ix_training_enrolment_email",
        "training_enrolment",
        [sa.literal_column("lower(email)")],
        unique=False,
        schema="facilitator",
    )
    op.create_index(
        op.f("ix_training_enrolment_course_id_status_number"),
        "training_enrolment",
        ["course_id", "status", "number"],
        unique=False,
        schema="facilitator",
    )
    op.create_index(
        op.f("ix_training_enrolment_facilitator_id"),
        "training_enrolment",
        ["facilitator_id"],
        unique=False,
        schema="facilitator",
    )
    op.create_index(
        "uq_training_enrolment_course_email",
        "training_enrolment",
        ["course_id", sa.literal_column("lower(email)")],
        unique=True,
        schema="facilitator",
        postgresql_where=sa.text("status <> 'withdrawn'"),
    )
    op.create_table(
        "elearning_assessment",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("email", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("region", sa.Text(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("pass_mark", sa.Integer(), nullable=False),
        sa.Column("is_passed", sa.Boolean(), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("pass_mark BETWEEN 0 AND 100", name=op.f("ck_elearning_assessment_pass_mark_percent")),
        sa.CheckConstraint("score BETWEEN 0 AND 100", name=op.f("ck_elearning_assessment_score_percent")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_elearning_assessment")),
        schema="facilitator",
    )
    op.create_index(
        "ix_elearning_assessment_email",
        "elearning_assessment",
        [sa.literal_column("lower(email)")],
        unique=False,
        schema="facilitator",
    )
    op.create_index(
        op.f("ix_elearning_assessment_region_recorded_at"),
        "elearning_assessment",
        ["region", "recorded_at"],
        unique=False,
        schema="facilitator",
    )
    op.create_table(
        "trainer_interest",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("facilitator_id", sa.Uuid(), nullable=False),
        sa.Column("region", sa.Text(), nullable=False),
        sa.Column("statement", sa.Text(), nullable=True),
        sa.Column("delivered_sessions", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["facilitator_id"],
            ["facilitator.facilitator.id"],
            name=op.f("fk_trainer_interest_facilitator_id_facilitator"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trainer_interest")),
        sa.UniqueConstraint("facilitator_id", name=op.f("uq_trainer_interest_facilitator_id")),
        schema="facilitator",
    )
    op.create_index(
        op.f("ix_trainer_interest_region_created_at"),
        "trainer_interest",
        ["region", "created_at"],
        unique=False,
        schema="facilitator",
    )


def downgrade() -> None:
    op.drop_table("trainer_interest", schema="facilitator")
    op.drop_table("elearning_assessment", schema="facilitator")
    op.drop_table("training_enrolment", schema="facilitator")
    op.drop_table("training_course", schema="facilitator")

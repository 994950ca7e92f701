"""organisations' requests for an internal facilitator training course, and the academy's answers

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 13:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "course_request",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation", sa.Text(), nullable=False),
        sa.Column("region", sa.Text(), nullable=False),
        sa.Column("contact_name", sa.Text(), nullable=False),
        sa.Column("contact_email", sa.Text(), nullable=False),
        sa.Column("contact_phone", sa.Text(), nullable=True),
        sa.Column("preferred_from", sa.Date(), nullable=False),
        sa.Column("preferred_to", sa.Date(), nullable=False),
        sa.Column("preferred_mode", sa.Text(), nullable=True),
        sa.Column("staff_count", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "requested",
                "scheduled",
                "declined",
                name="status",
                native_enum=False,
                create_constraint=True,
                length=32,
                schema="facilitator",
            ),
            nullable=False,
        ),
        sa.Column("requested_by", sa.Text(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("course_id", sa.Uuid(), nullable=True),
        sa.Column("decline_reason", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.Text(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("idempotency_key", sa.Text(), nullable=True),
        sa.Column("idempotency_fingerprint", sa.Text(), nullable=True),
        sa.CheckConstraint("staff_count > 0", name=op.f("ck_course_request_staff_count_positive")),
        sa.CheckConstraint("preferred_to >= preferred_from", name=op.f("ck_course_request_preferred_dates_in_order")),
        sa.CheckConstraint(
            "preferred_mode IS NULL OR preferred_mode IN ('in_person', 'video')",
            name=op.f("ck_course_request_mode_known"),
        ),
        sa.CheckConstraint(
            "(status = 'scheduled') = (course_id IS NOT NULL)", name=op.f("ck_course_request_scheduled_names_course")
        ),
        sa.CheckConstraint(
            "(status = 'declined') = (decline_reason IS NOT NULL)",
            name=op.f("ck_course_request_declined_gives_reason"),
        ),
        sa.CheckConstraint(
            "(status = 'requested') = (decided_at IS NULL)", name=op.f("ck_course_request_decided_when_answered")
        ),
        sa.ForeignKeyConstraint(
            ["course_id"], ["facilitator.training_course.id"], name=op.f("fk_course_request_course_id_training_course")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_request")),
        sa.UniqueConstraint("course_id", name=op.f("uq_course_request_course_id")),
        sa.UniqueConstraint(
            "requested_by", "idempotency_key", name=op.f("uq_course_request_requested_by_idempotency_key")
        ),
        schema="facilitator",
    )
    op.create_index(
        op.f("ix_course_request_organisation"), "course_request", ["organisation"], unique=False, schema="facilitator"
    )
    op.create_index(
        op.f("ix_course_request_region_requested_at"),
        "course_request",
        ["region", "requested_at"],
        unique=False,
        schema="facilitator",
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_course_request_region_requested_at"), table_name="course_request", schema="facilitator")
    op.drop_index(op.f("ix_course_request_organisation"), table_name="course_request", schema="facilitator")
    op.drop_table("course_request", schema="facilitator")

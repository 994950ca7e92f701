"""reminders that an accreditation lapses soon, once per accreditation and reminder point

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 13:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "accreditation_reminder",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("facilitator_id", sa.Uuid(), nullable=False),
        sa.Column(
            "level",
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
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("days_before", sa.Integer(), nullable=False),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("days_before > 0", name=op.f("ck_accreditation_reminder_days_before_positive")),
        sa.ForeignKeyConstraint(
            ["facilitator_id"],
            ["facilitator.facilitator.id"],
            name=op.f("fk_accreditation_reminder_facilitator_id_facilitator"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accreditation_reminder")),
        sa.UniqueConstraint(
            "facilitator_id",
            "expires_on",
            "days_before",
            name=op.f("uq_accreditation_reminder_facilitator_id_expires_on_days_before"),
        ),
        schema="facilitator",
    )


def downgrade() -> None:
    op.drop_table("accreditation_reminder", schema="facilitator")

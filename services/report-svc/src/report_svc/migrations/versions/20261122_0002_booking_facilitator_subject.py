"""booking facilitator subject

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 05:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The account the booked facilitator signs in with, as session.booked now carries it. Bookings
    # announced before stay null (no facilitator may act on them) until facilitator-svc announces them
    # again, which it does whenever a facilitator's account is linked or changed.
    op.add_column("booking", sa.Column("facilitator_subject", sa.Text(), nullable=True), schema="report")
    op.create_index(
        op.f("ix_booking_facilitator_subject"), "booking", ["facilitator_subject"], unique=False, schema="report"
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_booking_facilitator_subject"), table_name="booking", schema="report")
    op.drop_column("booking", "facilitator_subject", schema="report")

"""coaching and mentoring beside feedback: the kind of session each slot offers and each booking is

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 15:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = "kind IN ('feedback', 'coaching', 'mentoring')"


def upgrade() -> None:
    # Every slot and booking made before coaching and mentoring existed was a feedback session.
    for table in ("slot", "booking"):
        op.add_column(
            table,
            sa.Column("kind", sa.Text(), server_default="feedback", nullable=False),
            schema="facilitator",
        )
        op.create_check_constraint(op.f(f"ck_{table}_known_kind"), table, KINDS, schema="facilitator")
    # Coaching and mentoring are not about a cycle: the database keeps them from naming one.
    op.create_check_constraint(
        op.f("ck_booking_cycle_only_for_feedback"),
        "booking",
        "kind = 'feedback' OR cycle_id IS NULL",
        schema="facilitator",
    )


def downgrade() -> None:
    op.drop_constraint(op.f("ck_booking_cycle_only_for_feedback"), "booking", schema="facilitator")
    for table in ("slot", "booking"):
        op.drop_constraint(op.f(f"ck_{table}_known_kind"), table, schema="facilitator")
        op.drop_column(table, "kind", schema="facilitator")

"""team cycle idempotency key

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 06:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A retried POST /v1/team-cycles with the same Idempotency-Key finds the team cycle the first attempt
    # made; the unique constraint also settles two attempts arriving at once.
    op.add_column("team_cycle", sa.Column("idempotency_key", sa.Text(), nullable=True), schema="survey")
    op.create_unique_constraint(
        op.f("uq_team_cycle_created_by_idempotency_key"),
        "team_cycle",
        ["created_by", "idempotency_key"],
        schema="survey",
    )


def downgrade() -> None:
    op.drop_constraint(op.f("uq_team_cycle_created_by_idempotency_key"), "team_cycle", type_="unique", schema="survey")
    op.drop_column("team_cycle", "idempotency_key", schema="survey")

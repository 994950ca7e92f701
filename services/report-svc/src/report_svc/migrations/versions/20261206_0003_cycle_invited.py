"""cycle invited counts

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06 09:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Raters invited per group, as cycle.closed carries them: a report's cover says how many of those
    # invited to each shown group responded. Cycles closed before stay null and their reports say nothing
    # of invitations.
    op.add_column("cycle", sa.Column("invited", postgresql.JSONB(), nullable=True), schema="report")


def downgrade() -> None:
    op.drop_column("cycle", "invited", schema="report")

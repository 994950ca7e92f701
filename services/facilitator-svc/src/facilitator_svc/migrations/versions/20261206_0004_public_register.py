"""the public register: each facilitator's choice to be listed, what their entry shows, what they offer

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 10:55:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nobody is listed until they choose to be: the defaults publish nothing of anyone already registered.
    op.add_column(
        "facilitator",
        sa.Column("is_listed", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        schema="facilitator",
    )
    op.add_column(
        "facilitator",
        sa.Column(
            "published_fields",
            postgresql.ARRAY(sa.Text()),
            server_default="{region,modes,session_kinds}",
            nullable=False,
        ),
        schema="facilitator",
    )
    op.add_column(
        "facilitator",
        sa.Column("session_kinds", postgresql.ARRAY(sa.Text()), server_default="{feedback}", nullable=False),
        schema="facilitator",
    )
    op.create_index(
        "ix_facilitator_register",
        "facilitator",
        ["region", "id"],
        unique=False,
        schema="facilitator",
        postgresql_where=sa.text("is_listed AND status = 'active'"),
    )


def downgrade() -> None:
    op.drop_index("ix_facilitator_register", table_name="facilitator", schema="facilitator")
    for column in ("session_kinds", "published_fields", "is_listed"):
        op.drop_column("facilitator", column, schema="facilitator")

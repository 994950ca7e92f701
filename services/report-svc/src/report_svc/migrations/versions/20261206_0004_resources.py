"""resources: report-svc's copy of the published development resources

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 10:00:00.000000
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
    # Filled by hlm.framework.resources.published.v1, replaced whole by each newer set.
    op.create_table(
        "resource_set",
        sa.Column("id", sa.SmallInteger(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("id = 1", name=op.f("ck_resource_set_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resource_set")),
        schema="report",
    )
    op.create_table(
        "resource",
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("link", sa.Text(), nullable=True),
        sa.Column("document", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_resource")),
        schema="report",
    )
    op.create_table(
        "resource_target",
        sa.Column("resource_key", sa.Text(), nullable=False),
        sa.Column("framework_key", sa.Text(), nullable=False),
        sa.Column("dimension_key", sa.Text(), nullable=False),
        sa.Column("from_levels", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.ForeignKeyConstraint(
            ["resource_key"],
            ["report.resource.key"],
            name=op.f("fk_resource_target_resource_key_resource"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("resource_key", "framework_key", "dimension_key", name=op.f("pk_resource_target")),
        schema="report",
    )
    op.create_index(
        "ix_resource_target_framework_key_dimension_key",
        "resource_target",
        ["framework_key", "dimension_key"],
        unique=False,
        schema="report",
    )


def downgrade() -> None:
    op.drop_index("ix_resource_target_framework_key_dimension_key", table_name="resource_target", schema="report")
    op.drop_table("resource_target", schema="report")
    op.drop_table("resource", schema="report")
    op.drop_table("resource_set", schema="report")

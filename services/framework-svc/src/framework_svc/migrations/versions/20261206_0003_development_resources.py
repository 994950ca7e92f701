"""development resources and the dimensions they serve

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06 09:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = "'reading', 'e_learning', 'course', 'programme', 'coaching', 'mentoring', 'tool'"
FORMATS = "'document', 'web_page', 'video', 'podcast', 'online_interactive', 'virtual_live', 'in_person', 'blended'"
AUDIENCES = "'all_staff', 'clinicians', 'managers', 'senior_leaders'"


def upgrade() -> None:
    op.create_table(
        "resource",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            postgresql.ENUM(name="version_status", schema="framework", create_type=False),
            nullable=False,
        ),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("provider", sa.Text(), nullable=True),
        sa.Column("authors", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("link", sa.Text(), nullable=True),
        sa.Column("format", sa.Text(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=True),
        sa.Column("cost_amount", sa.Numeric(10, 2), nullable=True),
        sa.Column("cost_currency", sa.Text(), nullable=True),
        sa.Column("audiences", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("replaced_by", sa.Integer(), nullable=True),
        sa.CheckConstraint(f"kind IN ({KINDS})", name=op.f("ck_resource_kind")),
        sa.CheckConstraint(f"format IN ({FORMATS})", name=op.f("ck_resource_format")),
        sa.CheckConstraint(
            f"cardinality(audiences) > 0 AND audiences <@ ARRAY[{AUDIENCES}]::text[]",
            name=op.f("ck_resource_audiences"),
        ),
        sa.CheckConstraint("(cost_amount IS NULL) = (cost_currency IS NULL)", name=op.f("ck_resource_cost")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resource")),
        sa.UniqueConstraint("key", "version", name=op.f("uq_resource_key_version")),
        schema="framework",
    )
    # At most one published version of a resource, whatever the code does.
    op.create_index(
        "ix_resource_published_key",
        "resource",
        ["key"],
        unique=True,
        schema="framework",
        postgresql_where=sa.text("status = 'published'"),
    )
    op.create_table(
        "resource_target",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("resource_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("framework_key", sa.Text(), nullable=False),
        sa.Column("dimension_key", sa.Text(), nullable=False),
        sa.Column("from_levels", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.ForeignKeyConstraint(
            ["resource_id"],
            ["framework.resource.id"],
            name=op.f("fk_resource_target_resource_id_resource"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resource_target")),
        sa.UniqueConstraint(
            "resource_id",
            "framework_key",
            "dimension_key",
            name=op.f("uq_resource_target_resource_id_framework_key_dimension_key"),
        ),
        schema="framework",
    )
    op.create_index(op.f("ix_resource_target_dimension_key"), "resource_target", ["dimension_key"], schema="framework")


def downgrade() -> None:
    op.drop_index(op.f("ix_resource_target_dimension_key"), table_name="resource_target", schema="framework")
    op.drop_table("resource_target", schema="framework")
    op.drop_index("ix_resource_published_key", table_name="resource", schema="framework")
    op.drop_table("resource", schema="framework")

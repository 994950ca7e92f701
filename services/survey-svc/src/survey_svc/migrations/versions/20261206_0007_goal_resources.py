"""goal resources: the development resources an author saved to a goal

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 16:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # One row per goal and resource: saving a resource twice keeps one. No foreign key to the copy of the
    # published resources (replaced whole by each newer set): a resource retired since keeps its row, shown
    # as retired under the title and kind it was saved with.
    op.create_table(
        "goal_resource",
        sa.Column("goal_id", sa.Uuid(), nullable=False),
        sa.Column("resource_key", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["goal_id"], ["survey.goal.id"], name=op.f("fk_goal_resource_goal_id_goal"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("goal_id", "resource_key", name=op.f("pk_goal_resource")),
        schema="survey",
    )


def downgrade() -> None:
    op.drop_table("goal_resource", schema="survey")

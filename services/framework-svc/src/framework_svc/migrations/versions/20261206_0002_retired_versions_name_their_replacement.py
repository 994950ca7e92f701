"""retired versions name their replacement

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06 09:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("framework_version", sa.Column("replaced_by", sa.Integer(), nullable=True), schema="framework")
    op.add_column("questionnaire", sa.Column("replaced_by_id", sa.Uuid(), nullable=True), schema="framework")
    op.create_foreign_key(
        op.f("fk_questionnaire_replaced_by_id_questionnaire"),
        "questionnaire",
        "questionnaire",
        ["replaced_by_id"],
        ["id"],
        source_schema="framework",
        referent_schema="framework",
    )


def downgrade() -> None:
    op.drop_constraint(op.f("fk_questionnaire_replaced_by_id_questionnaire"), "questionnaire", schema="framework")
    op.drop_column("questionnaire", "replaced_by_id", schema="framework")
    op.drop_column("framework_version", "replaced_by", schema="framework")

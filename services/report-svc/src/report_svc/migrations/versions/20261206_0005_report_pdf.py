"""report_pdf: each report version's PDF, rendered once and kept

Revision ID: 0005_report_pdf
Revises: 0004
Create Date: 2026-12-06 11:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_report_pdf"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A version's content never changes, so neither does its PDF: it is rendered on the first download and
    # served from here after. Keyed by the version, a new version is a new row; deleting the report (an
    # erased participant) deletes its versions and so their PDFs.
    op.create_table(
        "report_pdf",
        sa.Column("report_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("etag", sa.Text(), nullable=False),
        sa.Column("rendered_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id", "version"],
            ["report.report_version.report_id", "report.report_version.version"],
            name=op.f("fk_report_pdf_report_id_report_version"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("report_id", "version", name=op.f("pk_report_pdf")),
        schema="report",
    )


def downgrade() -> None:
    op.drop_table("report_pdf", schema="report")

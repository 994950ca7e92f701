"""report indexes: a region's group report and a partner's pull read their own reports, not the country's

Revision ID: 0006_report_national_indexes
Revises: 0005_report_pdf
Create Date: 2026-12-06 13:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_report_national_indexes"
down_revision: str | None = "0005_report_pdf"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # An academy administrator's group report picks its members by region and closing period. Without this
    # index every report of the country, of every year, was read to find them.
    op.create_index("ix_report_region_closed_at", "report", ["region", "closed_at"], unique=False, schema="report")
    # A partner trust pulls its released reports changed since its last sync, oldest change first, a page at
    # a time. In this order the page is the first rows of one range, whatever the years of history behind it.
    op.create_index(
        "ix_report_organisation_updated_at_id",
        "report",
        ["organisation", "updated_at", "id"],
        unique=False,
        schema="report",
        postgresql_where=sa.text("status = 'released'"),
    )
    # ... and joins that page to its own participants' consents, not to the country's.
    op.create_index(
        "ix_consent_organisation_participant_id",
        "consent",
        ["organisation", "participant_id"],
        unique=False,
        schema="report",
    )


def downgrade() -> None:
    op.drop_index("ix_consent_organisation_participant_id", table_name="consent", schema="report")
    op.drop_index(
        "ix_report_organisation_updated_at_id",
        table_name="report",
        schema="report",
        postgresql_where=sa.text("status = 'released'"),
    )
    op.drop_index("ix_report_region_closed_at", table_name="report", schema="report")

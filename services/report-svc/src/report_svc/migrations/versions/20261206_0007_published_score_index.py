"""published_score: an index that finds whether a report publishes figures of a questionnaire, in place of
three that no statement read

Revision ID: 0007_published_score_index
Revises: 0006_report_national_indexes
Create Date: 2026-12-06 19:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007_published_score_index"
down_revision: str | None = "0006_report_national_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A group report's members are the scope's reports that publish figures of its questionnaire: one look
    # per report, answered from this index alone. Through the primary key every look also read a row of
    # the table, scattered over it: for a region of 50,000 participants, most of that request's time.
    op.create_index(
        "ix_published_score_report_id_questionnaire_id",
        "published_score",
        ["report_id", "questionnaire_id"],
        unique=False,
        schema="report",
    )
    # Members are chosen from ``report`` (by scope and period) and their figures read by report: nothing
    # reads these by scope, and each cost every built report 45 index entries more to write.
    op.drop_index("ix_published_score_team_cycle_id", table_name="published_score", schema="report")
    op.drop_index("ix_published_score_region_closed_at", table_name="published_score", schema="report")
    op.drop_index("ix_published_score_organisation_closed_at", table_name="published_score", schema="report")


def downgrade() -> None:
    op.create_index(
        "ix_published_score_organisation_closed_at",
        "published_score",
        ["organisation", "closed_at"],
        unique=False,
        schema="report",
    )
    op.create_index(
        "ix_published_score_region_closed_at", "published_score", ["region", "closed_at"], unique=False, schema="report"
    )
    op.create_index(
        "ix_published_score_team_cycle_id", "published_score", ["team_cycle_id"], unique=False, schema="report"
    )
    op.drop_index("ix_published_score_report_id_questionnaire_id", table_name="published_score", schema="report")

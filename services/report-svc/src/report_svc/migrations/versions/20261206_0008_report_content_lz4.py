"""report and report_version: contents compressed with lz4

Revision ID: 0008_report_content_lz4
Revises: 0007_published_score_index
Create Date: 2026-12-06 22:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008_report_content_lz4"
down_revision: str | None = "0007_published_score_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = (("report", "content"), ("report_version", "content"))


def upgrade() -> None:
    # A report's content (some 24 kB of JSON for a 45-item 360) is stored twice by every build, in the
    # report and in its version. With PostgreSQL's default pglz, compressing it was the larger part of a
    # build's time in the database (about 1.4 ms of a 2 ms write); lz4 takes a third of that and
    # decompresses faster when reports are read, for about a fifth more bytes (8.7 kB against 7.3 kB).
    # Only values written from now on are compressed this way; those already stored stay readable as
    # they are.
    # A server built without lz4 (possible on some managed or self-built PostgreSQL) refuses the method:
    # the columns then keep the default, and reports are only slower to write, never refused.
    for table, column in _COLUMNS:
        op.execute(
            f"""
            DO $$
            BEGIN
                ALTER TABLE report.{table} ALTER COLUMN {column} SET COMPRESSION lz4;
            EXCEPTION WHEN feature_not_supported THEN
                RAISE NOTICE 'this PostgreSQL has no lz4: report.{table}.{column} keeps the default compression';
            END
            $$
            """
        )


def downgrade() -> None:
    for table, column in _COLUMNS:
        op.execute(f"ALTER TABLE report.{table} ALTER COLUMN {column} SET COMPRESSION default")

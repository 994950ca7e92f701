"""idempotency fingerprint of the request that created a booking or an allocation

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06 09:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The tables whose rows a create retried with an Idempotency-Key may make.
TABLES = ("booking", "allocation")


def upgrade() -> None:
    # A retry is answered with the first attempt's row only when its body is the same; the same key with
    # another body is refused. Rows made before have no fingerprint and are answered as before.
    for table in TABLES:
        op.add_column(table, sa.Column("idempotency_fingerprint", sa.Text(), nullable=True), schema="facilitator")


def downgrade() -> None:
    for table in TABLES:
        op.drop_column(table, "idempotency_fingerprint", schema="facilitator")

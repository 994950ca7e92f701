"""every change to framework versions notifies framework_catalogue_changed when it commits

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 15:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each process of the service keeps the rendered versions it serves in memory and LISTENs on this channel
# (framework_svc.frameworks.published). A trigger, not the API's code, sends the notification, so every
# writer is heard: the API, the catalogue loader, an operator's SQL. Once per statement; PostgreSQL
# delivers it at commit and drops it on rollback, and folds repeats within one transaction into one.


def upgrade() -> None:
    op.execute(
        """
        CREATE FUNCTION framework.notify_catalogue_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('framework_catalogue_changed', TG_TABLE_NAME);
            RETURN NULL;
        END
        $$
        """
    )
    op.execute(
        "CREATE TRIGGER catalogue_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON framework.framework_version"
        " FOR EACH STATEMENT EXECUTE FUNCTION framework.notify_catalogue_changed()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER catalogue_changed ON framework.framework_version")
    op.execute("DROP FUNCTION framework.notify_catalogue_changed()")

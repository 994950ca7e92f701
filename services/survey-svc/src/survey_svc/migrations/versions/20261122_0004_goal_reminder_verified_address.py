"""goal reminders go to the author's verified address

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 07:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Goal reminders are now mailed only to the verified address of the author's token. The addresses stored
    # until now were typed in and never verified, so none can be trusted to be the author's: they are erased,
    # and those goals are reminded in the app only until their author asks for mail again. A reminder mail
    # not sent yet goes with its address; its goal's reminder is armed again, as when an author clears it.
    op.execute(
        """
        WITH cancelled AS (
            DELETE FROM survey.mail_job
            WHERE kind = 'goal_reminder' AND sent_at IS NULL
            RETURNING goal_id
        )
        UPDATE survey.goal
        SET remind_email = NULL,
            reminder_queued_at = CASE WHEN id IN (SELECT goal_id FROM cancelled) THEN NULL ELSE reminder_queued_at END
        WHERE remind_email IS NOT NULL
        """
    )


def downgrade() -> None:
    # The erased addresses are not restored: they were never verified.
    pass

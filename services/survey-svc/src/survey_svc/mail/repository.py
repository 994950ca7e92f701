from __future__ import annotations

from uuid import UUID

from sqlalchemy import delete, func, insert

from hlm_kit.repository import RepositoryBase
from survey_svc.mail.models import MailJob, MailKind


class MailJobRepository(RepositoryBase[MailJob]):
    model = MailJob

    async def queue(self, kind: MailKind, *, invitation_id: UUID | None = None, goal_id: UUID | None = None) -> None:
        # A plain INSERT: a cycle opening queues one per rater, and none is read back.
        await self.session.execute(
            insert(MailJob).values(invitation_id=invitation_id, goal_id=goal_id, kind=kind.value, attempts=0)
        )

    async def cancel_unsent(self, goal_id: UUID) -> int:
        result = await self.session.execute(
            delete(MailJob).where(MailJob.goal_id == goal_id, MailJob.sent_at.is_(None)).returning(MailJob.id)
        )
        return len(result.all())

    async def claim_next_due(self) -> MailJob | None:
        """The mail due soonest, locked; mail another replica is sending is skipped."""
        return await self.get_one_or_none(
            self.select()
            .where(MailJob.sent_at.is_(None), MailJob.next_attempt_at <= func.clock_timestamp())
            .order_by(MailJob.next_attempt_at, MailJob.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )

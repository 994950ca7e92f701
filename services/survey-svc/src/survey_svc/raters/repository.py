from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import delete, select, update

from hlm_kit.repository import RepositoryBase
from survey_svc.raters.models import Invitation, InvitationStatus, InvitationToken


class InvitationRepository(RepositoryBase[Invitation]):
    model = Invitation

    async def live(self, cycle_id: UUID) -> Sequence[Invitation]:
        """Nominations not withdrawn, in the order they were made."""
        return await self.get_all(
            self.select()
            .where(Invitation.cycle_id == cycle_id, Invitation.status != InvitationStatus.WITHDRAWN)
            .order_by(Invitation.nominated_at, Invitation.id)
        )

    async def awaiting_answer(self, cycle_id: UUID) -> Sequence[Invitation]:
        """Raters who have neither submitted nor declined: the only ones reminders go to."""
        return await self.get_all(
            self.select()
            .where(Invitation.cycle_id == cycle_id, Invitation.status == InvitationStatus.INVITED)
            .order_by(Invitation.nominated_at, Invitation.id)
        )

    async def in_cycle(self, cycle_id: UUID, id: UUID, *, for_update: bool = False) -> Invitation | None:
        statement = self.select().where(Invitation.cycle_id == cycle_id, Invitation.id == id)
        if for_update:
            statement = statement.with_for_update()
        return await self.get_one_or_none(statement)

    async def by_token_hash(self, token_hash: bytes) -> tuple[Invitation, bytes] | None:
        """The invitation a token opens, with the stored hash (compared again in constant time)."""
        statement = (
            select(Invitation, InvitationToken.token_hash)
            .join(InvitationToken, InvitationToken.invitation_id == Invitation.id)
            .where(InvitationToken.token_hash == token_hash)
        )
        row = (await self.session.execute(statement)).one_or_none()
        return (row[0], row[1]) if row else None

    async def add_token(self, invitation_id: UUID, token_hash: bytes, issued_at: datetime) -> None:
        self.session.add(InvitationToken(token_hash=token_hash, invitation_id=invitation_id, issued_at=issued_at))
        await self.session.flush()

    async def revoke_tokens(self, invitation_id: UUID) -> None:
        """Every link of an invitation that has ended stops working for good."""
        await self.session.execute(delete(InvitationToken).where(InvitationToken.invitation_id == invitation_id))

    async def save_draft(self, id: UUID, draft: dict[str, Any], saved_at: datetime) -> bool:
        """Keep the rater's draft while the invitation is still open; False when it has ended. Conditional
        in the statement, so a draft saved as the rater submits elsewhere cannot land after the submission."""
        saved = await self.session.execute(
            update(Invitation)
            .where(Invitation.id == id, Invitation.status == InvitationStatus.INVITED)
            .values(draft=draft, draft_saved_at=saved_at)
            .returning(Invitation.id)
        )
        return saved.scalar_one_or_none() is not None

    async def decline(self, id: UUID, declined_at: datetime) -> bool:
        """End an open invitation as declined, dropping its draft and every link to it; False when it had
        already ended."""
        declined = await self.session.execute(
            update(Invitation)
            .where(Invitation.id == id, Invitation.status == InvitationStatus.INVITED)
            .values(status=InvitationStatus.DECLINED, ended_at=declined_at, draft=None, draft_saved_at=None)
            .returning(Invitation.id)
        )
        if declined.scalar_one_or_none() is None:
            return False
        await self.revoke_tokens(id)
        return True

    async def submitted(self, id: UUID, submitted_at: datetime) -> None:
        """The invitation's response is stored: it ends as submitted, dropping its draft and every link."""
        await self.session.execute(
            update(Invitation)
            .where(Invitation.id == id)
            .values(status=InvitationStatus.SUBMITTED, ended_at=submitted_at, draft=None, draft_saved_at=None)
        )
        await self.revoke_tokens(id)

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from uuid import UUID

from sqlalchemy import and_, delete, or_
from sqlalchemy.dialects.postgresql import insert

from hlm_kit.repository import RepositoryBase
from survey_svc.goals.models import Goal, GoalResource, GoalStatus


class GoalRepository(RepositoryBase[Goal]):
    model = Goal

    async def own(self, author_id: str, id: UUID, *, for_update: bool = False) -> Goal | None:
        statement = self.select().where(Goal.id == id, Goal.author_id == author_id)
        if for_update:
            statement = statement.with_for_update()
        return await self.get_one_or_none(statement)

    async def list_for(self, author_id: str) -> Sequence[Goal]:
        """Every goal of the author, oldest first (what a copy of their data holds)."""
        return await self.get_all(self.select().where(Goal.author_id == author_id).order_by(Goal.created_at, Goal.id))

    async def page(
        self,
        author_id: str,
        *,
        status: str | None,
        reminder_due_on: date | None,
        after: tuple[datetime, UUID] | None,
        limit: int,
    ) -> Sequence[Goal]:
        """The author's goals, oldest first, from just past ``after`` (the (created_at, id) of the last goal
        of the page before): a goal deleted between pages does not lose the place."""
        statement = self.select().where(Goal.author_id == author_id).order_by(Goal.created_at, Goal.id).limit(limit)
        if status is not None:
            statement = statement.where(Goal.status == status)
        if reminder_due_on is not None:
            statement = statement.where(Goal.status == GoalStatus.ACTIVE, Goal.remind_on <= reminder_due_on)
        if after is not None:
            created_at, id = after
            statement = statement.where(
                or_(Goal.created_at > created_at, and_(Goal.created_at == created_at, Goal.id > id))
            )
        return await self.get_all(statement)

    async def armed_reminders(self, today: date, limit: int) -> Sequence[Goal]:
        """Active goals reminded by mail whose reminder date has come and whose mail is not queued yet,
        claimed with SKIP LOCKED so replicas running the reminder task at once queue each mail once."""
        statement = (
            self.select()
            .where(
                Goal.status == GoalStatus.ACTIVE,
                Goal.remind_email.is_not(None),
                Goal.reminder_queued_at.is_(None),
                Goal.remind_on <= today,
            )
            .order_by(Goal.remind_on, Goal.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return await self.get_all(statement)

    async def delete_for_author(self, author_id: str) -> None:
        """Every goal of the author, with its reminder mail not sent yet (ON DELETE CASCADE)."""
        await self.session.execute(delete(Goal).where(Goal.author_id == author_id))


class GoalResourceRepository(RepositoryBase[GoalResource]):
    model = GoalResource

    async def of_goals(self, goal_ids: Sequence[UUID]) -> Sequence[GoalResource]:
        """The resources saved to any of the goals, each goal's in the order saved."""
        if not goal_ids:
            return []
        statement = (
            self.select()
            .where(GoalResource.goal_id.in_(goal_ids))
            .order_by(GoalResource.goal_id, GoalResource.saved_at, GoalResource.resource_key)
        )
        return await self.get_all(statement)

    async def save(self, goal_id: UUID, resource_key: str, *, title: str, kind: str) -> None:
        """Save the resource to the goal once: saving it again (or at the same instant) keeps the one row."""
        await self.session.execute(
            insert(GoalResource)
            .values(goal_id=goal_id, resource_key=resource_key, title=title, kind=kind, saved_at=datetime.now(UTC))
            .on_conflict_do_nothing(index_elements=[GoalResource.goal_id, GoalResource.resource_key])
        )

    async def remove(self, goal_id: UUID, resource_key: str) -> None:
        await self.session.execute(
            delete(GoalResource).where(GoalResource.goal_id == goal_id, GoalResource.resource_key == resource_key)
        )

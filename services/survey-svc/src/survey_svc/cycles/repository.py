from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import and_, bindparam, delete, exists, func, or_, select, true, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.sql import ColumnElement, Select
from sqlalchemy.sql.elements import FunctionFilter

from hlm_contracts import RaterGroup
from hlm_kit.repository import RepositoryBase
from survey_svc.cycles.models import Cycle, CycleStatus, FeedbackSession
from survey_svc.raters.models import Invitation, InvitationStatus
from survey_svc.responses.models import Response

# Per cycle and rater group: (invited, submitted, declined).
Counts = dict[str, tuple[int, int, int]]
# The groups a rater is invited in (the invitation table's check constraint): ``self`` answers without one.
INVITED_GROUPS = tuple(g.value for g in RaterGroup if g is not RaterGroup.SELF)


@dataclass(frozen=True, slots=True)
class CycleSummary:
    """What a cycle's card shows beside its own columns: the raters per group, whether the participant's
    own answers are in, and the latest feedback session booked."""

    counts: Counts
    self_submitted: bool
    session_starts_at: datetime | None
    session_ends_at: datetime | None


def _counted(group: str, *conditions: ColumnElement[bool]) -> FunctionFilter[int]:
    return func.count().filter(Invitation.rater_group == group, *conditions)


def _summary_statement() -> Select[Any]:
    """One statement for a page of cycles' summaries (one round trip, built once): per cycle, a row of the
    four counts of each invited group (the rows in it, so that a group of withdrawn raters still shows),
    the participant's own response, and the session with the latest start."""
    counted = (
        select(
            *(
                column
                for group in INVITED_GROUPS
                for column in (
                    _counted(group).label(f"{group}_rows"),
                    _counted(
                        group, or_(Invitation.status != InvitationStatus.WITHDRAWN, Response.id.is_not(None))
                    ).label(f"{group}_invited"),
                    func.count(Response.id).filter(Invitation.rater_group == group).label(f"{group}_submitted"),
                    _counted(group, Invitation.status == InvitationStatus.DECLINED).label(f"{group}_declined"),
                )
            )
        )
        .select_from(Invitation)
        .outerjoin(Response, Response.invitation_id == Invitation.id)
        .where(Invitation.cycle_id == Cycle.id)
        .lateral("counted")
    )
    latest_session = (
        select(FeedbackSession.starts_at, FeedbackSession.ends_at)
        .where(FeedbackSession.cycle_id == Cycle.id)
        .order_by(FeedbackSession.starts_at.desc())
        .limit(1)
        .lateral("latest_session")
    )
    self_submitted = exists().where(Response.cycle_id == Cycle.id, Response.rater_group == RaterGroup.SELF.value)
    return (
        select(
            Cycle.id,
            self_submitted.label("self_submitted"),
            latest_session.c.starts_at,
            latest_session.c.ends_at,
            *counted.c,
        )
        .select_from(Cycle)
        .join(counted, true())
        .outerjoin(latest_session, true())
        .where(Cycle.id.in_(bindparam("cycle_ids", expanding=True)))
    )


SUMMARY_STATEMENT = _summary_statement()


class CycleRepository(RepositoryBase[Cycle]):
    model = Cycle

    async def get_many(self, ids: Sequence[UUID]) -> Sequence[Cycle]:
        return await self.get_all(self.select().where(Cycle.id.in_(ids)))

    async def page(
        self,
        *,
        participant_id: str | None,
        visible_to: str,
        region: str | None,
        after: tuple[datetime, UUID] | None,
        limit: int,
    ) -> Sequence[Cycle]:
        """Newest first; ``after`` is the (created_at, id) of the last cycle of the previous page. Only
        the cycles of ``visible_to`` and, when given, those in ``region`` (an academy admin's)."""
        statement = self.select().order_by(Cycle.created_at.desc(), Cycle.id.desc()).limit(limit)
        if region is None:
            statement = statement.where(Cycle.participant_id == visible_to)
        else:
            statement = statement.where(or_(Cycle.participant_id == visible_to, Cycle.region == region))
        if participant_id is not None:
            statement = statement.where(Cycle.participant_id == participant_id)
        if after is not None:
            created_at, id = after
            statement = statement.where(
                or_(Cycle.created_at < created_at, and_(Cycle.created_at == created_at, Cycle.id < id))
            )
        return await self.get_all(statement)

    async def due_for_closing(self, limit: int) -> Sequence[Cycle]:
        """Open cycles past their closing date, locked; rows another replica holds are skipped."""
        statement = (
            self.select()
            .where(Cycle.status == CycleStatus.OPEN, Cycle.closes_at <= func.clock_timestamp())
            .order_by(Cycle.closes_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return await self.get_all(statement)

    async def for_participant(self, participant_id: str) -> Sequence[Cycle]:
        return await self.get_all(self.select().where(Cycle.participant_id == participant_id))

    async def has_cycle_in_region(self, participant_id: str, region: str) -> bool:
        statement = select(exists().where(Cycle.participant_id == participant_id, Cycle.region == region))
        return bool(await self.session.scalar(statement))

    async def summaries(self, cycle_ids: Sequence[UUID]) -> dict[UUID, CycleSummary]:
        """Each cycle's :class:`CycleSummary`, in one statement."""
        summaries = {}
        for row in (await self.session.execute(SUMMARY_STATEMENT, {"cycle_ids": list(cycle_ids)})).mappings():
            counts = {
                group: (row[f"{group}_invited"], row[f"{group}_submitted"], row[f"{group}_declined"])
                for group in INVITED_GROUPS
                if row[f"{group}_rows"]
            }
            summaries[row["id"]] = CycleSummary(counts, row["self_submitted"], row["starts_at"], row["ends_at"])
        return summaries

    async def self_response(self, cycle_id: UUID) -> Response | None:
        statement = select(Response).where(Response.cycle_id == cycle_id, Response.rater_group == "self")
        return (await self.session.scalars(statement)).one_or_none()

    async def converted_from(self, cycle_id: UUID) -> Cycle | None:
        return await self.get_one_or_none(self.select().where(Cycle.converted_from_cycle_id == cycle_id))

    async def delete_for_participant(self, participant_id: str) -> None:
        """A participant's cycles, with their nominations, tokens, responses, mail and sessions (ON DELETE
        CASCADE)."""
        await self.session.execute(delete(Cycle).where(Cycle.participant_id == participant_id))

    async def mark_report_released(self, cycle_id: UUID, released_at: datetime) -> bool:
        """Record the release once; False when the cycle is unknown here or its release already recorded."""
        result = await self.session.execute(
            update(Cycle)
            .where(Cycle.id == cycle_id, Cycle.report_released_at.is_(None))
            .values(report_released_at=released_at)
            .returning(Cycle.id)
        )
        return result.scalar_one_or_none() is not None


class FeedbackSessionRepository(RepositoryBase[FeedbackSession]):
    model = FeedbackSession

    async def put(
        self, booking_id: UUID, *, cycle_id: UUID, participant_id: str, starts_at: datetime, ends_at: datetime
    ) -> None:
        """Keep the booking, or replace what was kept under its id (a reschedule keeps the id)."""
        values = {"cycle_id": cycle_id, "participant_id": participant_id, "starts_at": starts_at, "ends_at": ends_at}
        await self.session.execute(
            insert(FeedbackSession)
            .values(booking_id=booking_id, **values)
            .on_conflict_do_update(index_elements=[FeedbackSession.booking_id], set_=values)
        )

    async def remove(self, booking_id: UUID) -> None:
        await self.session.execute(delete(FeedbackSession).where(FeedbackSession.booking_id == booking_id))

    async def delete_for_participant(self, participant_id: str) -> None:
        await self.session.execute(delete(FeedbackSession).where(FeedbackSession.participant_id == participant_id))

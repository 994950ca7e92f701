from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any
from uuid import UUID

from sqlalchemy import DateTime, Integer, Text, Uuid, and_, bindparam, delete, exists, func, or_, select, true, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql import ColumnElement, Select
from sqlalchemy.sql.elements import FunctionFilter

from hlm_contracts import RaterGroup
from hlm_kit.db import DriverStatement
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


def _summary_columns(
    cycle_id: ColumnElement[Any] | InstrumentedAttribute[Any],
) -> tuple[list[ColumnElement[Any]], list[Any]]:
    """The columns of a cycle's summary beside the cycle whose id is ``cycle_id`` (per invited group, the
    four counts (the rows in it, so that a group of withdrawn raters still shows), the participant's own
    response, and the session with the latest start), and the laterals to join for them (``ON true``)."""
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
        .where(Invitation.cycle_id == cycle_id)
        .lateral("counted")
    )
    latest_session = (
        select(FeedbackSession.starts_at, FeedbackSession.ends_at)
        .where(FeedbackSession.cycle_id == cycle_id)
        .order_by(FeedbackSession.starts_at.desc())
        .limit(1)
        .lateral("latest_session")
    )
    self_submitted = exists().where(Response.cycle_id == cycle_id, Response.rater_group == RaterGroup.SELF.value)
    columns = [
        self_submitted.label("self_submitted"),
        latest_session.c.starts_at,
        latest_session.c.ends_at,
        *counted.c,
    ]
    return columns, [counted, latest_session]


def _summary_statement() -> Select[Any]:
    """One statement for a page of cycles' summaries (one round trip, built once)."""
    columns, (counted, latest_session) = _summary_columns(Cycle.id)
    return (
        select(Cycle.id, *columns)
        .select_from(Cycle)
        .join(counted, true())
        .outerjoin(latest_session, true())
        .where(Cycle.id.in_(bindparam("cycle_ids", expanding=True)))
    )


# What a listed cycle shows of its own columns (the participant's draft only as whether there is one).
_LISTED_COLUMNS = (
    Cycle.id,
    Cycle.kind,
    Cycle.status,
    Cycle.participant_id,
    Cycle.participant_name,
    Cycle.organisation,
    Cycle.region,
    Cycle.questionnaire_id,
    Cycle.self_questionnaire_id,
    Cycle.team_cycle_id,
    Cycle.release_mode,
    Cycle.min_line_manager,
    Cycle.min_peer,
    Cycle.min_direct_report,
    Cycle.min_other,
    Cycle.min_others_total,
    Cycle.requires_approval,
    Cycle.approval_decision,
    Cycle.approval_note,
    Cycle.approval_decided_at,
    Cycle.self_draft.is_not(None).label("has_self_draft"),
    Cycle.closes_at,
    Cycle.opened_at,
    Cycle.closed_at,
    Cycle.close_reason,
    Cycle.report_released_at,
    Cycle.converted_from_cycle_id,
    Cycle.created_at,
)


@cache
def listed_statement(*, in_region: bool, one_participant: bool, after: bool) -> DriverStatement:
    """A page of cycles with their summaries, newest first, in one statement compiled once per shape of
    the list (an admin's region or not, one participant's or not, a next page or the first): the page is
    cut first, by ``visible_to`` (and ``region``, ``participant_id``, ``after_created_at``/``after_id``)
    and ``limit``, and only its cycles are summarised. Rows of :data:`_LISTED_COLUMNS` then the summary's."""
    visible: ColumnElement[bool] = Cycle.participant_id == bindparam("visible_to", type_=Text)
    if in_region:
        visible = or_(visible, Cycle.region == bindparam("region", type_=Text))
    page = select(*_LISTED_COLUMNS).where(visible)
    if one_participant:
        page = page.where(Cycle.participant_id == bindparam("participant_id", type_=Text))
    if after:
        created_at = bindparam("after_created_at", type_=DateTime(timezone=True))
        page = page.where(
            or_(
                Cycle.created_at < created_at,
                and_(Cycle.created_at == created_at, Cycle.id < bindparam("after_id", type_=Uuid)),
            )
        )
    listed = (
        page.order_by(Cycle.created_at.desc(), Cycle.id.desc())
        .limit(bindparam("limit", type_=Integer))
        .subquery("listed")
    )
    columns, (counted, latest_session) = _summary_columns(listed.c.id)
    statement = (
        select(*listed.c, *columns)
        .select_from(listed)
        .join(counted, true())
        .outerjoin(latest_session, true())
        .order_by(listed.c.created_at.desc(), listed.c.id.desc())
    )
    return DriverStatement(statement)


SUMMARY_STATEMENT = _summary_statement()


class CycleRepository(RepositoryBase[Cycle]):
    model = Cycle

    async def get_many(self, ids: Sequence[UUID]) -> Sequence[Cycle]:
        return await self.get_all(self.select().where(Cycle.id.in_(ids)))

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

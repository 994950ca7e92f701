"""A cycle's life: opening (with the line manager's approval when asked), closing early or on its
closing date, extending, its report's release; and the events that tell the other services of it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from uuid import UUID

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from hlm_contracts import (
    CycleClosedV1,
    CycleKind,
    CycleOpenedV1,
    EmailAddress,
    EmailHashKey,
    RaterGroup,
    RaterNominatedV1,
    ReleaseMode,
    ReportReleasedV1,
    email_hash,
)
from hlm_kit.auth import Principal
from hlm_kit.errors import FieldError, UnprocessableContent
from hlm_kit.messaging.envelope import CloudEvent
from survey_svc import access
from survey_svc.config import Settings
from survey_svc.cycles import service as cycle_service
from survey_svc.cycles.exceptions import CycleStateConflict, MinimumsNotMet, ReportReleased
from survey_svc.cycles.models import ApprovalDecision, CloseReason, Cycle, CycleStatus
from survey_svc.cycles.repository import CycleRepository
from survey_svc.cycles.schemas import CycleOut, ExtendIn, OpenIn
from survey_svc.database import outbox
from survey_svc.mail import service as mail_service
from survey_svc.mail.models import MailKind
from survey_svc.raters.models import Invitation
from survey_svc.raters.repository import InvitationRepository
from survey_svc.responses import service as response_service

log = structlog.get_logger(__name__)


def _closing_date_errors(closes_at: datetime, settings: Settings, now: datetime) -> list[FieldError]:
    if closes_at <= now:
        return [FieldError(loc=["body", "closes_at"], msg="the closing date has passed", type="in_the_past")]
    latest = now + timedelta(days=settings.max_cycle_duration_days)
    if closes_at > latest:
        return [
            FieldError(
                loc=["body", "closes_at"],
                msg=f"a cycle stays open at most {settings.max_cycle_duration_days} days",
                type="too_late",
            )
        ]
    return []


def _ensure_360(cycle: Cycle) -> None:
    if cycle.kind == CycleKind.SELF_ASSESSMENT:
        raise CycleStateConflict("a self-assessment has no raters: it completes when your answers are submitted")


async def open_cycle(
    session: AsyncSession, principal: Principal, id: UUID, body: OpenIn, settings: Settings
) -> CycleOut:
    """Open a 360 to its raters. Refused, listing every reason, when the closing date has passed or is
    too far off, or when fewer raters are nominated than the cycle's minimums need."""
    cycle = await access.own_cycle(session, principal, id)
    _ensure_360(cycle)
    cycle_service.ensure_accepting(cycle)
    if cycle.status != CycleStatus.DRAFT:
        raise CycleStateConflict(f"the cycle is {cycle.status}, not a draft")
    now = datetime.now(UTC)
    live = await InvitationRepository(session).live(cycle.id)
    errors = _closing_date_errors(body.closes_at, settings, now)
    errors += cycle_service.threshold_errors(cycle_service.thresholds_of(cycle), settings, ["thresholds"])
    if len(live) < cycle.min_others_total:
        errors.append(
            FieldError(
                loc=["raters"],
                msg=f"{len(live)} rater(s) nominated; this cycle needs at least {cycle.min_others_total}",
                type="too_few_raters",
            )
        )
    line_managers = [i for i in live if i.rater_group == RaterGroup.LINE_MANAGER]
    if cycle.requires_approval and len(line_managers) != 1:
        errors.append(
            FieldError(
                loc=["raters"],
                msg=f"approval needs exactly one nominated line manager; {len(line_managers)} nominated",
                type="approver_missing",
            )
        )
    if errors:
        raise UnprocessableContent(f"{len(errors)} reason(s) the cycle cannot open", errors=errors)
    cycle.closes_at = body.closes_at
    if cycle.requires_approval and cycle.approval_decision != ApprovalDecision.APPROVED:
        cycle.status = CycleStatus.AWAITING_APPROVAL
        cycle.approval_decision, cycle.approval_note, cycle.approval_decided_at = None, None, None
        await mail_service.queue(session, line_managers[0].id, MailKind.APPROVAL_REQUEST)
    else:
        await activate(session, cycle, settings, now=now, invitations=live)
    return (await cycle_service.to_out(session, [cycle]))[0]


async def approve(session: AsyncSession, cycle: Cycle, settings: Settings) -> None:
    """The line manager approved the nominations: the cycle opens and every rater is invited."""
    now = datetime.now(UTC)
    if cycle.closes_at is None or cycle.closes_at <= now:
        raise CycleStateConflict("the closing date has passed; the participant has to extend it first")
    cycle.approval_decision, cycle.approval_decided_at = ApprovalDecision.APPROVED, now
    await activate(session, cycle, settings, now=now, invitations=await InvitationRepository(session).live(cycle.id))


async def reject(session: AsyncSession, cycle: Cycle, note: str | None) -> None:
    """The line manager asked for changes: the cycle goes back to the participant as a draft."""
    cycle.status = CycleStatus.DRAFT
    cycle.approval_decision, cycle.approval_note = ApprovalDecision.REJECTED, note
    cycle.approval_decided_at = datetime.now(UTC)


async def activate(
    session: AsyncSession, cycle: Cycle, settings: Settings, *, now: datetime, invitations: Sequence[Invitation] = ()
) -> None:
    """Open ``cycle``: cycle.opened first, then each nomination and any self answers already given,
    so consumers always learn of the cycle before what belongs to it."""
    cycle.status, cycle.opened_at = CycleStatus.OPEN, now
    await outbox.add(session, opened_event(cycle), subject=str(cycle.id))
    key = EmailHashKey(settings.email_hash_key.get_secret_value())
    for invitation in invitations:
        await outbox.add(session, nominated_event(cycle, invitation, key), subject=str(cycle.id))
        await mail_service.queue(session, invitation.id, MailKind.INVITATION)
    self_response = await CycleRepository(session).self_response(cycle.id)
    if self_response is not None:
        await outbox.add(session, response_service.submitted_event(self_response), subject=str(cycle.id))


def opened_event(cycle: Cycle) -> CycleOpenedV1:
    assert cycle.closes_at is not None
    return CycleOpenedV1(
        cycle_id=cycle.id,
        kind=CycleKind(cycle.kind),
        participant_id=cycle.participant_id,
        organisation=cycle.organisation,
        region=cycle.region,
        questionnaire_id=cycle.questionnaire_id,
        closes_at=cycle.closes_at,
        thresholds=cycle_service.thresholds_of(cycle),
        release_mode=ReleaseMode(cycle.release_mode),
        team_cycle_id=cycle.team_cycle_id,
    )


def nominated_event(cycle: Cycle, invitation: Invitation, key: EmailHashKey) -> RaterNominatedV1:
    return RaterNominatedV1(
        cycle_id=cycle.id,
        participant_id=cycle.participant_id,
        rater_group=RaterGroup(invitation.rater_group),
        rater_email_hash=email_hash(EmailAddress(invitation.email), key),
    )


async def close(session: AsyncSession, principal: Principal, id: UUID) -> CycleOut:
    """The participant closes their 360 early, once enough raters have submitted."""
    cycle = await access.own_cycle(session, principal, id)
    _ensure_360(cycle)
    cycle_service.ensure_accepting(cycle)
    if cycle.status != CycleStatus.OPEN:
        raise CycleStateConflict(f"the cycle is {cycle.status}, not open")
    counts = (await CycleRepository(session).summaries([cycle.id]))[cycle.id].counts
    submitted = sum(n[1] for n in counts.values())
    if submitted < cycle.min_others_total:
        raise MinimumsNotMet(
            f"{submitted} rater(s) have submitted; at least {cycle.min_others_total} are needed to close early"
        )
    await close_cycle(session, cycle, CloseReason.PARTICIPANT, now=datetime.now(UTC))
    return (await cycle_service.to_out(session, [cycle]))[0]


async def close_due(session: AsyncSession, *, limit: int) -> int:
    """Close open cycles whose closing date has passed (the scheduled task's work); the caller commits.
    Rows are claimed with SKIP LOCKED, so replicas running this at once close each cycle once."""
    due = await CycleRepository(session).due_for_closing(limit)
    now = datetime.now(UTC)
    for cycle in due:
        await close_cycle(session, cycle, CloseReason.CLOSING_DATE, now=now)
    return len(due)


async def close_cycle(session: AsyncSession, cycle: Cycle, reason: CloseReason, *, now: datetime) -> None:
    cycle.status, cycle.closed_at, cycle.close_reason = CycleStatus.CLOSED, now, reason.value
    summary = (await CycleRepository(session).summaries([cycle.id]))[cycle.id]
    invited: dict[RaterGroup, int] = {RaterGroup.SELF: 1}
    submitted: dict[RaterGroup, int] = {RaterGroup.SELF: int(summary.self_submitted)}
    for group, (n_invited, n_submitted, _declined) in summary.counts.items():
        invited[RaterGroup(group)], submitted[RaterGroup(group)] = n_invited, n_submitted
    await outbox.add(
        session,
        CycleClosedV1(
            cycle_id=cycle.id, participant_id=cycle.participant_id, invited=invited, submitted=submitted, closed_at=now
        ),
        subject=str(cycle.id),
    )


async def extend(session: AsyncSession, principal: Principal, id: UUID, body: ExtendIn, settings: Settings) -> CycleOut:
    """Move the closing date later, for the raters who have not submitted. A cycle that closed without
    its report being released opens again (cycle.opened is published again with the new date), and the
    raters who have not answered are told so."""
    cycle = await access.readable_cycle(session, principal, id, for_update=True)
    _ensure_360(cycle)
    if cycle.report_released_at is not None:
        raise ReportReleased("the report of this cycle has been released; it cannot be extended")
    if cycle.status == CycleStatus.DRAFT:
        raise CycleStateConflict("a draft has no closing date yet: give it when opening the cycle")
    now = datetime.now(UTC)
    errors = _closing_date_errors(body.closes_at, settings, now)
    if cycle.closes_at is not None and body.closes_at <= cycle.closes_at:
        errors.append(
            FieldError(
                loc=["body", "closes_at"],
                msg=f"an extension moves the closing date later than {cycle.closes_at.isoformat()}",
                type="not_later",
            )
        )
    if errors:
        raise UnprocessableContent(f"{len(errors)} problem(s) with the extension", errors=errors)
    cycle.closes_at = body.closes_at
    if cycle.status == CycleStatus.CLOSED:
        cycle.status, cycle.closed_at, cycle.close_reason = CycleStatus.OPEN, None, None
        await outbox.add(session, opened_event(cycle), subject=str(cycle.id))
        for invitation in await InvitationRepository(session).awaiting_answer(cycle.id):
            await mail_service.queue(session, invitation.id, MailKind.REMINDER)
    return (await cycle_service.to_out(session, [cycle]))[0]


async def on_report_released(session: AsyncSession, data: ReportReleasedV1, event: CloudEvent) -> None:
    """Handler of ``hlm.report.report.released.v1``: from now on the cycle accepts nothing (no response,
    draft, nomination or extension)."""
    if not await CycleRepository(session).mark_report_released(data.cycle_id, data.released_at):
        log.info("report released for a cycle unknown here or already released", cycle_id=str(data.cycle_id))

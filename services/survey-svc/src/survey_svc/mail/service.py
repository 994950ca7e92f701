"""Queueing mail with the change that calls for it, and sending it afterwards.

A rater's mail carries a fresh token made as it is sent: the token exists only in the message, and the
database keeps its SHA-256 alone. Every token of an invitation opens it until the invitation ends, so
a reminder's link and the first mail's link both work. A goal's reminder carries no link and no token.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from uuid import UUID

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from survey_svc.config import Settings
from survey_svc.cycles.models import Cycle, CycleStatus
from survey_svc.cycles.repository import CycleRepository
from survey_svc.goals.models import GoalStatus
from survey_svc.goals.repository import GoalRepository
from survey_svc.invitations import tokens
from survey_svc.mail.messages import compose, compose_goal_reminder
from survey_svc.mail.models import MailJob, MailKind
from survey_svc.mail.repository import MailJobRepository
from survey_svc.mail.transport import Mailer, MailNotSent
from survey_svc.raters.models import Invitation, InvitationStatus
from survey_svc.raters.repository import InvitationRepository

log = structlog.get_logger(__name__)


async def queue(session: AsyncSession, invitation_id: UUID, kind: MailKind) -> None:
    """Queue a mail in the caller's transaction: it is sent only if that transaction commits."""
    await MailJobRepository(session).queue(kind, invitation_id=invitation_id)


async def queue_goal_reminder(session: AsyncSession, goal_id: UUID) -> None:
    """Queue a goal's reminder to its author, in the caller's transaction."""
    await MailJobRepository(session).queue(MailKind.GOAL_REMINDER, goal_id=goal_id)


async def cancel_goal_reminders(session: AsyncSession, goal_id: UUID) -> int:
    """Drop a goal's reminder mail not sent yet (its date moved, or the goal is no longer active); return
    how many were dropped. A mail being sent at this moment is locked by the mail worker: the delete waits
    for it and then leaves it, as it has gone."""
    return await MailJobRepository(session).cancel_unsent(goal_id)


def _still_wanted(job: MailJob, invitation: Invitation, cycle: Cycle) -> bool:
    """A mail queued for a rater who has since answered, declined or been withdrawn, or for a cycle no
    longer in the state it was queued for, is dropped: reminders reach non-submitters only."""
    if invitation.status != InvitationStatus.INVITED or cycle.report_released_at is not None:
        return False
    if job.kind == MailKind.APPROVAL_REQUEST:
        return cycle.status == CycleStatus.AWAITING_APPROVAL
    return cycle.status == CycleStatus.OPEN


async def deliver_due(sessionmaker: async_sessionmaker[AsyncSession], mailer: Mailer, settings: Settings) -> int:
    """Send up to a batch of due mails, each in its own transaction; return how many were handled."""
    handled = 0
    while handled < settings.mail_batch_size:
        async with sessionmaker() as session, session.begin():
            job = await MailJobRepository(session).claim_next_due()
            if job is None:
                return handled
            await _deliver(session, sessionmaker, job, mailer, settings)
        handled += 1
    return handled


@dataclass(frozen=True, slots=True)
class _Outgoing:
    message: EmailMessage
    # A rater's mail: the invitation and the hash of the fresh token its link carries, stored only if the
    # mail goes.
    invitation_token: tuple[UUID, bytes] | None = None


async def _rater_mail(session: AsyncSession, job: MailJob, settings: Settings) -> _Outgoing | None:
    invitation = await InvitationRepository(session).get_by_id(job.invitation_id) if job.invitation_id else None
    cycle = await CycleRepository(session).get_by_id(invitation.cycle_id) if invitation else None
    if invitation is None or cycle is None or not _still_wanted(job, invitation, cycle):
        return None
    token, token_hash = tokens.new_token()
    message = compose(
        MailKind(job.kind),
        sender=settings.mail_from,
        rater_name=invitation.name,
        rater_email=invitation.email,
        participant_name=cycle.participant_name,
        link=settings.invitation_link_base_url + token,
        closes_at=cycle.closes_at,
    )
    return _Outgoing(message, invitation_token=(invitation.id, token_hash))


async def _goal_reminder(session: AsyncSession, job: MailJob, settings: Settings, now: datetime) -> _Outgoing | None:
    # Read without a lock: a change to the goal locks the goal and then this job, in that order, so taking
    # the goal's lock here (after the job's) could deadlock with it.
    goal = await GoalRepository(session).get_by_id(job.goal_id) if job.goal_id else None
    # Dropped unless the goal is still active, still reminded by mail, and its reminder date has come.
    if (
        goal is None
        or goal.status != GoalStatus.ACTIVE
        or goal.remind_email is None
        or goal.remind_on is None
        or goal.remind_on > now.date()
    ):
        return None
    message = compose_goal_reminder(sender=settings.mail_from, author_email=goal.remind_email, goal_title=goal.title)
    return _Outgoing(message)


async def _deliver(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    job: MailJob,
    mailer: Mailer,
    settings: Settings,
) -> None:
    now = datetime.now(UTC)
    if job.kind == MailKind.GOAL_REMINDER:
        outgoing = await _goal_reminder(session, job, settings, now)
    else:
        outgoing = await _rater_mail(session, job, settings)
    if outgoing is None:
        job.sent_at, job.last_error = now, "dropped: no longer wanted"
        return
    if outgoing.invitation_token is not None:
        # Committed before the mail goes, in a transaction of its own: the link must open the moment the
        # mail arrives (a rater, or their mail provider's link scanner, may follow it at once), not only
        # once this job's transaction commits.
        invitation_id, token_hash = outgoing.invitation_token
        async with sessionmaker() as own, own.begin():
            await InvitationRepository(own).add_token(invitation_id, token_hash, now)
    try:
        await mailer.send(outgoing.message)
    except MailNotSent as exc:
        if outgoing.invitation_token is not None:
            # The mail did not go, so nobody holds this token: it is not kept.
            async with sessionmaker() as own, own.begin():
                await InvitationRepository(own).remove_token(outgoing.invitation_token[1])
        job.attempts += 1
        job.last_error = str(exc)[:500]
        if job.attempts >= settings.mail_max_attempts:
            job.sent_at = now
            log.error("mail given up", job_id=job.id, kind=job.kind, attempts=job.attempts)
        else:
            delay = settings.mail_retry_base_delay_s * 2 ** (job.attempts - 1)
            job.next_attempt_at = now + timedelta(seconds=delay)
            log.warning("mail not sent; will retry", job_id=job.id, kind=job.kind, retry_in_s=delay)
        return
    job.sent_at, job.attempts = now, job.attempts + 1
    log.info("mail sent", job_id=job.id, kind=job.kind)

"""Queueing mail with the change that calls for it, and sending it afterwards.

A mail carries a fresh token made as it is sent: the token exists only in the message, and the
database keeps its SHA-256 alone. Every token of an invitation opens it until the invitation ends, so
a reminder's link and the first mail's link both work.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

import structlog
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from survey_svc.config import Settings
from survey_svc.cycles.models import Cycle, CycleStatus
from survey_svc.invitations import tokens
from survey_svc.mail.messages import compose
from survey_svc.mail.models import MailJob, MailKind
from survey_svc.mail.transport import Mailer, MailNotSent
from survey_svc.raters.models import Invitation, InvitationStatus
from survey_svc.raters.repository import InvitationRepository

log = structlog.get_logger(__name__)


async def queue(session: AsyncSession, invitation_id: UUID, kind: MailKind) -> None:
    """Queue a mail in the caller's transaction: it is sent only if that transaction commits."""
    await session.execute(insert(MailJob).values(invitation_id=invitation_id, kind=kind.value, attempts=0))


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
            job = (
                await session.scalars(
                    select(MailJob)
                    .where(MailJob.sent_at.is_(None), MailJob.next_attempt_at <= func.clock_timestamp())
                    .order_by(MailJob.next_attempt_at, MailJob.id)
                    .limit(1)
                    .with_for_update(skip_locked=True)
                )
            ).one_or_none()
            if job is None:
                return handled
            await _deliver(session, job, mailer, settings)
        handled += 1
    return handled


async def _deliver(session: AsyncSession, job: MailJob, mailer: Mailer, settings: Settings) -> None:
    now = datetime.now(UTC)
    invitation = await session.get(Invitation, job.invitation_id)
    cycle = await session.get(Cycle, invitation.cycle_id) if invitation else None
    if invitation is None or cycle is None or not _still_wanted(job, invitation, cycle):
        job.sent_at, job.last_error = now, "dropped: no longer wanted"
        return
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
    try:
        # The token's hash is stored only if the mail goes: a savepoint undoes it when sending fails.
        async with session.begin_nested():
            await InvitationRepository(session).add_token(invitation.id, token_hash, now)
            await mailer.send(message)
    except MailNotSent as exc:
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

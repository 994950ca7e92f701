"""Rules of nominations: who the participant asks for feedback, and reminders to those who have not
answered. The participant sees whom they nominated, never who has answered."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from hlm_contracts import CycleKind, EmailHashKey
from hlm_kit.auth import Principal
from hlm_kit.errors import FieldError, UnprocessableContent
from survey_svc import access
from survey_svc.config import Settings
from survey_svc.cycles import lifecycle
from survey_svc.cycles import service as cycle_service
from survey_svc.cycles.exceptions import CycleStateConflict
from survey_svc.cycles.models import CycleStatus
from survey_svc.database import outbox
from survey_svc.mail import service as mail_service
from survey_svc.mail.models import MailKind
from survey_svc.raters.exceptions import RaterNotFound
from survey_svc.raters.models import Invitation, InvitationStatus
from survey_svc.raters.repository import InvitationRepository
from survey_svc.raters.schemas import MAX_RATERS_PER_CYCLE, NominationsIn, RaterList, RaterOut, RemindersQueued


def to_out(invitation: Invitation) -> RaterOut:
    return RaterOut(
        id=invitation.id,
        name=invitation.name,
        email=invitation.email,
        rater_group=invitation.rater_group,
        nominated_at=invitation.nominated_at,
    )


async def nominate(
    session: AsyncSession, principal: Principal, cycle_id: UUID, body: NominationsIn, settings: Settings
) -> RaterList:
    """Add raters. Before the cycle opens they wait; once it is open each is invited at once (and
    facilitator-svc learns the keyed hash of their address)."""
    cycle = await access.own_cycle(session, principal, cycle_id)
    if cycle.kind == CycleKind.SELF_ASSESSMENT:
        raise CycleStateConflict("a self-assessment has no raters; turn it into a 360 first")
    cycle_service.ensure_accepting(cycle)
    if cycle.status == CycleStatus.AWAITING_APPROVAL:
        raise CycleStateConflict("the nominations are with the line manager for approval and cannot change now")
    repository = InvitationRepository(session)
    live = await repository.live(cycle.id)
    taken = {i.email.strip().lower() for i in live}
    errors: list[FieldError] = []
    seen: set[str] = set()
    for n, rater in enumerate(body.raters):
        address = rater.email.strip().lower()
        if address in taken or address in seen:
            errors.append(
                FieldError(
                    loc=["body", "raters", n, "email"], msg=f"{rater.email} is already nominated", type="duplicate"
                )
            )
        seen.add(address)
    if len(live) + len(body.raters) > MAX_RATERS_PER_CYCLE:
        errors.append(
            FieldError(
                loc=["body", "raters"], msg=f"a cycle has at most {MAX_RATERS_PER_CYCLE} raters", type="too_many"
            )
        )
    if errors:
        raise UnprocessableContent(f"{len(errors)} problem(s) with the nominations", errors=errors)
    now = datetime.now(UTC)
    added = [
        Invitation(
            cycle_id=cycle.id,
            rater_group=rater.rater_group.value,
            name=rater.name,
            email=rater.email.strip(),
            status=InvitationStatus.INVITED,
            nominated_at=now,
            reminders_sent=0,
        )
        for rater in body.raters
    ]
    session.add_all(added)
    await session.flush()
    if cycle.status == CycleStatus.OPEN:
        key = EmailHashKey(settings.email_hash_key.get_secret_value())
        for invitation in added:
            await outbox.add(session, lifecycle.nominated_event(cycle, invitation, key), subject=str(cycle.id))
            await mail_service.queue(session, invitation.id, MailKind.INVITATION)
    return RaterList(items=[to_out(i) for i in added])


async def list_raters(session: AsyncSession, principal: Principal, cycle_id: UUID) -> RaterList:
    cycle = await access.own_cycle(session, principal, cycle_id, for_update=False)
    return RaterList(items=[to_out(i) for i in await InvitationRepository(session).live(cycle.id)])


async def withdraw(session: AsyncSession, principal: Principal, cycle_id: UUID, rater_id: UUID) -> None:
    """Take a nomination back; its links stop working. It answers the same whether or not the rater has
    already answered (answers already given stay and count), so withdrawing tells nothing."""
    cycle = await access.own_cycle(session, principal, cycle_id)
    cycle_service.ensure_accepting(cycle)
    if cycle.status == CycleStatus.AWAITING_APPROVAL:
        raise CycleStateConflict("the nominations are with the line manager for approval and cannot change now")
    repository = InvitationRepository(session)
    invitation = await repository.in_cycle(cycle.id, rater_id, for_update=True)
    if invitation is None or invitation.status == InvitationStatus.WITHDRAWN:
        raise RaterNotFound(f"no rater {rater_id} in this cycle")
    invitation.status, invitation.ended_at, invitation.draft = InvitationStatus.WITHDRAWN, datetime.now(UTC), None
    await repository.revoke_tokens(invitation.id)


async def remind(session: AsyncSession, principal: Principal, cycle_id: UUID) -> RemindersQueued:
    """Remind every rater who has neither submitted nor declined; nobody else gets a mail."""
    cycle = await access.own_cycle(session, principal, cycle_id)
    cycle_service.ensure_accepting(cycle)
    if cycle.status != CycleStatus.OPEN:
        raise CycleStateConflict(f"the cycle is {cycle.status}: reminders go out while it is open")
    waiting = await InvitationRepository(session).awaiting_answer(cycle.id)
    for invitation in waiting:
        invitation.reminders_sent += 1
        await mail_service.queue(session, invitation.id, MailKind.REMINDER)
    return RemindersQueued(reminded=len(waiting))

"""The periodic work of accreditation reminders.

Each reminder is its own unit of work: one transaction claims one facilitator (``FOR NO KEY UPDATE SKIP
LOCKED``), records the reminder and writes its event to the outbox, so replicas share the work, a failure
loses one reminder's attempt and nothing else, and the next run finds whatever is still due. The unique
constraint on (facilitator, expiry, reminder point) is what keeps it to once, should two replicas ever
read the same row between one's commit and the other's lock.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from facilitator_svc.config import Settings, local_date
from facilitator_svc.database import outbox
from facilitator_svc.db_errors import violated_constraint
from facilitator_svc.training.accreditation_reminders.models import AccreditationReminder
from facilitator_svc.training.accreditation_reminders.repository import ReminderRepository
from hlm_contracts import AccreditationReminderRecordedV1, RenewingCourse
from hlm_kit.periodic import PeriodicJob

UNIQUE_REMINDER = "uq_accreditation_reminder_facilitator_id_expires_on_days_before"


async def record_due_reminders(
    sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, now: Callable[[], datetime]
) -> int:
    """Record every reminder that has fallen due, up to the batch size; how many were recorded."""
    moment = now()
    today = local_date(settings, moment)
    recorded = 0
    # The nearest point first: a facilitator already inside it is reminded once, at that point, not also
    # at every earlier point that was missed (the 90-day reminder of an accreditation lapsing in 20 days).
    for days_before in sorted(set(settings.accreditation_reminder_days)):
        while recorded < settings.accreditation_reminder_batch_size:
            async with sessionmaker.begin() as session:
                claimed = await _record_next(session, today, days_before, moment)
            if claimed is None:
                break
            recorded += claimed
    return recorded


async def _record_next(session: AsyncSession, today: date, days_before: int, now: datetime) -> int | None:
    """1 when a reminder was recorded, 0 when another replica had just recorded it, None when none is due."""
    repository = ReminderRepository(session)
    facilitator = await repository.claim_due(today, days_before)
    if facilitator is None:
        return None
    reminder = AccreditationReminder(
        facilitator_id=facilitator.id,
        level=facilitator.accreditation_level,
        expires_on=facilitator.accreditation_expires_on,
        days_before=days_before,
        recorded_on=today,
        recorded_at=now,
    )
    try:
        async with session.begin_nested():
            session.add(reminder)
            await session.flush()
    except IntegrityError as exc:
        if violated_constraint(exc) == UNIQUE_REMINDER:
            return 0
        raise
    courses = await repository.renewing_courses(facilitator, today)
    event = AccreditationReminderRecordedV1(
        reminder_id=reminder.id,
        facilitator_id=facilitator.id,
        level=facilitator.accreditation_level,
        expires_on=reminder.expires_on,
        days_before=days_before,
        renewing_courses=[RenewingCourse(course_id=c.id, starts_on=c.starts_on) for c in courses],
    )
    await outbox.add(session, event, subject=str(facilitator.id))
    return 1


def job(sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, now: Callable[[], datetime]) -> PeriodicJob:
    return PeriodicJob(
        "accreditation-reminders",
        lambda: record_due_reminders(sessionmaker, settings, now),
        interval_s=settings.accreditation_reminder_interval_s,
        batch_size=settings.accreditation_reminder_batch_size,
    )

"""The service's periodic work: closing cycles at their closing date, queueing the reminder mail of goals
whose reminder date has come, and sending queued mail.

All run in every replica that runs workers; each claims its rows with ``FOR UPDATE SKIP LOCKED`` so
every cycle is closed once, every reminder date queued once and every mail sent once, and all keep their
state in the database, so whatever fell due while the service was down is done when it starts again.
"""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hlm_kit.app import ServiceRuntime
from hlm_kit.periodic import PeriodicJob
from survey_svc.config import Settings
from survey_svc.cycles import lifecycle
from survey_svc.goals import service as goal_service
from survey_svc.invitations import rate_limit
from survey_svc.mail import service as mail_service
from survey_svc.mail.transport import Mailer, mailer_from


async def close_due_cycles(sessionmaker: async_sessionmaker[AsyncSession], settings: Settings) -> int:
    async with sessionmaker() as session, session.begin():
        closed = await lifecycle.close_due(session, limit=settings.closing_batch_size)
        await rate_limit.forget_old_windows(session)
    return closed


async def queue_goal_reminders(sessionmaker: async_sessionmaker[AsyncSession], settings: Settings) -> int:
    async with sessionmaker() as session, session.begin():
        return await goal_service.queue_due_reminders(session, limit=settings.goal_reminder_batch_size)


def jobs(
    sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, mailer: Mailer | None = None
) -> list[PeriodicJob]:
    mailer = mailer or mailer_from(settings)

    async def close() -> int:
        return await close_due_cycles(sessionmaker, settings)

    async def send() -> int:
        return await mail_service.deliver_due(sessionmaker, mailer, settings)

    send_mail = PeriodicJob(
        "send-mail", send, interval_s=settings.mail_poll_interval_s, batch_size=settings.mail_batch_size
    )

    async def remind() -> int:
        queued = await queue_goal_reminders(sessionmaker, settings)
        if queued:
            send_mail.wake()
        return queued

    return [
        PeriodicJob(
            "close-due-cycles",
            close,
            interval_s=settings.closing_poll_interval_s,
            batch_size=settings.closing_batch_size,
        ),
        PeriodicJob(
            "queue-goal-reminders",
            remind,
            interval_s=settings.goal_reminder_poll_interval_s,
            batch_size=settings.goal_reminder_batch_size,
        ),
        send_mail,
    ]


def workers(runtime: ServiceRuntime) -> list[tuple[str, Coroutine[Any, Any, None]]]:
    settings = runtime.settings
    assert isinstance(settings, Settings)
    return [(job.name, job.run()) for job in jobs(runtime.sessionmaker, settings)]

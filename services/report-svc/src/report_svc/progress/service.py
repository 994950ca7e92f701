"""Who may read a participant's progress between two released reports, and which two are compared.

A comparison is read under exactly the rules of the reports it compares (``reports.service.get`` for
each): whoever may read both may read it, anyone else is answered as for a report they may not read.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hlm_kit.auth import Principal
from report_svc.progress import comparison
from report_svc.progress.exceptions import NoEarlierReport, NotComparable
from report_svc.progress.repository import ProgressRepository, when
from report_svc.reports import service as report_service
from report_svc.reports.models import Report

RELEASED = "released"


@dataclass(frozen=True, slots=True)
class Progress:
    """Two reports of one participant, the earlier first, and their comparison."""

    then: Report
    now: Report
    content: dict[str, Any]


def _why_not(then: Report, now: Report) -> str | None:
    if then.id == now.id:
        return "a report is compared with an earlier one of the same participant"
    if then.participant_id != now.participant_id:
        return "the reports are of different participants"
    if then.status != RELEASED or now.status != RELEASED:
        return "only released reports are compared"
    if not when(then) < when(now):
        return "`since` must be a report of an earlier cycle"
    return comparison.why_not_comparable(then.content, now.content)


async def get(
    session: AsyncSession, principal: Principal, report_id: uuid.UUID, since: uuid.UUID | None = None
) -> Progress:
    """The progress to report ``report_id`` from report ``since``, or from the participant's latest
    earlier released report on the same framework that the caller may read."""
    now = await report_service.get(session, principal, report_id)
    if since is not None:
        then = await report_service.get(session, principal, since)
        if (reason := _why_not(then, now)) is not None:
            raise NotComparable(reason)
    else:
        then = await _latest_earlier(session, principal, now)
    return Progress(then, now, comparison.compare(then.content, now.content))


async def _latest_earlier(session: AsyncSession, principal: Principal, now: Report) -> Report:
    if now.status != RELEASED:
        raise NotComparable("only released reports are compared")
    for candidate in await ProgressRepository(session).released_of(now.participant_id):
        if _why_not(candidate, now) is None and await report_service.readable(session, principal, candidate):
            return candidate
    raise NoEarlierReport

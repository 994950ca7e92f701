"""The PDF summary of an author's journal: the period's observations counted by dimension, with their goals."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from hlm_kit.auth import Principal
from survey_svc.goals import service as goal_service
from survey_svc.observations import pdf
from survey_svc.observations import service as observation_service
from survey_svc.observations.schemas import SummaryPeriod


@dataclass(frozen=True)
class SummaryPdf:
    content: bytes
    filename: str


async def make(session: AsyncSession, principal: Principal, period: SummaryPeriod, *, name: str | None) -> SummaryPdf:
    """The caller's summary of ``period``, with ``name`` printed on it."""
    on_or_after, on_or_before = period.on_or_after, period.on_or_before
    dimensions = await observation_service.known_dimensions(session)
    observations = await observation_service.all_in_period(session, principal, on_or_after, on_or_before)
    goals = await goal_service.all_for(session, principal)
    # Rendering is CPU work: keep it off the event loop.
    content = await asyncio.to_thread(
        pdf.render,
        observations=observations,
        goals=goals,
        dimensions=dimensions,
        on_or_after=on_or_after,
        on_or_before=on_or_before,
        name=name,
        made_at=datetime.now(UTC),
    )
    return SummaryPdf(content, f"observations-{on_or_after.isoformat()}-{on_or_before.isoformat()}.pdf")

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select

from hlm_kit.repository import RepositoryBase
from report_svc.reports.models import Report


def when(report: Report) -> datetime:
    """When a report's cycle ended: its close, or for a self-assessment (which has none) its release."""
    return report.closed_at or report.released_at or report.created_at


class ProgressRepository(RepositoryBase[Report]):
    model = Report

    async def released_of(self, participant_id: str) -> Sequence[Report]:
        """A participant's released, produced reports, the most recent cycle first."""
        return await self.get_all(
            select(Report)
            .where(Report.participant_id == participant_id, Report.status == "released", Report.state == "ready")
            .order_by(func.coalesce(Report.closed_at, Report.released_at, Report.created_at).desc(), Report.id)
        )

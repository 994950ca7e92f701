"""Events produced by report-svc."""

from __future__ import annotations

from typing import ClassVar
from uuid import UUID

from pydantic import AwareDatetime, Field

from hlm_contracts.base import EventData, Subject


class ReportReadyV1(EventData):
    """A participant's report was produced. In a coached release it now waits for the facilitator."""

    type: ClassVar[str] = "hlm.report.report.ready.v1"
    source: ClassVar[str] = "report-svc"

    report_id: UUID
    cycle_id: UUID
    participant_id: Subject


class ReportReleasedV1(EventData):
    """A report was released to the participant, who may now read it."""

    type: ClassVar[str] = "hlm.report.report.released.v1"
    source: ClassVar[str] = "report-svc"

    report_id: UUID
    cycle_id: UUID
    participant_id: Subject
    released_to: Subject = Field(description="The `sub` of the person who may now read the report.")
    released_by: Subject = Field(
        description=(
            "The `sub` of the facilitator or admin who released it; "
            '"report-svc" when the release was automatic (self-assessment or direct release).'
        )
    )
    released_at: AwareDatetime

"""The DataLoaders of one request (or one operation on a websocket): each upstream read that fields of a
query share, batched and deduplicated, typed by its key and by the service's model of its answer."""

from __future__ import annotations

from dataclasses import dataclass

from strawberry.dataloader import DataLoader

from hlm_gateway.catalogue.loaders import (
    FrameworkKey,
    framework_loader,
    questionnaire_loader,
    questionnaires_by_framework_loader,
)
from hlm_gateway.cycles.loaders import cycle_loader, raters_by_cycle_loader
from hlm_gateway.facilitators.loaders import facilitator_loader
from hlm_gateway.journey.loaders import report_by_cycle_loader, report_summary_by_cycle_loader, session_by_cycle_loader
from hlm_gateway.upstream import Upstream
from hlm_gateway.upstream.facilitator import BookingOut, FacilitatorOut
from hlm_gateway.upstream.framework import FrameworkTree, QuestionnaireOut
from hlm_gateway.upstream.report import ReportOut, ReportSummaryOut
from hlm_gateway.upstream.survey import CycleOut, RaterOut


@dataclass(frozen=True)
class Loaders:
    # framework-svc
    framework: DataLoader[FrameworkKey, FrameworkTree]
    questionnaire: DataLoader[str, QuestionnaireOut]
    questionnaires_by_framework: DataLoader[str, list[QuestionnaireOut]]
    # survey-svc
    cycle: DataLoader[str, CycleOut]
    raters_by_cycle: DataLoader[str, list[RaterOut]]
    # report-svc: whole reports for a query that reads their content, summaries otherwise
    report_by_cycle: DataLoader[str, ReportOut | None]
    report_summary_by_cycle: DataLoader[str, ReportSummaryOut | None]
    # facilitator-svc
    session_by_cycle: DataLoader[str, BookingOut | None]
    facilitator: DataLoader[str, FacilitatorOut | None]

    @classmethod
    def over(cls, *, framework: Upstream, survey: Upstream, report: Upstream, facilitator: Upstream) -> Loaders:
        """Fresh loaders over the services as one caller sees them (a DataLoader caches for its lifetime:
        never share one between callers or operations)."""
        return cls(
            framework=framework_loader(framework),
            questionnaire=questionnaire_loader(framework),
            questionnaires_by_framework=questionnaires_by_framework_loader(framework),
            cycle=cycle_loader(survey),
            raters_by_cycle=raters_by_cycle_loader(survey),
            report_by_cycle=report_by_cycle_loader(report),
            report_summary_by_cycle=report_summary_by_cycle_loader(report),
            session_by_cycle=session_by_cycle_loader(facilitator),
            facilitator=facilitator_loader(facilitator),
        )

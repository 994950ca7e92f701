"""The DataLoaders of one request (or one operation on a websocket): each upstream read that fields of a
query share, batched and deduplicated, typed by its key and by the service's model of its answer."""

from __future__ import annotations

from functools import cached_property

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


class Loaders:
    """Fresh loaders over the services as one caller sees them (a DataLoader caches for its lifetime: never
    share one between callers or operations). Each loader is made when a field of the request first asks
    for it: a query reads one or two kinds of data, and making all nine for every request cost more than
    the home screen's own two."""

    def __init__(self, *, framework: Upstream, survey: Upstream, report: Upstream, facilitator: Upstream) -> None:
        self._framework = framework
        self._survey = survey
        self._report = report
        self._facilitator = facilitator

    # framework-svc
    @cached_property
    def framework(self) -> DataLoader[FrameworkKey, FrameworkTree]:
        return framework_loader(self._framework)

    @cached_property
    def questionnaire(self) -> DataLoader[str, QuestionnaireOut]:
        return questionnaire_loader(self._framework)

    @cached_property
    def questionnaires_by_framework(self) -> DataLoader[str, list[QuestionnaireOut]]:
        return questionnaires_by_framework_loader(self._framework)

    # survey-svc
    @cached_property
    def cycle(self) -> DataLoader[str, CycleOut]:
        return cycle_loader(self._survey)

    @cached_property
    def raters_by_cycle(self) -> DataLoader[str, list[RaterOut]]:
        return raters_by_cycle_loader(self._survey)

    # report-svc: whole reports for a query that reads their content, summaries otherwise
    @cached_property
    def report_by_cycle(self) -> DataLoader[str, ReportOut | None]:
        return report_by_cycle_loader(self._report)

    @cached_property
    def report_summary_by_cycle(self) -> DataLoader[str, ReportSummaryOut | None]:
        return report_summary_by_cycle_loader(self._report)

    # facilitator-svc
    @cached_property
    def session_by_cycle(self) -> DataLoader[str, BookingOut | None]:
        return session_by_cycle_loader(self._facilitator)

    @cached_property
    def facilitator(self) -> DataLoader[str, FacilitatorOut | None]:
        return facilitator_loader(self._facilitator)

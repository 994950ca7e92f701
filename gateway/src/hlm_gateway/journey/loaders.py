"""Batched reads of report-svc and facilitator-svc for one request: however many cycles a query lists,
their reports cost one call to report-svc and their sessions one call to facilitator-svc per hundred
cycles, asked by the cycles' ids.

Reports come in two kinds: summaries (no ``content``, which is nearly all of a report's size) for a query
that does not select ``Report.content``, and whole reports for one that does; each kind is one call."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from strawberry.dataloader import DataLoader

from hlm_gateway.errors import GatewayError
from hlm_gateway.facilitators.loaders import MAX_BATCH_IDS
from hlm_gateway.upstream import Upstream
from hlm_gateway.upstream.facilitator import BookingList, BookingOut, BookingStatus
from hlm_gateway.upstream.report import ReportList, ReportOut, ReportSummaryList, ReportSummaryOut

# report-svc's list without the reports' content.
SUMMARY = {"view": "summary"}
# Sessions that no longer stand are not the cycle's feedback session.
_ENDED = {BookingStatus.cancelled, BookingStatus.expired}
# facilitator-svc's largest page of sessions: the sessions of a hundred cycles nearly always fit in one.
_SESSIONS_PAGE = "500"

AnyReport = TypeVar("AnyReport", ReportOut, ReportSummaryOut)


def report_by_cycle_loader(report: Upstream) -> DataLoader[str, ReportOut | None]:
    async def load(cycle_ids: Sequence[str]) -> list[ReportOut | None] | list[GatewayError]:
        try:
            # The caller's readable reports, in one call; report-svc decides what the caller may see.
            found = (await report.get("/v1/reports", ReportList)).items
        except GatewayError as error:
            return [error] * len(cycle_ids)
        return _latest_by_cycle(found, cycle_ids)

    return DataLoader(load_fn=load)


def report_summary_by_cycle_loader(report: Upstream) -> DataLoader[str, ReportSummaryOut | None]:
    async def load(cycle_ids: Sequence[str]) -> list[ReportSummaryOut | None] | list[GatewayError]:
        try:
            found = (await report.get("/v1/reports", ReportSummaryList, SUMMARY)).items
        except GatewayError as error:
            return [error] * len(cycle_ids)
        return _latest_by_cycle(found, cycle_ids)

    return DataLoader(load_fn=load)


def _latest_by_cycle(reports: list[AnyReport], cycle_ids: Sequence[str]) -> list[AnyReport | None]:
    latest: dict[str, AnyReport] = {}
    for item in reports:
        current = latest.get(str(item.cycle_id))
        if current is None or item.version > current.version:
            latest[str(item.cycle_id)] = item
    return [latest.get(cycle_id) for cycle_id in cycle_ids]


def session_by_cycle_loader(facilitator: Upstream) -> DataLoader[str, BookingOut | None]:
    async def sessions_by_cycle(cycle_ids: Sequence[str]) -> list[BookingOut | None] | list[GatewayError]:
        # Only these cycles' sessions (those the caller may see), every page of them.
        params = {"cycle_ids": ",".join(cycle_ids), "limit": _SESSIONS_PAGE}
        found: list[BookingOut] = []
        try:
            while True:
                page = await facilitator.get("/v1/bookings", BookingList, params)
                found += page.items
                if page.next_cursor is None:
                    break
                params = {**params, "cursor": page.next_cursor}
        except GatewayError as error:
            return [error] * len(cycle_ids)
        # In order of time: a cycle's latest session that still stands is its feedback session.
        by_cycle = {str(b.cycle_id): b for b in found if b.cycle_id and b.status not in _ENDED}
        return [by_cycle.get(cycle_id) for cycle_id in cycle_ids]

    return DataLoader(load_fn=sessions_by_cycle, max_batch_size=MAX_BATCH_IDS)

"""Batched reads of survey-svc, report-svc and facilitator-svc for one request: however many cycles a
query lists, their reports cost one call to report-svc and their sessions one call to facilitator-svc.

Reports come in two kinds: summaries (no ``content``, which is nearly all of a report's size) for a query
that does not select ``Report.content``, and whole reports for one that does; each kind is one call."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from strawberry.dataloader import DataLoader

from hlm_gateway.errors import GatewayError
from hlm_gateway.upstream import Upstream

# report-svc's list without the reports' content.
SUMMARY = {"view": "summary"}
# Sessions that no longer stand are not the cycle's feedback session.
_ENDED = {"cancelled", "expired"}


def journey_loaders(report: Upstream, facilitator: Upstream) -> dict[str, DataLoader[Any, Any]]:
    def reports_by_cycle(params: Mapping[str, str] | None) -> Callable[[Sequence[str]], Awaitable[list[Any]]]:
        async def load(cycle_ids: Sequence[str]) -> list[Any]:
            try:
                # The caller's readable reports, in one call; report-svc decides what the caller may see.
                found = (await report.get("/v1/reports", params))["items"]
            except GatewayError as error:
                return [error] * len(cycle_ids)
            latest: dict[str, dict[str, Any]] = {}
            for item in found:
                current = latest.get(item["cycle_id"])
                if current is None or item["version"] > current["version"]:
                    latest[item["cycle_id"]] = item
            return [latest.get(cycle_id) for cycle_id in cycle_ids]

        return load

    async def sessions_by_cycle(cycle_ids: Sequence[str]) -> list[Any]:
        try:
            found = (await facilitator.get("/v1/bookings", {"limit": "100"}))["items"]
        except GatewayError as error:
            return [error] * len(cycle_ids)
        by_cycle = {b["cycle_id"]: b for b in found if b.get("cycle_id") and b["status"] not in _ENDED}
        return [by_cycle.get(cycle_id) for cycle_id in cycle_ids]

    return {
        "report_by_cycle": DataLoader(load_fn=reports_by_cycle(None)),
        "report_summary_by_cycle": DataLoader(load_fn=reports_by_cycle(SUMMARY)),
        "session_by_cycle": DataLoader(load_fn=sessions_by_cycle),
    }

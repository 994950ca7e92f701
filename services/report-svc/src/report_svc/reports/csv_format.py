"""Reports as CSV, one published figure a row, for partners who load them into spreadsheets and
warehouses. Only what the JSON publishes appears; comments are left out (free text belongs to the
JSON and PDF)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from report_svc.reports.models import Report

COLUMNS = [
    "report_id",
    "cycle_id",
    "participant_id",
    "dimension_key",
    "dimension",
    "measure",
    "group",
    "value",
    "level",
    "n",
]


def _rows(report: Report) -> Iterable[list[Any]]:
    content = report.content
    head = [str(report.id), str(report.cycle_id), report.participant_id]
    for dimension in content.get("dimensions", []):
        prefix = [*head, dimension["key"], dimension["name"]]
        if dimension.get("self"):
            yield [*prefix, "score", "self", dimension["self"]["score"], dimension["self"]["level"], ""]
        others = dimension.get("others")
        if others:
            yield [*prefix, "score", "others", others["score"], others["level"], others["n"]]
            yield [*prefix, "range_min", "others", others["range"]["min"], "", others["n"]]
            yield [*prefix, "range_max", "others", others["range"]["max"], "", others["n"]]
        for group, cell in dimension.get("groups", {}).items():
            yield [*prefix, "score", group, cell["score"], cell["level"], cell["n"]]
        importance = dimension.get("importance", {})
        if importance.get("self") is not None:
            yield [*prefix, "importance", "self", importance["self"], "", ""]
        if importance.get("others") is not None:
            yield [*prefix, "importance", "others", importance["others"], "", importance["others_n"]]
        if dimension.get("gap") is not None:
            yield [*prefix, "gap", "self_minus_others", dimension["gap"], "", ""]


def to_csv(reports: Iterable[Report]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for report in reports:
        writer.writerows(_rows(report))
    return buffer.getvalue()

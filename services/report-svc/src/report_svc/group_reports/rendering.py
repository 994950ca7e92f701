"""A group report as an HTML page, a PDF (both from ``templates/group_report.html.jinja``) and CSV."""

from __future__ import annotations

import csv
import io

from hlm_kit.documents import html_to_pdf, template_environment
from report_svc.group_reports import document
from report_svc.group_reports.schemas import GroupReportOut

_templates = template_environment("report_svc.group_reports")

CSV_COLUMNS = ["group_report_id", "dimension_key", "dimension", "measure", "rater_group", "level", "value"]


def html(report: GroupReportOut) -> str:
    """The group report as a self-contained HTML page (CSS inline, the heat map as inline SVG)."""
    return _templates.get_template("group_report.html.jinja").render(document.build(report))


def pdf(report: GroupReportOut) -> bytes:
    """The group report as a tagged PDF/UA-1 document. CPU-bound: call it from a worker thread."""
    return html_to_pdf(html(report))


def to_csv(report: GroupReportOut) -> str:
    """One figure a row: each heat map cell (``mean`` by rater group) and each level count
    (``participants_at_level``, others' level per dimension); a withheld figure has no row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for d in report.content["dimensions"]:
        head = [str(report.id), d["key"], d["name"]]
        for group, mean in d["means"].items():
            if mean is not None:
                writer.writerow([*head, "mean", group, "", mean])
        for level, count in (d["levels"] or {}).items():
            writer.writerow([*head, "participants_at_level", "others", level, count])
    return buffer.getvalue()

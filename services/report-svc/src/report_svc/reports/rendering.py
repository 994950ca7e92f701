"""A report as an HTML page and as a PDF, both from the one template ``templates/report.html.jinja``.

The PDF is the HTML laid out on A4 (PDF/UA-1: tagged, titled, in en-GB, a bookmark per heading, each
chart a figure with alternative text), so the two never say different things.
"""

from __future__ import annotations

from hlm_kit.documents import html_to_pdf, template_environment
from report_svc.reports import document
from report_svc.reports.models import Report

_templates = template_environment("report_svc.reports")


def html(report: Report) -> str:
    """The report as a self-contained HTML page (CSS inline, charts as inline SVG, nothing fetched)."""
    return _templates.get_template("report.html.jinja").render(document.build(report))


def pdf(report: Report) -> bytes:
    """The report as a tagged PDF/UA-1 document. CPU-bound: call it from a worker thread."""
    return html_to_pdf(html(report))

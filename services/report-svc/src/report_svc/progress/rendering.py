"""A progress report as an HTML page and as a PDF, both from ``templates/progress.html.jinja``."""

from __future__ import annotations

from hlm_kit.documents import html_to_pdf, template_environment
from report_svc.progress import document
from report_svc.progress.service import Progress

_templates = template_environment("report_svc.progress")


def html(progress: Progress) -> str:
    """The comparison as a self-contained HTML page (CSS inline, charts as inline SVG, nothing fetched)."""
    return _templates.get_template("progress.html.jinja").render(document.build(progress))


def pdf(progress: Progress) -> bytes:
    """The comparison as a tagged PDF/UA-1 document. CPU-bound: call it from a worker thread."""
    return html_to_pdf(html(progress))

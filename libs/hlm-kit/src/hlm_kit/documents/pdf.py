"""HTML to a tagged, titled PDF (PDF/UA-1) with WeasyPrint."""

from __future__ import annotations

import weasyprint
from weasyprint.urls import URLFetcher

PDF_VARIANT = "pdf/ua-1"


def html_to_pdf(html: str) -> bytes:
    """The HTML document as an accessible PDF: PDF/UA-1, so tagged (structure tree, ``/MarkInfo``), with
    the document language of ``<html lang>``, the ``<title>`` shown as the window title, bookmarks from
    the headings, and each inline ``<svg>`` a figure whose alternative text is its ``<title>``.

    Nothing is fetched but ``data:`` URLs: a document carries everything it shows, so text a person wrote
    can never make the renderer reach the network or the disk. CPU-bound (about a quarter of a second for
    a long report): call it from a worker thread in async code.
    """
    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    pdf: bytes = weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf(pdf_variant=PDF_VARIANT)
    return pdf

"""Printed documents: one Jinja2 template rendered as an HTML page and as a tagged PDF (PDF/UA-1), with
charts drawn as inline SVG.

Install with the ``documents`` extra (``hlm-kit[documents]``); only services that print need it.
WeasyPrint needs Debian's ``libpango-1.0-0`` and ``libpangoft2-1.0-0`` at run time.

The HTML comes first (the NHS service manual asks for HTML first, and any PDF tagged and titled); the PDF
is the same HTML laid out on A4 pages. A template for both:

- sets ``<html lang="en-GB">`` and a ``<title>`` (WeasyPrint writes them as the PDF's ``/Lang`` and title,
  shown in the window's title bar);
- uses headings in order (they become the PDF's bookmarks);
- keeps its CSS in a ``<style>`` element and names only locally installed fonts (:data:`FONT_STACK`):
  the renderer fetches nothing (:func:`html_to_pdf` refuses every URL but ``data:``);
- draws charts with :mod:`hlm_kit.documents.svg`, which gives every chart the ``<title>`` that becomes
  the PDF figure's alternative text, and puts the chart's data in a table beside it.
"""

from hlm_kit.documents.pdf import html_to_pdf
from hlm_kit.documents.templates import FONT_STACK, template_environment

__all__ = ["FONT_STACK", "html_to_pdf", "template_environment"]

"""HTML to a tagged, titled PDF (PDF/UA-1) with WeasyPrint."""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import weasyprint
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from hlm_kit.documents import svg_text

PDF_VARIANT = "pdf/ua-1"
T = TypeVar("T")

# Charts' labels drawn as one run each instead of a text layout per letter (see svg_text).
svg_text.install()

_per_thread = threading.local()


def font_configuration() -> FontConfiguration:
    """This thread's WeasyPrint font configuration, made on its first render and kept.

    WeasyPrint otherwise makes one per document: it loads fontconfig's configuration and a new Pango font
    map, whose fonts and shaping caches start empty every time. Kept per thread, not shared: a Pango font
    map is not meant to be used from two threads at once, and renders run in worker threads. Documents
    declare no ``@font-face`` (they use installed fonts only), so nothing one document adds to it can
    change another.
    """
    config: FontConfiguration | None = getattr(_per_thread, "font_config", None)
    if config is None:
        config = _per_thread.font_config = FontConfiguration()
    return config


_renders_lock = threading.Lock()
_renders = 0
_collector_was_enabled = True


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a document is laid out, then the young objects
    collected once.

    A render allocates hundreds of thousands of short-lived objects (boxes, styles, text runs), which
    triggers the collector's full collections: each walks every object of the process (fonts, modules,
    the app), and they took a fifth of a long report's CPU. Paused, the render's objects stay young and
    one young-generation collection afterwards frees the cycles it left, without walking the rest of
    the heap. Renders in several threads at once keep it paused until the last one ends; it is enabled
    again (unless it was disabled before) however a render ends.
    """
    global _renders, _collector_was_enabled
    with _renders_lock:
        if _renders == 0:
            _collector_was_enabled = gc.isenabled()
            gc.disable()
        _renders += 1
    try:
        yield
    finally:
        with _renders_lock:
            _renders -= 1
            if _renders == 0 and _collector_was_enabled:
                gc.enable()
                gc.collect(0)


# Python frames' slots reserved by the frame that runs a render: 70,000 (560 KiB) make CPython give it a chunk
# of its own of 1 MiB, which leaves some 480 KiB for the render's frames, many times what they take.
ROOM_SLOTS = 70_000


def _in_a_stack_of_its_own(function: Callable[[], T]) -> T:
    """``function()`` run with its frames in one stack chunk mapped for it.

    CPython 3.11 and 3.12 keep Python frames in chunks of 16 KiB, mapped when a call needs a new one and
    unmapped as soon as the call stack falls back below it. WeasyPrint's layout recurses up and down across
    such a boundary thousands of times per document: a render of the HLM 360 report made some 10,000
    ``mmap``/``munmap`` pairs and 13,000 page faults, 0.1 s of system CPU time. Called from this function,
    whose frame reserves :data:`ROOM_SLOTS` (of which it uses three), the render's frames all fit in the
    chunk made for it: one mapping per render. Python 3.13 keeps a spare chunk, so this changes little
    there.
    """
    return function()


_in_a_stack_of_its_own.__code__ = _in_a_stack_of_its_own.__code__.replace(co_stacksize=ROOM_SLOTS)


def html_to_pdf(html: str) -> bytes:
    """The HTML document as an accessible PDF: PDF/UA-1, so tagged (structure tree, ``/MarkInfo``), with
    the document language of ``<html lang>``, the ``<title>`` shown as the window title, bookmarks from
    the headings, and each inline ``<svg>`` a figure whose alternative text is its ``<title>``.

    Nothing is fetched but ``data:`` URLs: a document carries everything it shows, so text a person wrote
    can never make the renderer reach the network or the disk. CPU-bound (about a second for the 45-item
    HLM 360 report): call it from a worker thread in async code.
    """
    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)

    def render() -> bytes:
        pdf: bytes = weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf(
            pdf_variant=PDF_VARIANT, font_config=font_configuration()
        )
        return pdf

    with collector_paused():
        return _in_a_stack_of_its_own(render)

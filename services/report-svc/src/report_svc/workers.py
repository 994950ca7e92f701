"""The service's periodic work: rendering the PDF of each newly released report ahead of its first
download (run by every replica that runs workers; a version rendered twice at once is kept once)."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any

from hlm_kit.app import ServiceRuntime
from hlm_kit.periodic import PeriodicJob
from report_svc.config import Settings
from report_svc.reports import service as report_service


def workers(runtime: ServiceRuntime) -> list[tuple[str, Coroutine[Any, Any, None]]]:
    settings = runtime.settings
    assert isinstance(settings, Settings)
    if not settings.pdf_render_ahead:
        return []

    async def render_one() -> int:
        return await report_service.render_ahead(runtime.sessionmaker)

    # One report a run, and at once again while more wait: renders are seconds of CPU each, one at a time.
    job = PeriodicJob("render-pdfs-ahead", render_one, interval_s=settings.pdf_render_ahead_interval_s, batch_size=1)
    return [(job.name, job.run())]

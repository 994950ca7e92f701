"""report-svc's own renderings, the HTML page a participant's PDF is printed from, pass axe-core in
Debian's chromium with the web front's checks (no serious or critical violation): the 360 report of `make
demo`'s shape on the HLM 360 questionnaire (the one `scripts/report_pictures.py` draws), and the progress
between two such reports."""

from __future__ import annotations

import copy
import importlib.util
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from report_svc.progress import comparison
from report_svc.progress import rendering as progress_rendering
from report_svc.progress.service import Progress
from report_svc.reports import rendering

from .axe import Axe
from .conftest import Visit

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "report_pictures.py"


def demo_report() -> Any:
    spec = importlib.util.spec_from_file_location("report_pictures", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.demo_report()


async def test_the_360_report_page_passes_axe(visit: Visit) -> None:
    report = demo_report()
    page = visit.page

    await page.set_content(rendering.html(report))

    assert await page.title() == "Leadership feedback report: " + report.content["questionnaire"]["name"]
    assert await page.locator("svg title").count() == 9 + 1
    await Axe().assert_clean(page)


async def test_the_progress_page_between_two_reports_passes_axe(visit: Visit) -> None:
    now = demo_report()
    then = copy.deepcopy(demo_report())
    then.id, then.cycle_id = uuid.uuid4(), uuid.uuid4()
    closed = datetime.fromisoformat(now.content["cycle"]["closed_at"]) - timedelta(days=365)
    then.content["cycle"]["closed_at"] = closed.astimezone(UTC).isoformat()
    # A year earlier, the line manager's figures were those of the peers: a change to show.
    for dimension in then.content["dimensions"]:
        dimension["groups"]["line_manager"] = dimension["groups"]["peer"]
    page = visit.page

    await page.set_content(progress_rendering.html(Progress(then, now, comparison.compare(then.content, now.content))))

    assert await page.locator("svg title").count() >= 1
    await Axe().assert_clean(page)

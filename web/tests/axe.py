"""The one accessibility check, run on every page a test reaches (as GOV.UK Forms' runner and the NHS.UK
frontend's own tests do): axe-core from npm, with the NHS.UK frontend's tags, and only ``region`` turned
off (a landmark rule the NHS.UK template knowingly trips in its skip link and back link area)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from playwright.async_api import Page

AXE_JS = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa", "best-practice"]
FAILING_IMPACTS = {"serious", "critical"}
_RUN = """
async ([tags]) => await axe.run(document, {
  runOnly: {type: "tag", values: tags},
  rules: {region: {enabled: false}},
  resultTypes: ["violations"],
})
"""


class Axe:
    def __init__(self) -> None:
        self.pages_checked: list[str] = []

    async def assert_clean(self, page: Page) -> None:
        """Fail on any serious or critical violation on the page as it is now."""
        assert AXE_JS.is_file(), f"{AXE_JS} missing: run `make web-assets`"
        if not await page.evaluate("() => typeof window.axe !== 'undefined'"):
            await page.add_script_tag(path=str(AXE_JS))
        results: dict[str, Any] = await page.evaluate(_RUN, [TAGS])
        failing = [v for v in results["violations"] if v["impact"] in FAILING_IMPACTS]
        self.pages_checked.append(page.url)
        assert not failing, f"axe on {await page.title()!r}:\n" + json.dumps(
            [
                {"rule": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]]}
                for v in failing
            ],
            indent=2,
        )

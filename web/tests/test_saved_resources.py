"""Development resources on the participant's pages, rendered from what the gateway answers: a 360
report's priority areas list the resources the report links to each, with a way to save each to a goal;
a goal's card in the journal lists the resources saved to it, a retired one marked as no longer
offered. In Debian's chromium."""

from __future__ import annotations

from typing import Any

from hlm_web.participant.report import report_view
from hlm_web.templating import create_templates

from .axe import Axe
from .conftest import Visit

ONLINE = "https://www.kingsfund.org.uk/insight-and-analysis/reports/caring-change"


def content() -> dict[str, Any]:
    """A ready 360's content as report-svc answers it, cut to what the priority areas need."""
    return {
        "state": "ready",
        "kind": "feedback_360",
        "dimensions": [
            {"key": "leading_with_care", "name": "Leading with care"},
            {"key": "engaging_the_team", "name": "Engaging the team"},
            {"key": "holding_to_account", "name": "Holding to account"},
        ],
        "priorities": ["leading_with_care", "engaging_the_team"],
        "resources": {
            "leading_with_care": [
                {"key": "caring-to-change", "title": "Caring to change", "kind": "reading", "link": ONLINE},
                {"key": "hlm-nine-dimensions", "title": "The nine dimensions", "kind": "reading", "link": None},
            ],
            "engaging_the_team": [],
        },
    }


async def test_each_priority_area_offers_its_resources_to_save_to_a_goal(visit: Visit) -> None:
    view = report_view({"id": "report-1", "cycleId": "cycle-1", "content": content()})
    html = (
        create_templates()
        .env.get_template("participant/report.html")
        .render(report=view, cspNonce="nonce", csrf_token="token", person=None)
    )
    page = visit.page

    await page.set_content(html)

    assert [p.name for p in view.priorities] == ["Leading with care", "Engaging the team"]
    section = page.locator("main")
    assert await section.get_by_role("heading", name="Your priority areas").count() == 1
    read = section.get_by_role("link", name="Caring to change", exact=True)
    assert await read.get_attribute("href") == ONLINE
    saves = section.get_by_role("link", name="Save to a goal", exact=False)
    assert [await saves.nth(n).get_attribute("href") for n in range(await saves.count())] == [
        "/journal/resources/caring-to-change/save",
        "/journal/resources/hlm-nine-dimensions/save",
    ]
    # Each link names its resource to a screen reader, not only "Save to a goal" twice.
    assert await section.get_by_role("link", name="Save to a goal: The nine dimensions").count() == 1
    assert "No development resource is published for it yet." in await section.inner_text()
    await Axe().assert_clean(page)


async def test_a_goals_card_marks_a_resource_retired_since_it_was_saved(visit: Visit) -> None:
    goal = {
        "id": "7d6f2c59-0d8e-4a55-9a4b-6f1f1c2b8a10",
        "title": "Lead with more care",
        "description": None,
        "target_on": None,
        "reminderDue": False,
        "dimensions": [{"name": "Leading with care"}],
        "savedResources": [
            {"key": "caring-to-change", "title": "Caring to change", "link": ONLINE, "status": "PUBLISHED"},
            {"key": "old-course", "title": "An old course", "link": None, "status": "RETIRED"},
        ],
    }
    html = (
        create_templates()
        .env.get_template("participant/journal.html")
        .render(goals=[goal], observations=[], saved=None, cspNonce="nonce", csrf_token="token", person=None)
    )
    page = visit.page

    await page.set_content(html)

    items = await page.locator(".nhsuk-card li").all_inner_texts()
    assert [" ".join(text.split()) for text in items] == ["Caring to change", "An old course No longer offered"]
    assert await page.get_by_role("link", name="An old course").count() == 0
    # axe checks the journal with saved resources as served, with its stylesheet (test_journal.py).

"""A participant keeps their journal on a phone: observations and goals, in a narrow chromium window,
axe on every page."""

from __future__ import annotations

from playwright.async_api import Browser

from .axe import Axe
from .conftest import Platform, open_visit
from .pages import JournalPage
from .test_self_assessment import sign_in_as

PHONE_WIDTH = 360


async def test_a_participant_records_an_observation_and_a_goal_on_a_phone(
    platform: Platform, participant_sub: str, browser: Browser
) -> None:
    visit = await open_visit(browser, width=PHONE_WIDTH, bypass_csp=True)
    try:
        axe, page = Axe(), visit.page
        await sign_in_as(page, platform, participant_sub)
        journal = await JournalPage.open(page, platform.web_url)
        assert await journal.heading() == "Your journal"
        assert await journal.fits_the_screen()
        await axe.assert_clean(page)

        # Nothing filled in: the NHS.UK error summary names each missing answer.
        refused = await journal.record_observation(context="", what="", dimensions=[])
        assert await refused.error_summary() == [
            "Enter where it was and what was going on",
            "Enter what happened",
            "Select at least one dimension it shows",
        ]
        assert (await refused.title()).startswith("Error: ")
        assert await journal.fits_the_screen()
        await axe.assert_clean(page)

        await page.get_by_label("Where was it, and what was going on?").fill("Ward handover, short-staffed")
        await page.get_by_label("What happened?").fill("The charge nurse asked each of us what worried us most.")
        await page.get_by_label("Engaging the team", exact=True).check()
        await page.get_by_role("button", name="Save observation").click()
        await page.wait_for_load_state()
        assert "Your observation has been recorded." in await page.locator("main").inner_text()
        assert await journal.fits_the_screen()
        await axe.assert_clean(page)
        assert any("asked each of us what worried us most" in card for card in await journal.cards())

        await journal.set_goal("Ask my team for ideas before deciding", ["Engaging the team"])
        assert "Your goal has been set." in await page.locator("main").inner_text()
        await axe.assert_clean(page)
        await page.get_by_role("button", name="Mark “Ask my team for ideas before deciding” as achieved").click()
        await page.wait_for_load_state()
        assert "your goal is marked as achieved" in await page.locator("main").inner_text()
        assert not any("Ask my team for ideas" in card for card in await journal.cards())
        await axe.assert_clean(page)
    finally:
        await visit.context.close()

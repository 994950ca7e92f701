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


SET_GOAL = """
mutation ($input: SetGoalInput!) { setGoal(input: $input) { __typename ... on Goal { id } } }
"""
SAVE_RESOURCE = """
mutation ($goalId: ID!, $resourceKey: String!) {
  saveResourceToGoal(goalId: $goalId, resourceKey: $resourceKey) { __typename }
}
"""
ONLINE = "https://www.kingsfund.org.uk/insight-and-analysis/reports/caring-change"


async def test_the_resources_saved_to_a_goal_are_listed_and_linked_on_its_card(
    platform: Platform, participant_sub: str, browser: Browser, database_urls: dict[str, str]
) -> None:
    from datetime import UTC, datetime

    from sqlalchemy.ext.asyncio import AsyncSession

    from framework_svc.resources.repository import ResourceRepository
    from framework_svc.resources.service import published_event
    from framework_svc.versioning import VersionStatus
    from hlm_kit.db import create_engine
    from hlm_kit.messaging.envelope import CloudEvent
    from survey_svc.resources import service as survey_resources

    # survey-svc holds the catalogue's published resources, as their published event carries them; one of
    # them is online here, so that its card links to it.
    engine = create_engine(database_urls["framework"])
    try:
        async with AsyncSession(engine) as session:
            published = await ResourceRepository(session).list_by_status(VersionStatus.PUBLISHED)
            event = published_event(published, changed_at=datetime.now(UTC))
    finally:
        await engine.dispose()
    online = [r.model_copy(update={"link": ONLINE}) if r.key == "caring-to-change" else r for r in event.resources]
    event = event.model_copy(update={"resources": online})
    async with platform.survey_app.state.sessionmaker() as session:
        await survey_resources.on_published(session, event, CloudEvent.wrap(event))
        await session.commit()
    me = {"Authorization": f"Bearer {platform.token_for(participant_sub)}"}
    goal = (await platform.graphql(SET_GOAL, me, input={"title": "Lead with more care"}))["setGoal"]
    saved = await platform.graphql(SAVE_RESOURCE, me, goalId=goal["id"], resourceKey="caring-to-change")
    assert saved["saveResourceToGoal"]["__typename"] == "Goal"
    titles = {r.key: r.title for r in event.resources}

    visit = await open_visit(browser, width=PHONE_WIDTH, bypass_csp=True)
    try:
        axe, page = Axe(), visit.page
        await sign_in_as(page, platform, participant_sub)
        # From a report's priority area: the resource's save page lists the participant's active goals.
        await page.goto(f"{platform.web_url}/journal/resources/hlm-nine-dimensions/save")
        assert await page.get_by_role("heading", level=1).inner_text() == "Save to a goal"
        assert await JournalPage(page).fits_the_screen()
        await axe.assert_clean(page)
        await page.get_by_role("button", name="Save to goal").click()
        await page.wait_for_load_state()
        assert await JournalPage(page).error_summary() == ["Select the goal to save it to"]
        await axe.assert_clean(page)
        await page.get_by_label("Lead with more care").check()
        await page.get_by_role("button", name="Save to goal").click()
        await page.wait_for_load_state()
        assert "The resource has been saved to your goal." in await page.locator("main").inner_text()

        journal = JournalPage(page)
        card = page.locator(".nhsuk-card", has_text="Lead with more care")

        assert "Resources you saved" in await card.inner_text()
        assert await card.locator("li").all_inner_texts() == [
            titles["caring-to-change"],
            titles["hlm-nine-dimensions"],
        ]
        # The one online is a link to it; the other is named only.
        links = card.get_by_role("link")
        assert await links.count() == 1
        assert (await links.inner_text(), await links.get_attribute("href")) == (titles["caring-to-change"], ONLINE)
        assert await journal.fits_the_screen()
        await axe.assert_clean(page)
    finally:
        await visit.context.close()

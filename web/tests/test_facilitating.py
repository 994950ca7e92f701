"""A facilitator sees their feedback sessions and the coached reports waiting for them, and releases a
report at the session, after which its participant can read it; in Debian's chromium, axe on every page."""

from __future__ import annotations

import asyncio
import uuid

from playwright.async_api import Page

from .axe import Axe
from .conftest import Platform, Visit
from .pages import RaterPage, SignInPage
from .test_booking import MATCHES, closed_360, next_weekday_at

HOLD = """
mutation ($slotId: ID!, $cycleId: ID!) {
  holdSession(slotId: $slotId, cycleId: $cycleId, mode: VIDEO) { __typename ... on FeedbackSession { id } }
}
"""
CONFIRM = "mutation ($id: ID!) { confirmSession(id: $id) { __typename } }"
REPORT = "query ($id: ID!) { cycle(id: $id) { report { id status } } }"


async def waiting_reports(page: Page, url: str) -> list[str]:
    """The waiting list once report-svc has both the report and the booking (each from an event)."""
    for _ in range(100):
        await page.goto(url)
        items = await page.locator("main ul li").all_inner_texts()
        if items:
            return items
        await asyncio.sleep(0.2)
    raise AssertionError("no report waited for release")


async def test_a_facilitator_releases_a_coached_report_at_the_session(
    platform: Platform, participant_sub: str, visit: Visit
) -> None:
    tag = uuid.uuid4().hex[:6]
    name, facilitator_sub = f"Sam Facilitator {tag}", f"facilitator-{tag}"
    await platform.register_facilitator(name, sub=facilitator_sub, slots=[next_weekday_at(6, 11)])
    cycle_id = await closed_360(platform, participant_sub)  # coached: released at the session
    participant = {"Authorization": f"Bearer {platform.token_for(participant_sub)}"}
    found = (await platform.graphql(MATCHES, participant, cycleId=cycle_id))["facilitatorMatches"]
    slot_id = next(m for m in found if m["facilitator"]["name"] == name)["slots"][0]["slotId"]
    held = (await platform.graphql(HOLD, participant, slotId=slot_id, cycleId=cycle_id))["holdSession"]
    await platform.graphql(CONFIRM, participant, id=held["id"])

    axe, page = Axe(), visit.page
    await (await (await SignInPage.open(page, platform.web_url)).as_development_user()).sign_in(
        sub=facilitator_sub, role="Facilitator", org="RYJ"
    )
    # The header offers a facilitator their sessions.
    assert await page.get_by_role("link", name="Your sessions").get_attribute("href") == "/facilitator/sessions"
    waiting = await waiting_reports(page, f"{platform.web_url}/facilitator/sessions")
    assert len(waiting) == 1
    assert await RaterPage(page).heading() == "Your feedback sessions"
    assert "Waiting for you to release it" in await page.locator("table").inner_text()
    await axe.assert_clean(page)

    await page.locator("main ul li a").first.click()
    session = RaterPage(page)
    assert await session.heading() == "Feedback session"
    await axe.assert_clean(page)
    await page.get_by_role("button", name="Release the report to the participant").click()
    await page.wait_for_load_state()
    assert "The report is released" in await page.locator("main").inner_text()
    assert "Release the report" not in await page.locator("main").inner_text()
    await axe.assert_clean(page)
    assert (await platform.graphql(REPORT, participant, id=cycle_id))["cycle"]["report"]["status"] == "released"

    await page.get_by_role("link", name="Back to your sessions").click()
    assert "No report is waiting for you." in await page.locator("main").inner_text()
    await axe.assert_clean(page)

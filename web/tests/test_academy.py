"""An academy administrator keeps the facilitator register (list, filter, add, deactivate) and allocates
a cohort, seeing who is placed where and why anyone is not; in Debian's chromium, axe on every page."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

from playwright.async_api import Page

from hlm_web.participant.academy import REGISTER_PAGE

from .axe import Axe
from .conftest import Platform, Visit
from .pages import NewFacilitatorPage, RaterPage, RegisterPage, SignInPage
from .test_booking import next_weekday_at
from .test_rater_journey import tab_to

SESSIONS = "{ feedbackSessions { edges { node { status } } } }"
KNOWN = """
query ($cycleId: ID!, $participantId: ID!) {
  facilitatorMatches(cycleId: $cycleId, participantId: $participantId, limit: 1) { rank }
}
"""


async def sign_in_as_admin(page: Page, platform: Platform) -> None:
    await (await (await SignInPage.open(page, platform.web_url)).as_development_user()).sign_in(
        sub=f"web-admin-{uuid.uuid4().hex[:6]}", role="Academy admin", org="RYJ"
    )


async def test_an_administrator_adds_filters_and_deactivates_facilitators(platform: Platform, visit: Visit) -> None:
    axe, page = Axe(), visit.page
    await sign_in_as_admin(page, platform)
    await page.get_by_role("link", name="Facilitator register").click()
    register = RegisterPage(page)
    assert await register.heading() == "Facilitator register"
    await axe.assert_clean(page)

    await page.get_by_role("link", name="Add a facilitator").click()
    new = NewFacilitatorPage(page)
    refused = await new.add()  # nothing entered
    assert (await refused.title()).startswith("Error: ")
    assert "Enter the facilitator's name" in await refused.error_summary()
    await axe.assert_clean(page)

    tag = uuid.uuid4().hex[:6]
    name = f"Robin Register {tag}"
    today = datetime.now(UTC).date()
    await new.fill_date("Date trained", today.day, today.month, today.year - 1)
    await new.fill_date("Accreditation runs out on", today.day, today.month, today.year + 2)
    await new.add(**{
        "Full name": name, "Email address": f"robin.{tag}@academy.example.org", "Organisation code": "ryj",
    })  # fmt: skip
    assert await register.heading() == "Facilitator register"
    await register.filter(name=tag)
    assert await register.rows() == {name: ["RYJ", "Facilitator", "4", "Active"]}
    await axe.assert_clean(page)

    await register.deactivate(name)
    await register.filter(name=tag, status="Inactive")
    assert (await register.rows())[name][3] == "Inactive"
    await register.filter(name=tag, status="Active")
    assert await register.rows() == {}
    await axe.assert_clean(page)


async def test_the_register_is_filtered_and_read_a_page_at_a_time(platform: Platform, visit: Visit) -> None:
    tag = uuid.uuid4().hex[:6]
    names = [f"Pat Paged {tag} {n:02d}" for n in range(REGISTER_PAGE + 1)]
    for name in names:
        await platform.register_facilitator(name, sub=f"paged-{tag}-{name[-2:]}", slots=[])
    axe, page = Axe(), visit.page
    await sign_in_as_admin(page, platform)
    register = await (await RegisterPage.open(page, platform.web_url)).filter(name=f"paged {tag.upper()}")

    assert list(await register.rows()) == names[:REGISTER_PAGE]
    assert f"Showing 1 to {REGISTER_PAGE} of those that match" in await page.locator("main").inner_text()
    await axe.assert_clean(page)
    await register.follow("Next")
    assert list(await register.rows()) == names[REGISTER_PAGE:]
    assert f"Showing {REGISTER_PAGE + 1} to {REGISTER_PAGE + 1}, the last" in await page.locator("main").inner_text()
    # The filter holds on every page: the form shows it, and the first page is the filtered one.
    assert await page.get_by_label("Name or organisation").input_value() == f"paged {tag.upper()}"
    await axe.assert_clean(page)
    await register.follow("Previous")
    assert list(await register.rows()) == names[:REGISTER_PAGE]

    # A page link altered by hand is no page, not an error.
    await page.goto(f"{platform.web_url}/academy/facilitators?after=not-a-cursor&start=x")
    assert await register.heading() == "Page not found"


async def known_participants(platform: Platform, tag: str, *orgs: str) -> list[tuple[str, str]]:
    """A participant with an open 360 per organisation, once facilitator-svc has learnt each one's
    organisation from survey-svc's event: their account and cycle."""
    admin = {"Authorization": f"Bearer {platform.token_for('web-academy-admin', 'academy_admin', 'RYJ')}"}
    cohort = []
    for n, org in enumerate(orgs):
        sub = f"web-cohort-{tag}-{n}"
        cycle, _ = await platform.open_360(sub, org=org)
        for _ in range(100):
            body = (
                await platform.gateway.post(
                    "/graphql", json={"query": KNOWN, "variables": {"cycleId": cycle, "participantId": sub}},
                    headers=admin,
                )
            ).json()  # fmt: skip
            if not body.get("errors"):
                break
            await asyncio.sleep(0.1)
        cohort.append((sub, cycle))
    return cohort


async def allocate(page: Page, platform: Platform, cohort: list[tuple[str, str]]) -> None:
    """Start allocating ``cohort`` over the next three weeks and wait on its page until it is proposed."""
    await page.goto(f"{platform.web_url}/academy/allocations")
    await page.get_by_label("Participants").fill("\n".join(f"{sub}, {cycle}" for sub, cycle in cohort))
    form = NewFacilitatorPage(page)
    start, end = datetime.now(UTC) + timedelta(days=1), datetime.now(UTC) + timedelta(days=21)
    await form.fill_date("First day of sessions", start.day, start.month, start.year)
    await form.fill_date("Last day of sessions", end.day, end.month, end.year)
    await page.get_by_role("button", name="Start the allocation").click()
    await page.wait_for_load_state()
    assert await RaterPage(page).heading() == "Allocation"
    for _ in range(150):
        if "Proposed" in await page.locator(".nhsuk-summary-list").inner_text():
            return
        await asyncio.sleep(0.2)
        await page.reload()
    raise AssertionError("the allocation was never proposed")


async def test_an_administrator_allocates_a_cohort_sees_why_someone_is_not_placed_and_confirms(
    platform: Platform, visit: Visit
) -> None:
    tag = uuid.uuid4().hex[:6]
    await platform.register_facilitator(
        f"Ali Allocated {tag}", sub=f"facilitator-{tag}", slots=[next_weekday_at(8, 10), next_weekday_at(9, 10)]
    )
    # One participant of another trust, one of the facilitators' own (each facilitator is RYJ's).
    (placed_sub, _), (colleague_sub, _) = cohort = await known_participants(platform, tag, "RX1", "RYJ")

    axe, page = Axe(), visit.page
    await sign_in_as_admin(page, platform)
    await page.goto(f"{platform.web_url}/academy/allocations")
    assert await RaterPage(page).heading() == "Allocate a cohort"
    await axe.assert_clean(page)
    await page.get_by_role("button", name="Start the allocation").click()
    await page.wait_for_load_state()
    assert "Enter at least one participant" in await RaterPage(page).error_summary()
    await axe.assert_clean(page)

    await allocate(page, platform, cohort)
    main = await page.locator("main").inner_text()
    await axe.assert_clean(page)
    placed = [t.strip() for t in await page.locator("main table tbody th").all_inner_texts()]
    assert placed == [placed_sub]
    assert colleague_sub in main.split("Not placed", 1)[1]
    assert "work in the participant's organisation" in main.split("Not placed", 1)[1]

    # Confirmed with the keyboard alone: the proposed session is booked for the participant.
    await tab_to(page, "button", "Confirm and book the sessions")
    async with page.expect_navigation():
        await page.keyboard.press("Enter")
    summary = await page.locator(".nhsuk-summary-list").inner_text()
    assert "Confirmed" in summary
    assert "1 of 1 sessions are booked" in await page.locator(".nhsuk-inset-text").inner_text()
    assert [t.strip() for t in await page.locator("main table tbody td:last-child").all_inner_texts()] == ["Booked"]
    assert await page.get_by_role("button", name="Confirm and book the sessions").count() == 0
    await axe.assert_clean(page)
    booked = await platform.graphql(SESSIONS, {"Authorization": f"Bearer {platform.token_for(placed_sub)}"})
    assert [s["node"]["status"] for s in booked["feedbackSessions"]["edges"]] == ["confirmed"]


async def test_an_administrator_discards_a_proposed_allocation_once_even_from_two_tabs(
    platform: Platform, visit: Visit
) -> None:
    tag = uuid.uuid4().hex[:6]
    await platform.register_facilitator(
        f"Dee Discarded {tag}", sub=f"facilitator-{tag}", slots=[next_weekday_at(10, 14)]
    )
    cohort = await known_participants(platform, tag, "RX1")
    axe, page = Axe(), visit.page
    await sign_in_as_admin(page, platform)
    await allocate(page, platform, cohort)
    second, third = await visit.context.new_page(), await visit.context.new_page()
    for tab in (second, third):
        await tab.goto(page.url)

    await page.get_by_role("button", name="Discard this allocation").click()
    await page.wait_for_load_state()
    assert "Discarded" in await page.locator(".nhsuk-summary-list").inner_text()
    assert "Nothing was booked" in await page.locator(".nhsuk-inset-text").inner_text()
    await axe.assert_clean(page)
    # The same decision from a tab left open is the same outcome, not an error.
    await second.get_by_role("button", name="Discard this allocation").click()
    await second.wait_for_load_state()
    assert not (await RaterPage(second).title()).startswith("Error: ")
    assert "Discarded" in await second.locator(".nhsuk-summary-list").inner_text()
    # Confirming what is discarded is refused in the page's words, and books nothing.
    await third.get_by_role("button", name="Confirm and book the sessions").click()
    await third.wait_for_load_state()
    assert (await RaterPage(third).title()).startswith("Error: ")
    assert await RaterPage(third).error_summary()
    assert "Discarded" in await third.locator(".nhsuk-summary-list").inner_text()
    await axe.assert_clean(third)
    booked = await platform.graphql(SESSIONS, {"Authorization": f"Bearer {platform.token_for(cohort[0][0])}"})
    assert booked["feedbackSessions"]["edges"] == []

"""An academy administrator keeps the facilitator register (list, filter, add, deactivate) and allocates
a cohort, seeing who is placed where and why anyone is not; in Debian's chromium, axe on every page."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

from playwright.async_api import Page

from .axe import Axe
from .conftest import Platform, Visit
from .pages import NewFacilitatorPage, RaterPage, RegisterPage, SignInPage
from .test_booking import next_weekday_at

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


async def test_an_administrator_allocates_a_cohort_and_sees_why_someone_is_not_placed(
    platform: Platform, visit: Visit
) -> None:
    tag = uuid.uuid4().hex[:6]
    await platform.register_facilitator(
        f"Ali Allocated {tag}", sub=f"facilitator-{tag}", slots=[next_weekday_at(8, 10), next_weekday_at(9, 10)]
    )
    # One participant of another trust, one of the facilitators' own (each facilitator is RYJ's).
    placed_sub, colleague_sub = f"web-cohort-{tag}-a", f"web-cohort-{tag}-b"
    placed_cycle, _ = await platform.open_360(placed_sub)
    colleague_cycle, _ = await platform.open_360(colleague_sub, org="RYJ")
    admin = {"Authorization": f"Bearer {platform.token_for('web-academy-admin', 'academy_admin', 'RYJ')}"}
    for sub, cycle in ((placed_sub, placed_cycle), (colleague_sub, colleague_cycle)):
        # facilitator-svc learns each participant's organisation from survey-svc's event.
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

    axe, page = Axe(), visit.page
    await sign_in_as_admin(page, platform)
    await page.goto(f"{platform.web_url}/academy/allocations")
    assert await RaterPage(page).heading() == "Allocate a cohort"
    await axe.assert_clean(page)
    await page.get_by_role("button", name="Start the allocation").click()
    await page.wait_for_load_state()
    assert "Enter at least one participant" in await RaterPage(page).error_summary()
    await axe.assert_clean(page)

    form = NewFacilitatorPage(page)
    await page.get_by_label("Participants").fill(f"{placed_sub}, {placed_cycle}\n{colleague_sub}, {colleague_cycle}")
    start, end = datetime.now(UTC) + timedelta(days=1), datetime.now(UTC) + timedelta(days=21)
    await form.fill_date("First day of sessions", start.day, start.month, start.year)
    await form.fill_date("Last day of sessions", end.day, end.month, end.year)
    await page.get_by_role("button", name="Start the allocation").click()
    await page.wait_for_load_state()
    assert await RaterPage(page).heading() == "Allocation"
    for _ in range(150):
        if "Proposed" in await page.locator(".nhsuk-summary-list").inner_text():
            break
        await asyncio.sleep(0.2)
        await page.reload()
    main = await page.locator("main").inner_text()
    assert "Proposed" in main
    await axe.assert_clean(page)
    placed = [t.strip() for t in await page.locator("main table tbody th").all_inner_texts()]
    assert placed == [placed_sub]
    assert colleague_sub in main.split("Not placed", 1)[1]
    assert "work in the participant's organisation" in main.split("Not placed", 1)[1]

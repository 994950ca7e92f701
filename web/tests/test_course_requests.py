"""An academy administrator's course requests, in Debian's chromium with axe on every page: an organisation's
request to the region listed with where it stands, declining it with a reason, a missing reason and a request
answered meanwhile said in the error summary."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from .axe import Axe
from .conftest import Platform, Visit
from .pages import RaterPage
from .test_programmes import Academy, card_of, headers, sign_in

REQUEST_COURSE = """
mutation ($input: CourseRequestInput!) { requestCourse(input: $input) { __typename ... on CourseRequest { id } } }
"""
DECLINE = """
mutation ($id: ID!, $reason: String!) { declineCourseRequest(id: $id, reason: $reason) { __typename } }
"""


def body(region: str, start: str = "2031-04-01", end: str = "2031-04-30") -> dict[str, Any]:
    return {
        "organisation": "RYJ", "region": region, "staffCount": 12, "preferredMode": "IN_PERSON",
        "contact": {"name": "Priya Shah", "email": "priya.shah@ryj.example.org"},
        "preferredDates": {"start": start, "end": end}, "notes": "Ward managers",
    }  # fmt: skip


async def test_an_administrator_sees_an_organisations_request_and_declines_it_with_a_reason(
    platform: Platform, visit: Visit
) -> None:
    academy = Academy(platform)
    lead = headers(f"web-lead-{academy.tag}", "partner", academy.region)
    asked = await platform.graphql(REQUEST_COURSE, lead, input=body(academy.region))
    assert asked["requestCourse"]["__typename"] == "CourseRequest", asked
    axe, page = Axe(), visit.page

    await sign_in(page, platform, sub=academy.admin_sub, role="Academy admin", region=academy.region)
    await page.goto(f"{platform.web_url}/academy/courses")
    await page.get_by_role("link", name="Course requests from organisations").click()
    assert await RaterPage(page).heading() == "Course requests"
    card = card_of(page, "RYJ")
    text = await card.inner_text()
    assert "Waiting for an answer" in text
    assert "12" in text
    assert "Tuesday 1 April 2031 to Wednesday 30 April 2031" in text
    assert "Priya Shah, priya.shah@ryj.example.org" in text
    await axe.assert_clean(page)

    # No reason: said in the error summary, nothing sent.
    await page.get_by_role("button", name="Decline (RYJ)").click()
    await page.wait_for_load_state()
    summary = page.locator(".nhsuk-error-summary")
    assert "Enter why the academy cannot run the course" in await summary.inner_text()
    await axe.assert_clean(page)

    # With a reason: declined, and the list says so with the reason the organisation is told.
    await page.get_by_label("Why the academy cannot run it (RYJ)").fill("No trainer free in April")
    await page.get_by_role("button", name="Decline (RYJ)").click()
    await page.wait_for_load_state()
    assert "The request is declined" in await page.locator("main").inner_text()
    text = await card_of(page, "RYJ").inner_text()
    assert "Declined" in text
    assert "No trainer free in April" in text
    assert await page.get_by_role("button", name="Decline (RYJ)").count() == 0
    await axe.assert_clean(page)

    # The organisation asks again, and another administrator of the region answers while the page is open:
    # the academy's refusal is said in the error summary.
    again = (await platform.graphql(REQUEST_COURSE, lead, input=body(academy.region)))["requestCourse"]
    await page.goto(f"{platform.web_url}/academy/course-requests")
    answered = await platform.graphql(DECLINE, academy.admin, id=again["id"], reason="Asked twice")
    assert answered["declineCourseRequest"]["__typename"] == "CourseRequest", answered
    await page.get_by_label("Why the academy cannot run it (RYJ)").fill("Trainers are all booked")
    await page.get_by_role("button", name="Decline (RYJ)").click()
    await page.wait_for_load_state()
    assert "declined already" in await page.locator(".nhsuk-error-summary").inner_text()
    await axe.assert_clean(page)


async def test_an_administrator_schedules_a_course_for_an_organisations_request(
    platform: Platform, visit: Visit
) -> None:
    academy = Academy(platform)
    await academy.register(f"Tom Trainer {academy.tag}", level="TRAINER")
    lead = headers(f"web-lead-{academy.tag}", "partner", academy.region)
    # Within the trainer's accreditation, which runs three years.
    start = date.today() + timedelta(days=60)
    within = body(academy.region, start.isoformat(), (start + timedelta(days=30)).isoformat())
    asked = await platform.graphql(REQUEST_COURSE, lead, input=within)
    assert asked["requestCourse"]["__typename"] == "CourseRequest", asked
    axe, page = Axe(), visit.page

    await sign_in(page, platform, sub=academy.admin_sub, role="Academy admin", region=academy.region)
    await page.goto(f"{platform.web_url}/academy/course-requests")
    await page.get_by_role("link", name="Schedule a course for RYJ").click()
    # The course as the organisation asked for it: its staff as the places, its first preferred day, in person.
    assert await RaterPage(page).heading() == "Schedule a course for RYJ"
    assert await page.get_by_label("Title").input_value() == "Facilitator training for RYJ"
    assert await page.get_by_label("Places").input_value() == "12"
    assert await page.locator("#starts-day").input_value() == str(start.day)
    assert await page.locator("#starts-year").input_value() == str(start.year)
    await axe.assert_clean(page)

    # In person without a place: the error summary, the answers kept.
    await page.get_by_label("Trainer", exact=True).select_option(label=f"Tom Trainer {academy.tag} {academy.tag}")
    await page.get_by_role("button", name="Schedule course").click()
    await page.wait_for_load_state()
    assert "Enter where the course takes place" in await page.locator(".nhsuk-error-summary").inner_text()
    assert await page.get_by_label("Places").input_value() == "12"
    await axe.assert_clean(page)

    await page.get_by_label("Where (needed for a course in person)").fill("RYJ education centre")
    await page.get_by_role("button", name="Schedule course").click()
    await page.wait_for_load_state()
    assert await RaterPage(page).heading() == "Facilitator training for RYJ", await page.locator("main").inner_text()
    assert "The course is scheduled" in await page.locator("main").inner_text()
    await axe.assert_clean(page)

    await page.goto(f"{platform.web_url}/academy/course-requests")
    assert "Scheduled" in await card_of(page, "RYJ").inner_text()
    assert await page.get_by_role("link", name="Schedule a course for RYJ").count() == 0


async def test_declining_and_scheduling_from_a_filtered_list_come_back_to_it_filtered(
    platform: Platform, visit: Visit
) -> None:
    academy = Academy(platform)
    await academy.register(f"Tom Trainer {academy.tag}", level="TRAINER")
    lead = headers(f"web-lead-{academy.tag}", "partner", academy.region)
    start = date.today() + timedelta(days=60)
    later = start + timedelta(days=30)
    for day, end in ((start, start + timedelta(days=20)), (later, later + timedelta(days=20))):
        wanted = body(academy.region, day.isoformat(), end.isoformat())
        asked = await platform.graphql(REQUEST_COURSE, lead, input=wanted)
        assert asked["requestCourse"]["__typename"] == "CourseRequest", asked
    answered_before = (await platform.graphql(REQUEST_COURSE, lead, input=body(academy.region)))["requestCourse"]
    refused = await platform.graphql(DECLINE, academy.admin, id=answered_before["id"], reason="Asked too early")
    assert refused["declineCourseRequest"]["__typename"] == "CourseRequest", refused
    axe, page = Axe(), visit.page
    cards = page.locator("main .nhsuk-card")

    await sign_in(page, platform, sub=academy.admin_sub, role="Academy admin", region=academy.region)
    await page.goto(f"{platform.web_url}/academy/course-requests?status=REQUESTED")
    assert await cards.count() == 2

    # A decline without a reason: the error summary, on the list still filtered.
    first = cards.nth(0)
    await first.get_by_role("button", name="Decline (RYJ)").click()
    await page.wait_for_load_state()
    assert "Enter why the academy cannot run the course" in await page.locator(".nhsuk-error-summary").inner_text()
    assert await page.get_by_label("Status", exact=True).input_value() == "REQUESTED"
    assert await cards.count() == 2
    await axe.assert_clean(page)

    # Declined with a reason: back on the list as it was filtered, where the answered request no longer is.
    await cards.nth(0).get_by_label("Why the academy cannot run it (RYJ)").fill("No trainer free then")
    await cards.nth(0).get_by_role("button", name="Decline (RYJ)").click()
    await page.wait_for_url("**/academy/course-requests?status=REQUESTED&declined=1")
    assert "The request is declined" in await page.locator("main").inner_text()
    assert await page.get_by_label("Status", exact=True).input_value() == "REQUESTED"
    assert await cards.count() == 1
    assert day_of(later) in await cards.first.inner_text()
    await axe.assert_clean(page)
    # A reload shows the list again and declines nothing more.
    await page.reload()
    await page.wait_for_load_state()
    assert await cards.count() == 1

    # Scheduling the other: its form and then the new course lead back to the list as it was filtered.
    await page.get_by_role("link", name="Schedule a course for RYJ").click()
    await page.wait_for_load_state()
    assert await RaterPage(page).heading() == "Schedule a course for RYJ"
    assert await page.get_by_role("link", name="Back to course requests").get_attribute("href") == (
        "/academy/course-requests?status=REQUESTED"
    )
    await page.get_by_role("button", name="Schedule course").click()
    await page.wait_for_load_state()
    assert "Select the trainer who runs it" in await page.locator(".nhsuk-error-summary").inner_text()
    assert await page.get_by_role("link", name="Back to course requests").get_attribute("href") == (
        "/academy/course-requests?status=REQUESTED"
    )
    await page.get_by_label("Trainer", exact=True).select_option(label=f"Tom Trainer {academy.tag} {academy.tag}")
    await page.get_by_label("Where (needed for a course in person)").fill("RYJ education centre")
    await page.get_by_role("button", name="Schedule course").click()
    await page.wait_for_load_state()
    assert "The course is scheduled" in await page.locator("main").inner_text()
    await axe.assert_clean(page)
    await page.get_by_role("link", name="Back to course requests").click()
    await page.wait_for_load_state()
    assert await page.get_by_label("Status", exact=True).input_value() == "REQUESTED"
    assert await cards.count() == 0
    assert "No request is waiting for an answer" in await page.locator("main").inner_text()
    await axe.assert_clean(page)


def day_of(when: date) -> str:
    """A date as the list writes it, like Tuesday 1 April 2031."""
    return f"{when:%A} {when.day} {when:%B %Y}"

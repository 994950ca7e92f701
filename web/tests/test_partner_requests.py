"""A partner organisation's course requests, in Debian's chromium with axe on every page: asking the academy
for a facilitator training course (a missing answer in the error summary with the rest kept, sending twice
makes one request), the organisation's requests with the academy's reason when declined, and an administrator
filtering the region's requests by status."""

from __future__ import annotations

from datetime import date, timedelta

from .axe import Axe
from .conftest import Platform, Visit
from .pages import RaterPage
from .test_course_requests import DECLINE, REQUEST_COURSE, body
from .test_programmes import Academy, headers, sign_in


async def test_a_partner_asks_for_a_course_and_sees_it_listed(platform: Platform, visit: Visit) -> None:
    academy = Academy(platform)
    axe, page = Axe(), visit.page
    start = date.today() + timedelta(days=90)
    end = start + timedelta(days=20)

    # An organisation of the test's own: other tests' requests come from the development sign-in's RYJ.
    organisation = f"RYJ-{academy.tag}"
    await sign_in(
        page, platform, sub=f"web-partner-{academy.tag}", role="Partner", region=academy.region, org=organisation
    )
    await page.get_by_role("link", name="Your organisation's requests").first.click()
    assert await RaterPage(page).heading() == "Your organisation's requests"
    assert "Your organisation has not asked for a course yet" in await page.locator("main").inner_text()
    await axe.assert_clean(page)

    await page.get_by_role("link", name="Ask for a facilitator training course").click()
    assert await RaterPage(page).heading() == "Ask for a facilitator training course"
    # The organisation and region come from the sign-in.
    assert await page.get_by_label("Your organisation's code").input_value() == organisation
    assert await page.get_by_label("Region").input_value() == academy.region
    await axe.assert_clean(page)

    # Everything but the contact's email: the error summary, every other answer kept.
    await page.get_by_label("Who the academy should talk to").fill("Priya Shah")
    for prefix, on in (("starts", start), ("ends", end)):
        await page.locator(f"#{prefix}-day").fill(str(on.day))
        await page.locator(f"#{prefix}-month").fill(str(on.month))
        await page.locator(f"#{prefix}-year").fill(str(on.year))
    await page.get_by_label("How many staff would attend").fill("12")
    await page.get_by_label("In person").check()
    await page.get_by_label("Anything the academy should know (optional)").fill("Ward managers")
    await page.get_by_role("button", name="Send the request").click()
    await page.wait_for_load_state()
    assert (await page.title()).startswith("Error: ")
    assert "Enter an email address" in await page.locator(".nhsuk-error-summary").inner_text()
    assert await page.get_by_label("Who the academy should talk to").input_value() == "Priya Shah"
    assert await page.get_by_label("How many staff would attend").input_value() == "12"
    assert await page.locator("#starts-day").input_value() == str(start.day)
    assert await page.locator("#ends-year").input_value() == str(end.year)
    assert await page.get_by_label("In person").is_checked()
    assert await page.get_by_label("Anything the academy should know (optional)").input_value() == "Ward managers"
    await axe.assert_clean(page)

    # Sent twice (a second tab, a click the browser repeats): the same form, with its key, goes first from
    # the page itself, then by the button; one request is made.
    await page.get_by_label("Their email address").fill("priya.shah@ryj.example.org")
    status = await page.evaluate(
        """async () => {
            const form = document.querySelector('form[method=post]');
            const sent = await fetch(form.action, {method: 'POST', body: new URLSearchParams(new FormData(form))});
            return sent.status;
        }"""
    )
    assert status == 200
    await page.get_by_role("button", name="Send the request").click()
    await page.wait_for_load_state()
    assert "Your request is sent" in await page.locator("main").inner_text()
    await page.goto(f"{platform.web_url}/partner/course-requests")
    cards = page.locator("main .nhsuk-card")
    assert await cards.count() == 1, await page.locator("main").inner_text()
    text = await cards.first.inner_text()
    assert "Waiting for an answer" in text
    assert "12" in text
    assert "In person" in text
    await axe.assert_clean(page)

    # The academy declines it: the organisation sees why.
    region_requests = await platform.graphql(
        "query { courseRequests(first: 5) { edges { node { id } } } }", academy.admin
    )
    (edge,) = region_requests["courseRequests"]["edges"]
    declined = await platform.graphql(DECLINE, academy.admin, id=edge["node"]["id"], reason="No trainer free")
    assert declined["declineCourseRequest"]["__typename"] == "CourseRequest", declined
    await page.reload()
    text = await cards.first.inner_text()
    assert "Declined" in text
    assert "No trainer free" in text
    await axe.assert_clean(page)


async def test_an_administrator_filters_course_requests_by_status(platform: Platform, visit: Visit) -> None:
    academy = Academy(platform)
    lead = headers(f"web-lead-{academy.tag}", "partner", academy.region)
    first = (await platform.graphql(REQUEST_COURSE, lead, input=body(academy.region)))["requestCourse"]
    later = body(academy.region, "2031-06-01", "2031-06-30")
    assert (await platform.graphql(REQUEST_COURSE, lead, input=later))["requestCourse"]["__typename"] == "CourseRequest"
    answered = await platform.graphql(DECLINE, academy.admin, id=first["id"], reason="Trainers all booked")
    assert answered["declineCourseRequest"]["__typename"] == "CourseRequest", answered
    axe, page = Axe(), visit.page

    await sign_in(page, platform, sub=academy.admin_sub, role="Academy admin", region=academy.region)
    await page.goto(f"{platform.web_url}/academy/course-requests")
    cards = page.locator("main .nhsuk-card")
    assert await cards.count() == 2
    await axe.assert_clean(page)

    await page.get_by_label("Status", exact=True).select_option(label="Declined")
    await page.get_by_role("button", name="Filter").click()
    await page.wait_for_load_state()
    assert "status=DECLINED" in page.url
    assert await cards.count() == 1
    text = await cards.first.inner_text()
    assert "Trainers all booked" in text
    assert "Tuesday 1 April 2031" in text
    await axe.assert_clean(page)

    await page.get_by_label("Status", exact=True).select_option(label="Waiting for an answer")
    await page.get_by_role("button", name="Filter").click()
    await page.wait_for_load_state()
    assert await cards.count() == 1
    assert "Sunday 1 June 2031" in await cards.first.inner_text()
    assert await page.get_by_label("Status", exact=True).input_value() == "REQUESTED"
    await axe.assert_clean(page)

    await page.get_by_label("Status", exact=True).select_option(label="Scheduled")
    await page.get_by_role("button", name="Filter").click()
    await page.wait_for_load_state()
    assert await cards.count() == 0
    assert "No request is scheduled" in await page.locator("main").inner_text()
    await axe.assert_clean(page)


async def test_an_administrator_pages_through_the_requests_of_a_status(platform: Platform, visit: Visit) -> None:
    academy = Academy(platform)
    lead = headers(f"web-lead-{academy.tag}", "partner", academy.region)
    for n in range(21):
        asked = body(academy.region, f"2031-05-{n + 1:02d}", "2031-05-28")
        assert (await platform.graphql(REQUEST_COURSE, lead, input=asked))["requestCourse"]["__typename"] == (
            "CourseRequest"
        )
    axe, page = Axe(), visit.page

    await sign_in(page, platform, sub=academy.admin_sub, role="Academy admin", region=academy.region)
    await page.goto(f"{platform.web_url}/academy/course-requests?status=REQUESTED")
    cards = page.locator("main .nhsuk-card")
    assert await cards.count() == 20
    await axe.assert_clean(page)

    # Next keeps the filter and shows the rest; First page goes back.
    await page.get_by_role("link", name="More requests").click()
    await page.wait_for_load_state()
    assert "status=REQUESTED" in page.url
    assert await cards.count() == 1
    assert await page.get_by_label("Status", exact=True).input_value() == "REQUESTED"
    await axe.assert_clean(page)
    await page.get_by_role("link", name="First page").click()
    await page.wait_for_load_state()
    assert await cards.count() == 20
    assert await page.get_by_role("link", name="First page").count() == 0

    # A page link altered by hand is no page.
    response = await page.goto(f"{platform.web_url}/academy/course-requests?status=REQUESTED&after=not-a-cursor")
    assert response is not None
    assert response.status == 404

"""A rater answers from the link in their mail, in Debian's chromium, against the real gateway and services.

Every page a test reaches is checked by the one axe helper."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, Page

from .axe import Axe
from .conftest import Platform, Visit, open_visit
from .pages import QuestionsPage, RaterStartPage, TaskListPage

HLM_DIMENSIONS = 9


def token_of(link: str) -> str:
    return link.rsplit("/", 1)[1]


async def test_rater_answers_the_whole_questionnaire_from_the_mail(
    platform: Platform,
    participant_sub: str,
    visit: Visit,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    axe, page = Axe(), visit.page
    cycle_id, links = await platform.open_360(participant_sub)
    assert links["Peer 1"].startswith(f"{platform.web_url}/answer/")

    start = await RaterStartPage.open(page, links["Peer 1"])
    assert await start.heading() == "Give feedback on Sam Participant's leadership"
    promise = await page.locator("main").inner_text()
    assert "Sam Participant will not see your answers on their own" in promise
    assert "Your name is never shown with your answers" in promise
    await axe.assert_clean(page)
    questions = await start.start_now()
    for number in range(1, HLM_DIMENSIONS + 1):
        assert f"Section {number} of {HLM_DIMENSIONS}" in await page.locator(".nhsuk-caption-l").inner_text()
        await axe.assert_clean(page)
        await questions.answer_all(level="Strong", comment="Clear about priorities." if number == 1 else "")
        questions = await questions.continue_()
    check = await questions.check_answers()
    await axe.assert_clean(page)
    assert await check.answer_to("They act in line with NHS values") == "Strong"
    # A change from check your answers comes back to it.
    change = await check.change("Inspiring shared purpose", 1)
    await axe.assert_clean(page)
    await change.answer_statement(1, "Exemplary")
    check = await (await change.continue_()).check_answers()
    assert await check.answer_to("They act in line with NHS values") == "Exemplary"

    done = await check.confirm_and_send()
    assert await done.panel_title() == "Feedback sent"
    await axe.assert_clean(page)

    progress = await platform.progress(participant_sub, cycle_id)
    assert progress["PEER"]["submitted"] == 1
    # Nothing any page asked for left the platform: no font, script or image from another host.
    assert all(url.startswith(platform.web_url) for url in visit.requests), [
        url for url in visit.requests if not url.startswith(platform.web_url)
    ]
    # The token is in every page's URL: no request carried it away in a Referer, and no log line holds it.
    assert visit.referers == []
    token = token_of(links["Peer 1"])
    logged = capfd.readouterr()
    assert token not in logged.out + logged.err
    assert not [r for r in caplog.records if token in r.getMessage()]


async def test_a_rater_saves_and_comes_back_through_the_same_link(
    platform: Platform, participant_sub: str, visit: Visit
) -> None:
    axe, page = Axe(), visit.page
    _, links = await platform.open_360(participant_sub)
    questions = await (await RaterStartPage.open(page, links["Peer 1"])).start_now()
    await questions.answer_statement(1, "Proficient")
    await questions.answer_statement(3, "Not observed")
    tasks = await questions.save_and_come_back_later()
    assert "Your answers have been saved" in await page.locator(".nhsuk-notification-banner").inner_text()
    await axe.assert_clean(page)
    statuses = await tasks.statuses()
    assert statuses["Inspiring shared purpose"] == "In progress"
    assert list(statuses.values())[1:] == ["Not yet started"] * (HLM_DIMENSIONS - 1)

    # Later, from the mail again, in a fresh browser session.
    await visit.context.clear_cookies()
    await page.goto(links["Peer 1"])
    await axe.assert_clean(page)
    await page.get_by_role("button", name="Continue").click()
    questions = await TaskListPage(page).open_section("Inspiring shared purpose")
    await axe.assert_clean(page)
    assert await questions.chosen(1) == "Proficient"
    assert await questions.chosen(2) is None
    assert await questions.chosen(3) == "Not observed"


async def test_a_rater_can_answer_with_the_keyboard_alone(
    platform: Platform, participant_sub: str, visit: Visit
) -> None:
    axe, page = Axe(), visit.page
    cycle_id, links = await platform.open_360(participant_sub)
    await page.goto(links["Peer 2"])
    await axe.assert_clean(page)
    await tab_to(page, "a", "Start now")
    await page.keyboard.press("Enter")
    for _ in range(HLM_DIMENSIONS):
        await page.wait_for_selector("form fieldset")
        await axe.assert_clean(page)
        groups = await page.locator("form fieldset").count()
        await tab_to(page, "input[type=radio]")
        for _ in range(groups):
            # Arrow keys move through a group of radios and choose as they go: two down is the third level.
            await page.keyboard.press("ArrowDown")
            await page.keyboard.press("ArrowDown")
            await page.keyboard.press("Tab")
        await tab_to(page, "button", "Save and continue")
        # Wait for the next page itself: on a busy machine the current one is still "loaded" when the
        # key is pressed, and its own fieldsets would be read again.
        async with page.expect_navigation():
            await page.keyboard.press("Enter")
    assert await QuestionsPage(page).heading() == "Check your answers before sending your feedback"
    assert await page.locator(".nhsuk-summary-list__value", has_text="Strong").count() == 45
    await axe.assert_clean(page)
    await tab_to(page, "button", "Send feedback")
    await page.keyboard.press("Enter")
    await page.wait_for_selector(".nhsuk-panel")
    await axe.assert_clean(page)
    assert (await platform.progress(participant_sub, cycle_id))["PEER"]["submitted"] == 1


async def tab_to(page: Page, selector: str, text: str | None = None, *, presses: int = 80) -> None:
    """Press Tab until the focused element matches ``selector`` (and reads ``text``), as a keyboard user would."""
    for _ in range(presses):
        await page.keyboard.press("Tab")
        if await page.evaluate(
            "([selector, text]) => { const e = document.activeElement;"
            " return !!e && e.matches(selector) && (text === null || e.innerText.trim() === text); }",
            [selector, text],
        ):
            return
    raise AssertionError(f"{selector} {text or ''} never took the focus")


async def test_every_questionnaire_page_fits_a_320_pixel_screen(
    platform: Platform, participant_sub: str, browser: Browser
) -> None:
    axe, visit = Axe(), await open_visit(browser, width=320, bypass_csp=True)
    page = visit.page
    try:
        _, links = await platform.open_360(participant_sub)
        start = await RaterStartPage.open(page, links["Peer 3"])
        await assert_no_horizontal_scroll(page)
        await axe.assert_clean(page)
        questions = await start.start_now()
        for _ in range(HLM_DIMENSIONS):
            await assert_no_horizontal_scroll(page)
            await axe.assert_clean(page)
            await questions.answer_all(level="Proficient")
            questions = await questions.continue_()
        await assert_no_horizontal_scroll(page)
        await axe.assert_clean(page)
        done = await (await questions.check_answers()).confirm_and_send()
        await assert_no_horizontal_scroll(page)
        await axe.assert_clean(page)
        assert await done.panel_title() == "Feedback sent"
    finally:
        await visit.context.close()


async def assert_no_horizontal_scroll(page: Page) -> None:
    widths = await page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{await page.title()!r} scrolls sideways: {widths[0]}px wide in {widths[1]}px"


async def test_a_missing_answer_shows_the_error_summary_and_keeps_the_answers_given(
    platform: Platform, participant_sub: str, visit: Visit
) -> None:
    axe, page = Axe(), visit.page
    _, links = await platform.open_360(participant_sub)
    questions = await (await RaterStartPage.open(page, links["Peer 1"])).start_now()
    await questions.answer_statement(1, "Exemplary")
    await questions.answer_statement(2, "Not observed")
    await page.get_by_label("Comments on").fill("Calm in a crisis.")
    questions = await questions.continue_()

    assert (await questions.title()).startswith("Error: ")
    assert await questions.error_summary() == [
        "Select an answer to statement 3, or not observed",
        "Select an answer to statement 4, or not observed",
        "Select an answer to statement 5, or not observed",
        "Select how important inspiring shared purpose is to their role",
    ]
    await axe.assert_clean(page)
    assert await questions.chosen(1) == "Exemplary"
    assert await questions.chosen(2) == "Not observed"
    assert await page.get_by_label("Comments on").input_value() == "Calm in a crisis."
    # Each error links to its own question.
    await page.locator(".nhsuk-error-summary a", has_text="statement 4").click()
    assert await page.evaluate("() => document.activeElement.name") == "item-isp-4"


async def test_a_form_sent_without_its_csrf_token_is_refused_with_a_plain_page(
    platform: Platform, participant_sub: str, visit: Visit
) -> None:
    axe, page = Axe(), visit.page
    _, links = await platform.open_360(participant_sub)
    questions = await (await RaterStartPage.open(page, links["Peer 1"])).start_now()
    await questions.answer_all(level="Strong")
    await page.evaluate("() => document.querySelector('input[name=csrf_token]').remove()")
    refused = await questions.continue_()
    assert await refused.heading() == "Your answers could not be sent from this page"
    await axe.assert_clean(page)
    # Nothing was saved: the section is still to do.
    await page.goto(links["Peer 1"] + "/questions")
    assert "Not yet started" in await page.locator(".nhsuk-task-list__item").first.inner_text()


async def test_a_used_link_and_a_made_up_one_get_the_same_plain_page(
    platform: Platform, participant_sub: str, visit: Visit
) -> None:
    axe, page = Axe(), visit.page
    cycle_id, links = await platform.open_360(participant_sub)
    start = await RaterStartPage.open(page, links["Peer 2"])
    decline = await start.decline()
    await axe.assert_clean(page)
    declined = await decline.confirm()
    assert await declined.heading() == "You have declined to give feedback"
    await axe.assert_clean(page)
    assert (await platform.progress(participant_sub, cycle_id))["PEER"]["declined"] == 1

    await page.goto(links["Peer 2"])
    used = await page.locator("main").inner_text()
    await axe.assert_clean(page)
    await page.goto(f"{platform.web_url}/answer/{'x' * 43}")
    made_up = await page.locator("main").inner_text()
    assert (await page.title()).startswith("This link cannot be used")
    assert used == made_up


async def test_sending_twice_keeps_one_response_and_shows_the_confirmation_again(
    platform: Platform, participant_sub: str, visit: Visit
) -> None:
    page = visit.page
    cycle_id, links = await platform.open_360(participant_sub)
    start = await RaterStartPage.open(page, links["Lee Manager"])
    # A line manager's answers are reported as the line manager's, and the page says so.
    assert "Sam Participant will know they are yours" in await page.locator("main").inner_text()
    questions = await start.start_now()
    for _ in range(HLM_DIMENSIONS):
        await questions.answer_all(level="Exemplary")
        questions = await questions.continue_()
    await Axe().assert_clean(page)
    # The same check page open in a second tab, as after going back to it.
    again = await visit.context.new_page()
    await again.goto(page.url)
    await page.get_by_role("button", name="Send feedback").dblclick()
    await page.wait_for_selector(".nhsuk-panel")
    await again.get_by_role("button", name="Send feedback").click()
    await again.wait_for_selector(".nhsuk-panel")
    assert (await again.title()).startswith("Feedback sent")
    # And going back to check your answers shows the confirmation, not a dead link.
    await page.go_back()
    await page.wait_for_selector(".nhsuk-panel")
    assert (await page.title()).startswith("Feedback sent")
    assert (await platform.progress(participant_sub, cycle_id))["LINE_MANAGER"]["submitted"] == 1


async def test_with_the_gateway_down_the_page_says_try_later_and_keeps_the_answers(
    platform: Platform, participant_sub: str, visit: Visit
) -> None:
    axe, page = Axe(), visit.page
    _, links = await platform.open_360(participant_sub)
    questions = await (await RaterStartPage.open(page, links["Peer 3"])).start_now()
    await questions.answer_all(level="Strong", comment="Listens first.")
    with platform.gateway_down():
        unavailable = await questions.continue_()
        assert await unavailable.heading() == "Sorry, there is a problem with the service"
        await axe.assert_clean(page)
    # The answers travelled with the page: trying again saves them.
    await page.get_by_role("button", name="Try again").click()
    await page.wait_for_load_state()
    assert "Section 2 of 9" in await page.locator(".nhsuk-caption-l").inner_text()
    await page.goto(links["Peer 3"] + "/inspiring-shared-purpose")
    assert await QuestionsPage(page).chosen(5) == "Strong"
    assert await page.get_by_label("Comments on").input_value() == "Listens first."


async def test_the_pages_work_under_their_own_content_security_policy(
    platform: Platform, participant_sub: str, browser: Browser
) -> None:
    visit = await open_visit(browser)  # the policy enforced, as a rater's browser does
    try:
        _, links = await platform.open_360(participant_sub)
        questions = await (await RaterStartPage.open(visit.page, links["Peer 1"])).start_now()
        questions = await questions.continue_()  # nothing answered: the error summary, focused by the NHS.UK script
        assert await questions.error_summary()
        classes = await visit.page.evaluate("() => document.body.className")
        assert re.search(r"\bnhsuk-frontend-supported\b", classes), classes  # the template's inline script ran
        assert await visit.page.evaluate("() => document.activeElement.closest('.nhsuk-error-summary') !== null")
        # A page refused under the policy would say so in the console (the 400 of the page itself aside).
        assert [e for e in visit.console_errors if "Content Security Policy" in e] == []
    finally:
        await visit.context.close()

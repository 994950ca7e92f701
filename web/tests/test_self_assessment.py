"""A participant signs in, answers a self-assessment on the same pages raters use, and reads its report
at once; in Debian's chromium against the real gateway and services, axe on every page."""

from __future__ import annotations

import httpx

from .axe import Axe
from .conftest import Platform, Visit
from .pages import AssessmentsPage, QuestionsPage, ReportPage, SelfCheckPage, SignInPage, TaskListPage

HLM_DIMENSIONS = 9


async def sign_in_as(page: object, platform: Platform, sub: str) -> None:
    from playwright.async_api import Page

    assert isinstance(page, Page)
    await (await (await SignInPage.open(page, platform.web_url)).as_development_user()).sign_in(sub=sub)


async def test_a_participant_answers_a_self_assessment_and_reads_its_report_at_once(
    platform: Platform, participant_sub: str, visit: Visit
) -> None:
    axe, page = Axe(), visit.page
    await sign_in_as(page, platform, participant_sub)
    assessments = AssessmentsPage(page)
    assert await assessments.heading() == "Your assessments"
    await axe.assert_clean(page)

    tasks = await assessments.start_self_assessment()
    assert await tasks.heading() == "Your self-assessment"
    assert set((await tasks.statuses()).values()) == {"Not yet started"}
    await axe.assert_clean(page)
    questions = await tasks.open_section("Inspiring shared purpose")
    for number in range(1, HLM_DIMENSIONS + 1):
        assert f"Section {number} of {HLM_DIMENSIONS}" in await page.locator(".nhsuk-caption-l").inner_text()
        if number == 1:
            # The rater's pages, in the participant's own voice, with the same error summary.
            assert "what you do at work" in await page.locator("main").inner_text()
            questions = await questions.continue_()
            assert (await questions.title()).startswith("Error: ")
            assert await questions.error_summary()
            await axe.assert_clean(page)
        await axe.assert_clean(page)
        await questions.answer_all(level="Strong", comment="I keep the team's purpose in view." if number == 1 else "")
        questions = await questions.continue_()
    assert await questions.heading() == "Check your answers before you submit your self-assessment"
    await axe.assert_clean(page)
    # A change from check your answers comes back to it.
    await page.get_by_role("link", name="Change Inspiring shared purpose, statement 1").click()
    changed = QuestionsPage(page)
    await axe.assert_clean(page)
    await changed.answer_statement(1, "Exemplary")
    await changed.continue_()

    report = await SelfCheckPage(page).submit()
    assert await report.heading() == "Your self-assessment report"
    await axe.assert_clean(page)
    table = await report.table_for("Inspiring shared purpose")
    assert list(table) == ["You"]
    assert table["You"][1] == "Strong"
    assert "I keep the team's purpose in view." in await page.locator("main").inner_text()
    # The PDF comes through this front with the person's own token: the browser holds no token to send.
    async with page.expect_download() as downloading:
        await page.get_by_role("link", name="Download this report as a PDF").click()
    pdf = await (await downloading.value).path()
    assert pdf.read_bytes().startswith(b"%PDF")

    # The report stays at its own address, and the assessment's pages now lead to it.
    report_url = page.url
    back = await AssessmentsPage.open(page, platform.web_url)
    assert ["Self-assessment", "Submitted"] in [row[:2] for row in await back.rows()]
    await page.get_by_role("link", name="Self-assessment").click()
    assert page.url == report_url
    assert await ReportPage(page).heading() == "Your self-assessment report"


async def test_another_participants_report_is_not_found(platform: Platform, participant_sub: str, visit: Visit) -> None:
    axe, page = Axe(), visit.page
    await sign_in_as(page, platform, participant_sub)
    await page.goto(f"{platform.web_url}/reports/00000000-0000-4000-8000-000000000001")
    assert await ReportPage(page).heading() == "Page not found"
    await axe.assert_clean(page)
    # Nor is its PDF: the gateway's refusal becomes the same plain page.
    await page.goto(f"{platform.web_url}/reports/00000000-0000-4000-8000-000000000001.pdf")
    assert await ReportPage(page).heading() == "Page not found"
    await axe.assert_clean(page)


async def test_the_participants_forms_are_refused_without_their_csrf_token(platform: Platform) -> None:
    transport = httpx.ASGITransport(app=platform.web_app)
    async with httpx.AsyncClient(transport=transport, base_url=platform.web_url) as browser:
        await browser.get("/sign-in")
        refused = [
            await browser.post(path, data={"action": "continue"}) for path in ("/sign-in/development", "/sign-out")
        ]
    assert [r.status_code for r in refused] == [403, 403]


async def test_with_the_gateway_down_a_participant_gets_a_plain_try_again_page_that_keeps_their_answers(
    platform: Platform, participant_sub: str, visit: Visit
) -> None:
    axe, page = Axe(), visit.page
    await sign_in_as(page, platform, participant_sub)
    tasks = await AssessmentsPage(page).start_self_assessment()
    questions = await tasks.open_section("Inspiring shared purpose")
    await questions.answer_all(level="Proficient")
    with platform.gateway_down():
        await questions.continue_()
        assert await questions.heading() == "Sorry, there is a problem with the service"
        await axe.assert_clean(page)
    # The kept answers are sent again with Try again, once the gateway is back.
    await page.get_by_role("button", name="Try again").click()
    await page.wait_for_load_state()
    assert "Section 2 of" in await page.locator(".nhsuk-caption-l").inner_text()
    await page.get_by_role("link", name="See all sections").click()
    assert (await TaskListPage(page).statuses())["Inspiring shared purpose"] == "Completed"

    with platform.gateway_down():
        await page.goto(f"{platform.web_url}/assessments")
        assert await questions.heading() == "Sorry, there is a problem with the service"
        assert "Try this page again" in await page.locator("main").inner_text()
        await axe.assert_clean(page)
        # A report's PDF, fetched through this front, gets the same page rather than a broken file.
        await page.goto(f"{platform.web_url}/reports/00000000-0000-4000-8000-000000000001.pdf")
        assert await questions.heading() == "Sorry, there is a problem with the service"
        await axe.assert_clean(page)

"""A participant's change that survey-svc refuses is said on the same page, as the NHS.UK error summary
with the service's own words, and nothing they entered is lost: a name longer than a 360 takes, closing
before enough raters have answered, and reminding or withdrawing a rater on a page another tab has left
behind (the 360 closed meanwhile); in Debian's chromium, axe on every page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from .axe import Axe
from .conftest import HLM_360, HLM_SELF, OPEN, Platform, Visit
from .pages import AssessmentsPage, Feedback360Page, New360Page
from .test_feedback_360 import answer_as_rater
from .test_self_assessment import sign_in_as

CREATE_V2 = """
mutation ($input: CreateCycleInput!) {
  createCycleV2(input: $input) { __typename ... on CycleRefused { code problems { location message } } }
}
"""
CLOSE_V2 = """
mutation ($cycleId: ID!) {
  closeCycleV2(cycleId: $cycleId) { __typename ... on Cycle { status } ... on CycleRefused { code message } }
}
"""


async def test_a_name_longer_than_a_360_takes_is_refused_at_the_name_with_what_survey_svc_says(
    platform: Platform, participant_sub: str, visit: Visit
) -> None:
    axe, page = Axe(), visit.page
    participant = {"Authorization": f"Bearer {platform.token_for(participant_sub)}"}
    too_long = "Sam " + "Participant" * 20
    said = (
        await platform.graphql(
            CREATE_V2,
            participant,
            input={
                "kind": "FEEDBACK_360",
                "questionnaireId": HLM_360,
                "selfQuestionnaireId": HLM_SELF,
                "participantName": too_long,
            },
        )
    )["createCycleV2"]
    assert said["code"] == "validation-error"
    [problem] = said["problems"]
    assert problem["location"] == ["input", "participantName"]

    await sign_in_as(page, platform, participant_sub)
    await AssessmentsPage(page).ask_for_360()
    new = New360Page(page)
    await new.start(name=too_long, see_report="As soon as it is ready")
    assert (await new.title()).startswith("Error: ")
    assert await new.heading() == "Ask for 360 feedback"
    assert await new.error_summary() == [problem["message"]]
    at_the_name = " ".join((await page.locator("#name-error").inner_text()).split())
    assert at_the_name == f"Error: {problem['message']}"
    # What was typed and chosen is still there.
    assert await page.get_by_label("Your name").input_value() == too_long
    assert await page.get_by_label("As soon as it is ready").is_checked()
    await axe.assert_clean(page)

    cycle = await new.start(name="Sam Participant", see_report="As soon as it is ready")
    assert await cycle.heading() == "Your 360 feedback"
    assert await cycle.error_summary() == []


async def test_closing_before_enough_raters_have_answered_is_refused_on_the_close_page(
    platform: Platform, participant_sub: str, visit: Visit
) -> None:
    axe, page = Axe(), visit.page
    cycle_id, _links = await platform.open_360(participant_sub)
    participant = {"Authorization": f"Bearer {platform.token_for(participant_sub)}"}
    said = (await platform.graphql(CLOSE_V2, participant, cycleId=cycle_id))["closeCycleV2"]
    assert said["code"] == "minimums-not-met"
    await sign_in_as(page, platform, participant_sub)
    await page.goto(f"{platform.web_url}/assessments/{cycle_id}/close")
    await page.get_by_role("button", name="Yes, close it now").click()
    await page.wait_for_load_state()

    close = Feedback360Page(page)
    assert (await close.title()).startswith("Error: ")
    assert await close.heading() == "Close your 360 now?"
    assert await close.error_summary() == [said["message"]]
    await axe.assert_clean(page)

    await page.get_by_role("link", name="No, keep it open").click()
    await page.wait_for_load_state()
    assert "Open" in await page.locator(".nhsuk-summary-list").inner_text()


async def test_reminding_or_withdrawing_a_rater_on_a_page_left_behind_is_refused_once_the_360_closed(
    platform: Platform, participant_sub: str, visit: Visit
) -> None:
    axe, drafted = Axe(), visit.page
    participant = {"Authorization": f"Bearer {platform.token_for(participant_sub)}"}
    cycle_id, raters = await platform.draft_360(participant_sub)

    # One tab shows the draft with its raters to withdraw; another, later, the open 360 to remind.
    await sign_in_as(drafted, platform, participant_sub)
    await drafted.goto(f"{platform.web_url}/assessments/{cycle_id}")
    assert await drafted.get_by_role("button", name="Remove Peer 1").count() == 1
    closes_at = (datetime.now(UTC) + timedelta(days=14)).isoformat()
    await platform.graphql(OPEN, participant, cycleId=cycle_id, closesAt=closes_at)
    opened = await visit.context.new_page()
    await opened.goto(f"{platform.web_url}/assessments/{cycle_id}")
    assert await opened.get_by_role("button", name="Remind those who have not answered").count() == 1

    # Meanwhile every rater answers and the 360 is closed.
    links = await platform.links()
    for rater in raters:
        await answer_as_rater(platform, links[rater["email"]], level=3)
    closed = (await platform.graphql(CLOSE_V2, participant, cycleId=cycle_id))["closeCycleV2"]
    assert closed == {"__typename": "Cycle", "status": "closed"}

    reminding = Feedback360Page(opened)
    await opened.get_by_role("button", name="Remind those who have not answered").click()
    await opened.wait_for_load_state()
    assert (await reminding.title()).startswith("Error: ")
    assert await reminding.error_summary() == ["the cycle is closed"]
    # The page is the 360 as it is now: closed, with nothing left to remind.
    assert "Closed" in await opened.locator(".nhsuk-summary-list").inner_text()
    assert await opened.get_by_role("button", name="Remind those who have not answered").count() == 0
    await axe.assert_clean(opened)

    withdrawing = Feedback360Page(drafted)
    await drafted.get_by_role("button", name="Remove Peer 1").click()
    await drafted.wait_for_load_state()
    assert (await withdrawing.title()).startswith("Error: ")
    assert await withdrawing.error_summary() == ["the cycle is closed"]
    assert await withdrawing.progress() == {"Line manager": ["1", "1", "0"], "Peer": ["3", "3", "0"]}
    await axe.assert_clean(drafted)

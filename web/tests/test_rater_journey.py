"""A rater answers from the link in their mail, in Debian's chromium, against the real gateway and services."""

from __future__ import annotations

from .axe import Axe
from .conftest import Platform, Visit
from .pages import RaterStartPage

HLM_DIMENSIONS = 9


async def test_rater_answers_the_whole_questionnaire_from_the_mail(
    platform: Platform, participant_sub: str, visit: Visit
) -> None:
    axe, page = Axe(), visit.page
    cycle_id, links = await platform.open_360(participant_sub)
    assert links["Peer 1"].startswith(f"{platform.web_url}/answer/")

    start = await RaterStartPage.open(page, links["Peer 1"])
    assert await start.heading() == "Give feedback on Sam Participant's leadership"
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

    done = await check.confirm_and_send()
    assert await done.panel_title() == "Feedback sent"
    await axe.assert_clean(page)

    progress = await platform.progress(participant_sub, cycle_id)
    assert progress["PEER"]["submitted"] == 1
    # Nothing any page asked for left the platform: no font, script or image from another host.
    assert all(url.startswith(platform.web_url) for url in visit.requests), [
        url for url in visit.requests if not url.startswith(platform.web_url)
    ]

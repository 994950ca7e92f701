"""A participant starts a 360 on the HLM 360 questionnaire, nominates raters by group, sends it, follows
its progress as counts, reminds, extends, closes it and reads the report; in Debian's chromium, axe on
every page."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from .axe import Axe
from .conftest import Platform, Visit
from .pages import AssessmentsPage, Feedback360Page, New360Page, ReportPage
from .test_self_assessment import sign_in_as

QUESTIONNAIRE = """
query ($token: String!) { invitation(token: $token) { questionnaire { dimensions { key } items { key } } } }
"""
SUBMIT = """
mutation ($token: String!, $response: ResponseInput!) {
  submitInvitation(token: $token, response: $response) { __typename }
}
"""


async def answer_as_rater(platform: Platform, link: str, level: int) -> None:
    """A rater sends their whole answer through their link (their own journey is tested elsewhere)."""
    token = link.rsplit("/", 1)[1]
    questionnaire = (await platform.graphql(QUESTIONNAIRE, {}, token=token))["invitation"]["questionnaire"]
    response: dict[str, Any] = {
        "answers": [{"itemKey": item["key"], "level": level} for item in questionnaire["items"]],
        "importance": [{"dimensionKey": d["key"], "rating": 3} for d in questionnaire["dimensions"]],
        "comments": [],
    }
    sent = await platform.graphql(SUBMIT, {}, token=token, response=response)
    assert sent["submitInvitation"]["__typename"] == "ResponseSubmitted"


async def test_a_participant_runs_a_360_from_nomination_to_report(
    platform: Platform, participant_sub: str, visit: Visit
) -> None:
    axe, page = Axe(), visit.page
    await sign_in_as(page, platform, participant_sub)
    await AssessmentsPage(page).ask_for_360()
    new = New360Page(page)
    assert await new.heading() == "Ask for 360 feedback"
    await axe.assert_clean(page)
    cycle = await new.start(name="Sam Participant", see_report="As soon as it is ready")
    assert await cycle.heading() == "Your 360 feedback"
    await axe.assert_clean(page)

    tag = uuid.uuid4().hex[:8]
    raters = [("Lee Manager", "Line manager")] + [(f"Peer {n}", "Peer") for n in (1, 2, 3, 4)]
    for name, group in raters:
        added = await cycle.add_rater(name, f"{name.lower().replace(' ', '.')}.{tag}@trust.example.org", group)
        assert await added.heading() == "Your 360 feedback"
    await axe.assert_clean(page)
    assert await cycle.raters() == {name: group for name, group in raters}

    # A rater nominated twice is refused on the form, saying why; nobody is added.
    email = f"peer.1.{tag}@trust.example.org"
    twice = await cycle.add_rater("Peer One", email, "Peer")
    assert (await twice.title()).startswith("Error: ")
    assert await twice.error_summary() == [f"{email} is already nominated"]
    await page.get_by_role("link", name="Back", exact=True).click()
    await page.wait_for_load_state()
    assert await cycle.raters() == {name: group for name, group in raters}

    # A closing date in the past is refused with the NHS.UK error summary; a fortnight ahead sends it.
    yesterday = datetime.now(UTC) - timedelta(days=1)
    await cycle.send(yesterday.day, yesterday.month, yesterday.year)
    assert (await cycle.title()).startswith("Error: ")
    assert await cycle.error_summary()
    await axe.assert_clean(page)
    closes = datetime.now(UTC) + timedelta(days=14)
    await cycle.send(closes.day, closes.month, closes.year)
    assert await cycle.progress() == {"Line manager": ["1", "0", "0"], "Peer": ["4", "0", "0"]}
    await axe.assert_clean(page)

    links = await platform.links()
    for name in ("Lee Manager", "Peer 1", "Peer 2", "Peer 3"):
        email = f"{name.lower().replace(' ', '.')}.{tag}@trust.example.org"
        await answer_as_rater(platform, links[email], level=3 if name == "Lee Manager" else 2)

    assert "1 rater has been sent a reminder." in await cycle.remind()
    # Counts only: who answered is never on the page.
    assert await cycle.progress() == {"Line manager": ["1", "1", "0"], "Peer": ["4", "3", "0"]}
    assert "Peer 4" not in await page.locator("main").inner_text()
    await axe.assert_clean(page)

    # A closing date earlier than the current one is refused on the form; the date stays.
    earlier = closes - timedelta(days=1)
    await cycle.change_closing_date(earlier.day, earlier.month, earlier.year)
    assert (await cycle.title()).startswith("Error: ")
    assert await cycle.error_summary() == [
        "The new closing date must be later than the current one, and within the longest a 360 may run"
    ]
    await page.get_by_role("link", name="Back", exact=True).click()
    await page.wait_for_load_state()
    assert await cycle.closing_date() == f"{closes.day} {closes:%B %Y}"

    later = closes + timedelta(days=7)
    await cycle.change_closing_date(later.day, later.month, later.year)
    assert await cycle.closing_date() == f"{later.day} {later:%B %Y}"

    await page.get_by_role("link", name="Close it now").click()
    await axe.assert_clean(page)
    await page.get_by_role("button", name="Yes, close it now").click()
    await page.wait_for_load_state()
    closed = Feedback360Page(page)
    assert "Closed" in await page.locator(".nhsuk-summary-list").inner_text()
    await axe.assert_clean(page)

    await platform.wait_for_report(participant_sub, page.url.rsplit("/", 1)[1])
    await page.reload()
    await page.get_by_role("button", name="See your report").click()
    report = ReportPage(page)
    assert await report.heading() == "Your 360 feedback report"
    await axe.assert_clean(page)
    table = await report.table_for("Inspiring shared purpose")
    assert table["Line manager"][:2] == ["3.00", "Strong"]
    assert table["All raters"][2] == "4"
    assert "You" not in table  # the participant did not answer their own questions
    assert await closed.heading() == "Your 360 feedback report"

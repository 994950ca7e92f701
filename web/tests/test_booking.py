"""A participant whose 360 has closed books its feedback session: the facilitators who may hold it,
ranked with their reasons, a session held then confirmed, and a session someone took meanwhile refused
with the error summary; in Debian's chromium, axe on every page."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from .axe import Axe
from .conftest import Platform, Visit
from .pages import FacilitatorMatchesPage
from .test_feedback_360 import answer_as_rater
from .test_self_assessment import sign_in_as

CLOSE = "mutation ($cycleId: ID!) { closeCycle(cycleId: $cycleId) { status } }"
HOLD = """
mutation ($slotId: ID!, $cycleId: ID!) {
  holdSession(slotId: $slotId, cycleId: $cycleId, mode: VIDEO) { __typename }
}
"""
MATCHES = "query ($cycleId: ID!) { facilitatorMatches(cycleId: $cycleId) { facilitator { name } slots { slotId } } }"


async def closed_360(platform: Platform, participant_sub: str) -> str:
    cycle_id, links = await platform.open_360(participant_sub)
    for name, link in links.items():
        await answer_as_rater(platform, link, level=3 if name == "Lee Manager" else 2)
    participant = {"Authorization": f"Bearer {platform.token_for(participant_sub)}"}
    assert (await platform.graphql(CLOSE, participant, cycleId=cycle_id))["closeCycle"]["status"] == "closed"
    return cycle_id


def next_weekday_at(days: int, hour: int) -> datetime:
    at = (datetime.now(UTC) + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)
    while at.weekday() >= 5:
        at += timedelta(days=1)
    return at


async def test_a_participant_books_the_feedback_session_of_their_closed_360(
    platform: Platform, participant_sub: str, visit: Visit
) -> None:
    tag = uuid.uuid4().hex[:6]
    name = f"Alex Facilitator {tag}"
    await platform.register_facilitator(
        name, sub=f"facilitator-{tag}", slots=[next_weekday_at(3, 10), next_weekday_at(4, 14)]
    )
    cycle_id = await closed_360(platform, participant_sub)

    axe, page = Axe(), visit.page
    await sign_in_as(page, platform, participant_sub)
    await page.goto(f"{platform.web_url}/assessments/{cycle_id}")
    await axe.assert_clean(page)
    await page.get_by_role("link", name="Book your feedback session").click()
    matches = FacilitatorMatchesPage(page)
    assert await matches.heading() == "Book your feedback session"
    await axe.assert_clean(page)
    offered = await matches.facilitators()
    assert any(entry.endswith(f". {name}") for entry in offered)
    assert offered[0].startswith("1. ")
    assert await matches.reasons_for(name)  # each facilitator with the reasons for their place

    session = await matches.hold_first_session_with(name)
    assert await session.heading() == "Your feedback session"
    assert (await session.details())["Status"] == "Held for you"
    assert (await session.details())["Facilitator"] == name
    await axe.assert_clean(page)
    booked = await session.confirm()
    assert await booked.heading() == "Your feedback session is booked"
    assert (await booked.details())["Status"] == "Booked"
    await axe.assert_clean(page)


async def test_a_session_someone_took_meanwhile_is_refused_with_the_error_summary(
    platform: Platform, participant_sub: str, visit: Visit
) -> None:
    tag = uuid.uuid4().hex[:6]
    name = f"Jo Facilitator {tag}"
    await platform.register_facilitator(name, sub=f"facilitator-{tag}", slots=[next_weekday_at(5, 9)])
    cycle_id = await closed_360(platform, participant_sub)
    other_sub = f"{participant_sub}-other"
    other_cycle = await closed_360(platform, other_sub)

    axe, page = Axe(), visit.page
    await sign_in_as(page, platform, participant_sub)
    await page.goto(f"{platform.web_url}/assessments/{cycle_id}/feedback-session")
    matches = FacilitatorMatchesPage(page)
    assert any(entry.endswith(f". {name}") for entry in await matches.facilitators())

    # Someone else holds the one session while this page is open.
    other = {"Authorization": f"Bearer {platform.token_for(other_sub)}"}
    found = (await platform.graphql(MATCHES, other, cycleId=other_cycle))["facilitatorMatches"]
    slot_id = next(m for m in found if m["facilitator"]["name"] == name)["slots"][0]["slotId"]
    assert (await platform.graphql(HOLD, other, slotId=slot_id, cycleId=other_cycle))["holdSession"][
        "__typename"
    ] == "FeedbackSession"

    refused = await matches.hold_first_session_with(name)
    assert (await refused.title()).startswith("Error: ")
    assert await refused.error_summary() == ["That session has just been taken. Choose another session"]
    assert await refused.heading() == "Book your feedback session"
    await axe.assert_clean(page)

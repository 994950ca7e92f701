"""A participant with two released 360s on the HLM 360 questionnaire reads how they moved between them:
from the later report's page to the comparison, its tables then and now, and its PDF; the earlier report
has nothing to compare with. In Debian's chromium against the real gateway and services, axe on every page.

Each report is built by report-svc's workers from survey-svc's events, so the test waits for each cycle's
report to be built (and released, these 360s being direct) before it closes the next cycle or reads it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from playwright.async_api import Page

from .axe import Axe
from .conftest import HLM_360, HLM_SELF, Platform, Visit
from .pages import RaterPage, ReportPage
from .test_feedback_360 import answer_as_rater
from .test_self_assessment import sign_in_as

CREATE = "mutation ($input: CreateCycleInput!) { createCycle(input: $input) { id } }"
NOMINATE = """
mutation ($cycleId: ID!, $raters: [RaterInput!]!) { nominateRaters(cycleId: $cycleId, raters: $raters) { id } }
"""
OPEN = """
mutation ($cycleId: ID!, $closesAt: DateTime!) { openCycle(cycleId: $cycleId, closesAt: $closesAt) { __typename } }
"""
CLOSE = "mutation ($cycleId: ID!) { closeCycle(cycleId: $cycleId) { status } }"


class ProgressPage(RaterPage):
    async def table(self, caption: str) -> dict[str, list[str]]:
        """A table by its caption, by its rows' header: [earlier report, this report, change]."""
        table = self.page.locator("table", has=self.page.locator("caption", has_text=caption))
        rows = table.locator("tbody tr")
        found = {}
        for index in range(await rows.count()):
            row = rows.nth(index)
            found[(await row.locator("th").inner_text()).strip()] = [
                cell.strip() for cell in await row.locator("td").all_inner_texts()
            ]
        return found


async def released_360(platform: Platform, participant_sub: str, *, level: int) -> str:
    """A direct 360 (its report released as soon as it is built) whose line manager and three peers all
    answer at ``level``, closed; the id of its report once report-svc has built it."""
    participant = {"Authorization": f"Bearer {platform.token_for(participant_sub)}"}
    tag = uuid.uuid4().hex[:8]
    raters = [{"name": "Lee Manager", "email": f"lee.{tag}@trust.example.org", "raterGroup": "LINE_MANAGER"}]
    raters += [
        {"name": f"Peer {n}", "email": f"peer{n}.{tag}@trust.example.org", "raterGroup": "PEER"} for n in (1, 2, 3)
    ]
    created = await platform.graphql(
        CREATE,
        participant,
        input={
            "kind": "FEEDBACK_360",
            "questionnaireId": HLM_360,
            "selfQuestionnaireId": HLM_SELF,
            "participantName": "Sam Participant",
            "releaseMode": "DIRECT",
        },
    )
    cycle_id: str = created["createCycle"]["id"]
    await platform.graphql(NOMINATE, participant, cycleId=cycle_id, raters=raters)
    opened = await platform.graphql(
        OPEN, participant, cycleId=cycle_id, closesAt=(datetime.now(UTC) + timedelta(days=14)).isoformat()
    )
    assert opened["openCycle"]["__typename"] == "Cycle"
    links = await platform.links()
    for rater in raters:
        await answer_as_rater(platform, links[rater["email"]], level=level)
    closed = await platform.graphql(CLOSE, participant, cycleId=cycle_id)
    assert closed["closeCycle"]["status"] == "closed"
    # Built from survey-svc's events by report-svc's workers, not at once: wait for it.
    return await platform.wait_for_report(participant_sub, cycle_id)


async def test_a_participant_reads_how_they_moved_since_their_earlier_360(
    platform: Platform, participant_sub: str, visit: Visit
) -> None:
    # The earlier 360 is closed (and its report built) before the later one closes: "earlier" is by close.
    earlier = await released_360(platform, participant_sub, level=2)
    later = await released_360(platform, participant_sub, level=3)

    axe, page = Axe(), visit.page
    await sign_in_as(page, platform, participant_sub)

    # The earliest report has nothing to compare with, so it offers no comparison.
    await page.goto(f"{platform.web_url}/reports/{earlier}")
    assert await ReportPage(page).heading() == "Your 360 feedback report"
    assert await page.get_by_role("link", name="See how you have moved since your earlier report").count() == 0
    await axe.assert_clean(page)

    await page.goto(f"{platform.web_url}/reports/{later}")
    assert await ReportPage(page).heading() == "Your 360 feedback report"
    await axe.assert_clean(page)
    await page.get_by_role("link", name="See how you have moved since your earlier report").click()
    await page.wait_for_load_state()
    progress = ProgressPage(page)
    assert await progress.heading() == "How you have moved since your earlier report"
    assert page.url == f"{platform.web_url}/reports/{later}/progress"
    await axe.assert_clean(page)

    everyone = await progress.table("All raters' scores by dimension")
    assert len(everyone) == 9  # the HLM's nine dimensions
    assert everyone["Inspiring shared purpose"] == ["2.00 (Proficient)", "3.00 (Strong)", "Up 1.00"]
    by_group = await progress.table("Inspiring shared purpose: each group then and now")
    assert by_group["Line manager"] == ["2.00 (Proficient)", "3.00 (Strong)", "Up 1.00"]
    assert by_group["Peers"][2] == "Up 1.00"
    assert "You" not in by_group  # the participant answered neither self-assessment
    covers = await progress.table("What each report covers")
    assert covers["Groups shown"] == ["Line manager, Peers", "Line manager, Peers"]

    pdf = await visit.context.request.get(f"{platform.web_url}/reports/{later}/progress.pdf?since={earlier}")
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert (await pdf.body()).startswith(b"%PDF")
    assert "no-store" in pdf.headers["cache-control"]

    # The earliest report's comparison says there is none yet; asked the other way round, why not.
    await page.goto(f"{platform.web_url}/reports/{earlier}/progress")
    assert "There is nothing to compare this report with yet." in await page.locator("main").inner_text()
    await axe.assert_clean(page)
    await page.goto(f"{platform.web_url}/reports/{earlier}/progress?since={later}")
    said = await page.locator("main").inner_text()
    assert "These two reports cannot be compared." in said
    assert "must be a report of an earlier cycle" in said
    backwards = await visit.context.request.get(f"{platform.web_url}/reports/{earlier}/progress.pdf?since={later}")
    assert backwards.status == 404


async def test_someone_elses_progress_is_not_found(platform: Platform, participant_sub: str, visit: Visit) -> None:
    page: Page = visit.page
    await sign_in_as(page, platform, participant_sub)
    for path in (
        f"/reports/{uuid.uuid4()}/progress",
        "/reports/not-a-report/progress",
        f"/reports/{uuid.uuid4()}/progress.pdf",
    ):
        response = await page.goto(f"{platform.web_url}{path}")
        assert response is not None
        assert response.status == 404, path

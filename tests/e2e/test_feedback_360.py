"""A 360 from nomination to the coached release: raters in every group answer on the web front's pages,
in a browser, from the links in their mail; one declines there, the others are reminded, the participant
closes the cycle and books a facilitator, who releases the report at the session; then the participant
reads it and its PDF."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from playwright.async_api import Browser

from hlm_kit.testing.pytest_plugin import wait_for

from .browser import answer_through_the_web, decline_through_the_web
from .harness import Platform
from .steps import (
    CYCLE,
    EXTEND,
    GROUP_SIZES,
    INVITATION,
    RELEASE,
    REMIND,
    Gateway,
    Organisation,
    Rater,
    answers,
    assert_counted_once,
    book,
    close,
    closing_date,
    cycle,
    everywhere,
    facilitator_sees_report,
    links_of,
    open_360,
    questionnaire,
    raters_for,
    register_facilitator,
    report_when,
    tokens_of,
    user,
)

LEVEL_BY_GROUP = {"LINE_MANAGER": 4, "PEER": 3, "DIRECT_REPORT": 2, "OTHER": 3}
# The HLM 360's dimensions: a rater goes through a page for each.
DIMENSIONS = 9


# Ten raters each go through a dozen pages in a browser, on top of the journey itself (and, when this test runs
# first, the platform's start).
@pytest.mark.timeout(600)
async def test_a_360_through_reminders_and_close_to_the_coached_release_and_its_pdf(
    platform: Platform, gateway: Gateway, browser: Browser
) -> None:
    where = Organisation()
    me = user(platform, "participant", where)
    admin = user(platform, "academy_admin", where)
    three_sixty = await questionnaire(gateway, me, "hlm-360")
    self_wording = await questionnaire(gateway, me, "hlm-self")
    raters = raters_for({**GROUP_SIZES, "OTHER": 4})
    decliner = raters[-1]
    answering = raters[:-1]
    first, later = answering[:4], answering[4:]  # the line manager and the peers first
    comments = {rater.email: f"Note {n}: clear about the week's priorities." for n, rater in enumerate(answering)}

    cycle_id = await open_360(
        gateway,
        me,
        (three_sixty, self_wording),
        raters,
        own=answers(self_wording, everywhere(3), comment="I could delegate more."),
    )

    # Each rater's mail links to their questionnaire on the web front, naming the participant and the rater's
    # group only.
    [token] = await tokens_of(platform, raters[0])
    [link] = await links_of(platform, raters[0])
    assert link == f"{platform.web_url}/answer/{token}"
    opened = (await gateway.run(None, INVITATION, token=token))["invitation"]
    assert opened["participantName"] == f"Participant {me.sub}"
    assert opened["raterGroup"] == "line_manager"

    # The raters answer at the same time, each in a browser of their own, a page per dimension, from the link
    # in their mail.
    async def answers_from_mail(rater: Rater, link: str) -> list[str]:
        level = everywhere(LEVEL_BY_GROUP[rater.group])
        return await answer_through_the_web(browser, link, level, comment=comments[rater.email])

    links = [(await links_of(platform, rater))[0] for rater in first]
    for sections in await asyncio.gather(*(answers_from_mail(r, link) for r, link in zip(first, links, strict=True))):
        assert len(sections) == DIMENSIONS, sections
    [decline_link] = await links_of(platform, decliner)
    assert await decline_through_the_web(browser, decline_link) == "You have declined to give feedback"

    # Reminders go to those who have neither answered nor declined, and to nobody else.
    reminded = (await gateway.run(me, REMIND, cycleId=cycle_id))["sendReminders"]
    assert reminded == {"reminded": len(later)}
    for rater in later:
        await tokens_of(platform, rater, at_least=2)
        subjects = [str(m["Subject"]) for m in platform.mail.messages_to(rater.email)]
        assert sum(s.startswith("Reminder:") for s in subjects) == 1, subjects
    for rater in [*first, decliner]:
        assert len(platform.mail.messages_to(rater.email)) == 1

    # The reminder's link opens the same questionnaire.
    reminders = [
        next(
            platform.mail.link_in(message).group(0)
            for message in platform.mail.messages_to(rater.email)
            if str(message["Subject"]).startswith("Reminder:")
        )
        for rater in later
    ]
    await asyncio.gather(*(answers_from_mail(r, link) for r, link in zip(later, reminders, strict=True)))

    # The participant sees how many answered per group, never who.
    progress = {p["raterGroup"]: p for p in (await cycle(gateway, me, cycle_id))["progress"]}
    assert progress["other"] == {"raterGroup": "other", "invited": 4, "submitted": 3, "declined": 1}
    assert {g: p["submitted"] for g, p in progress.items()} == {
        "line_manager": 1,
        "peer": 3,
        "direct_report": 3,
        "other": 3,
    }
    await close(gateway, me, cycle_id)

    # The participant books a facilitator of their region, who sees the report first.
    facilitator = await register_facilitator(gateway, platform, admin, where)
    await book(gateway, me, cycle_id, facilitator)
    waiting = await facilitator_sees_report(gateway, facilitator, cycle_id)
    assert waiting["status"] == "awaiting_release"
    before_release = (await gateway.run(me, CYCLE, id=cycle_id))["cycle"]
    assert before_release["report"] is None
    assert before_release["feedbackSession"]["facilitatorId"] == facilitator.id

    released = (await gateway.run(facilitator.user, RELEASE, id=waiting["id"]))["releaseReport"]
    assert released["status"] == "released"

    report = await report_when(gateway, me, cycle_id, lambda r: r["status"] == "released")
    assert report["id"] == waiting["id"]
    assert report["content"]["state"] == "ready"
    assert_counted_once(
        report,
        {"self": 1, "line_manager": 1, "peer": 3, "direct_report": 3, "other": 3},
        set(comments.values()),
    )
    by_dimension = {d["key"]: d for d in report["content"]["dimensions"]}
    for dimension in by_dimension.values():
        assert dimension["self"]["score"] == 3.0
        assert dimension["groups"]["line_manager"]["score"] == 4.0
        assert dimension["groups"]["direct_report"]["score"] == 2.0
    # Nothing in the report says who a rater is.
    published = json.dumps(report["content"])
    assert not any(rater.email in published or rater.name in published for rater in raters)

    # Once survey-svc learns of the release it accepts nothing more for the cycle, not even a later
    # closing date: feedback given after the session would tell the participant who said what.
    async with httpx.AsyncClient(base_url=platform.url("survey"), timeout=30) as survey_svc:

        async def release_reached_survey() -> bool:
            found = await survey_svc.get(f"/v1/cycles/{cycle_id}", headers=me.headers)
            return found.json()["report_released_at"] is not None

        await wait_for(release_reached_survey, timeout_s=30, interval_s=0.2)
    refused = await gateway.raw(me, EXTEND, cycleId=cycle_id, closesAt=closing_date(30))
    assert refused["data"]["extendCycle"] is None
    assert refused["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", refused

    # The report as a PDF, with its charts, for the session and the portfolio.
    async with httpx.AsyncClient(base_url=platform.url("report"), timeout=30) as report_svc:
        pdf = await report_svc.get(f"/v1/reports/{report['id']}.pdf", headers=me.headers)
    assert pdf.status_code == 200, pdf.text
    assert pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-type"] == "application/pdf"

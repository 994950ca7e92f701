"""What happens on and after a training course, in Debian's chromium with axe on every page: the course's
trainer records who attended and marks people as having completed it, refused with the academy's reasons
until they attended and passed the e-learning; an academy administrator records an e-learning result from
the course's page; a facilitator expresses interest in train-the-trainer and is told why they cannot yet."""

from __future__ import annotations

from datetime import date

from playwright.async_api import Page
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from hlm_kit.db import create_engine

from .axe import Axe
from .conftest import Platform, Visit
from .pages import RaterPage
from .test_programmes import Academy, card_of, sign_in

RECORD_ASSESSMENT = """
mutation ($input: AssessmentResultInput!) { recordAssessment(input: $input) { __typename } }
"""
RESULTS = """
query ($email: String!) { trainingAssessments(email: $email, first: 100) { edges { node { score } } } }
"""


async def the_course_begins_today(database_url: str, course_id: str) -> None:
    """The course's first day comes (a course is scheduled in the future, and enrolment closes on its first
    day): its dates moved to today in facilitator-svc's own table."""
    engine = create_engine(database_url)
    try:
        async with AsyncSession(engine) as session:
            await session.execute(
                text("UPDATE training_course SET starts_on = :today, ends_on = :today WHERE id = :id"),
                {"today": date.today(), "id": course_id},
            )
            await session.commit()
    finally:
        await engine.dispose()


async def rows(page: Page) -> dict[str, list[str]]:
    """The enrolments table, by name: each row's other cells."""
    found = {}
    table = page.locator("main table tbody tr")
    for i in range(await table.count()):
        row = table.nth(i)
        name = (await row.locator("th").inner_text()).strip()
        found[name] = [c.strip() for c in await row.locator("td").all_inner_texts()]
    return found


async def click(page: Page, button: str) -> None:
    await page.get_by_role("button", name=button, exact=True).click()
    await page.wait_for_load_state()


async def test_the_trainer_records_attendance_and_completion_refused_until_the_elearning_is_passed(
    platform: Platform, visit: Visit, database_urls: dict[str, str]
) -> None:
    academy = Academy(platform)
    trainer_id, trainer_sub = await academy.register("Tess Trainer", level="TRAINER")
    course_id = await academy.course("Winter course", trainer_id, capacity=4, in_days=3)
    title = f"Winter course {academy.tag}"
    await academy.enrol_someone(course_id, "Ann Ash")
    await academy.enrol_someone(course_id, "Ben Birch")
    axe, page = Axe(), visit.page

    await sign_in(page, platform, sub=trainer_sub, role="Facilitator", region=academy.region)
    await page.goto(f"{platform.web_url}/facilitator/courses")
    # Before the first day: the trainer sees who is coming, nothing to record yet.
    await card_of(page, title).get_by_role("link", name=f"Enrolments and attendance for {title}").click()
    assert await RaterPage(page).heading() == title
    assert "from its first day" in await page.locator("main").inner_text()
    assert await page.get_by_role("button", name="Attended (Ann Ash)").count() == 0
    await axe.assert_clean(page)

    await the_course_begins_today(database_urls["facilitator"], course_id)
    await page.reload()
    assert {name: r[:3] for name, r in (await rows(page)).items()} == {
        "Ann Ash": ["RX1", "Has a place", "Not recorded"],
        "Ben Birch": ["RX1", "Has a place", "Not recorded"],
    }
    assert await page.get_by_role("button", name="Attended (Ann Ash)").count() == 1
    await axe.assert_clean(page)

    # Completing before anything is recorded: the academy's reasons, as the error summary, the list unchanged.
    await click(page, "Mark as completed (Ann Ash)")
    assert (await page.title()).startswith("Error: ")
    assert await RaterPage(page).error_summary() == [
        "Record the person's attendance first",
        "No e-learning assessment result is recorded for this person; facilitator training needs a pass",
    ]
    assert [r[:3] for r in (await rows(page)).values()] == [
        ["RX1", "Has a place", "Not recorded"],
        ["RX1", "Has a place", "Not recorded"],
    ]
    await axe.assert_clean(page)

    await click(page, "Attended (Ann Ash)")
    assert "Attendance is recorded for Ann Ash." in await page.locator("main").inner_text()
    await click(page, "Did not attend (Ben Birch)")
    assert {name: r[:3] for name, r in (await rows(page)).items()} == {
        "Ann Ash": ["RX1", "Has a place", "Attended"],
        "Ben Birch": ["RX1", "Has a place", "Did not attend"],
    }
    await axe.assert_clean(page)

    # Attended, but the e-learning is not passed yet.
    await click(page, "Mark as completed (Ann Ash)")
    assert await RaterPage(page).error_summary() == [
        "No e-learning assessment result is recorded for this person; facilitator training needs a pass"
    ]
    await click(page, "Mark as completed (Ben Birch)")
    assert "The person did not attend the course" in await RaterPage(page).error_summary()
    await axe.assert_clean(page)

    # The academy records Ann's pass; now the course is completed for her.
    passed = await platform.graphql(
        RECORD_ASSESSMENT,
        academy.admin,
        input={"name": "Ann Ash", "email": f"ann.ash.{academy.tag}@trust.example.org", "score": 90,
               "assessedOn": date.today().isoformat()},
    )  # fmt: skip
    assert passed["recordAssessment"]["__typename"] == "TrainingAssessment"
    await click(page, "Mark as completed (Ann Ash)")
    assert await RaterPage(page).error_summary() == []
    assert "Ann Ash has completed the course" in await page.locator("main").inner_text()
    assert (await rows(page))["Ann Ash"][:3] == ["RX1", "Completed", "Attended"]
    assert await page.get_by_role("button", name="Mark as completed (Ann Ash)").count() == 0
    await axe.assert_clean(page)

    # Another facilitator of the region cannot see who is on it.
    _, other_sub = await academy.register("Olly Other")
    await page.goto(f"{platform.web_url}/sign-out")
    await sign_in(page, platform, sub=other_sub, role="Facilitator", region=academy.region)
    await page.goto(f"{platform.web_url}/facilitator/courses/{course_id}/enrolments")
    assert await RaterPage(page).heading() == "You cannot see this page"


async def test_an_administrator_records_an_elearning_result_from_the_courses_page(
    platform: Platform, visit: Visit, database_urls: dict[str, str]
) -> None:
    academy = Academy(platform)
    trainer_id, trainer_sub = await academy.register("Tom Trainer", level="TRAINER")
    course_id = await academy.course("Spring course", trainer_id, capacity=4, in_days=3)
    await academy.enrol_someone(course_id, "Cat Cedar")
    axe, page = Axe(), visit.page
    await sign_in(page, platform, sub=academy.admin_sub, role="Academy admin", region=academy.region)
    await page.goto(f"{platform.web_url}/academy/courses/{course_id}")
    assert await RaterPage(page).heading() == f"Spring course {academy.tag}"
    await axe.assert_clean(page)

    # Nothing chosen, a score that is not one and a day in the future: each said at its field, nothing lost.
    tomorrow = date.fromordinal(date.today().toordinal() + 1)
    await page.get_by_label("Score", exact=True).fill("ninety")
    group = page.get_by_role("group", name="Day of the assessment")
    await group.get_by_label("Day").fill(str(tomorrow.day))
    await group.get_by_label("Month").fill(str(tomorrow.month))
    await group.get_by_label("Year").fill(str(tomorrow.year))
    await click(page, "Record result")
    assert (await page.title()).startswith("Error: ")
    assert await RaterPage(page).error_summary() == [
        "Select whose result it is",
        "Enter the score as a whole number from 0 to 100",
        "The day of the assessment must be today or in the past",
    ]
    assert await page.get_by_label("Score", exact=True).input_value() == "ninety"
    assert await group.get_by_label("Day").input_value() == str(tomorrow.day)
    await axe.assert_clean(page)

    # A score under the service's pass mark is recorded, and the page says it is not a pass.
    today = date.today()
    await page.get_by_label("Whose result", exact=True).select_option(
        label=f"Cat Cedar (cat.cedar.{academy.tag}@trust.example.org)"
    )
    await page.get_by_label("Score", exact=True).fill("65")
    await group.get_by_label("Day").fill(str(today.day))
    await click(page, "Record result")
    await page.wait_for_url(f"**/academy/courses/{course_id}?assessed=*")
    assert await RaterPage(page).error_summary() == []
    recorded = "Cat Cedar's e-learning assessment result is recorded: 65%, not passed (the pass mark is 80%)."
    assert recorded in await page.locator("main").inner_text()
    # The form is empty again, ready for the next person.
    assert await page.get_by_label("Score", exact=True).input_value() == ""
    await axe.assert_clean(page)

    # The answer was a page of its own (POST, then redirect, then GET): reloading it says the same and
    # records nothing again.
    await page.reload()
    await page.wait_for_load_state()
    assert recorded in await page.locator("main").inner_text()
    email = f"cat.cedar.{academy.tag}@trust.example.org"
    results = (await platform.graphql(RESULTS, academy.admin, email=email))["trainingAssessments"]["edges"]
    assert [r["node"]["score"] for r in results] == [65]
    # Whose result the line is about comes from the course: an id altered by hand says nothing.
    await page.goto(f"{platform.web_url}/academy/courses/{course_id}?assessed=not-an-enrolment")
    assert "assessment result is recorded" not in await page.locator("main").inner_text()

    # Its trainer, once the course has begun and Cat attended, is told what the academy recorded.
    await the_course_begins_today(database_urls["facilitator"], course_id)
    await page.goto(f"{platform.web_url}/sign-out")
    await sign_in(page, platform, sub=trainer_sub, role="Facilitator", region=academy.region)
    await page.goto(f"{platform.web_url}/facilitator/courses/{course_id}/enrolments")
    await click(page, "Attended (Cat Cedar)")
    await click(page, "Mark as completed (Cat Cedar)")
    assert await RaterPage(page).error_summary() == [
        "The e-learning assessment is not passed: the best score recorded is 65% (pass mark 80%)"
    ]
    await axe.assert_clean(page)


async def test_a_facilitator_asks_to_become_a_trainer_and_is_told_why_not_yet(platform: Platform, visit: Visit) -> None:
    academy = Academy(platform)
    _, facilitator_sub = await academy.register("Fay Facilitator")
    axe, page = Axe(), visit.page
    await sign_in(page, platform, sub=facilitator_sub, role="Facilitator", region=academy.region)
    await page.goto(f"{platform.web_url}/facilitator/courses")
    await page.get_by_role("link", name="Become a trainer").click()
    assert await RaterPage(page).heading() == "Become a trainer"
    await axe.assert_clean(page)

    statement = "I have led teams through two reorganisations and would like to train new facilitators."
    await page.get_by_label("Why you would like to train others (optional)").fill(statement)
    await click(page, "Express interest")
    # Too few sessions delivered: the academy's reason, with what they wrote still there.
    assert (await page.title()).startswith("Error: ")
    assert await RaterPage(page).error_summary() == [
        "0 feedback session(s) delivered; train-the-trainer asks for at least 10"
    ]
    assert await page.get_by_label("Why you would like to train others (optional)").input_value() == statement
    await axe.assert_clean(page)


async def test_a_facilitator_who_may_train_others_expresses_interest_once_and_a_reload_sends_nothing_more(
    platform: Platform, visit: Visit, database_urls: dict[str, str]
) -> None:
    academy = Academy(platform)
    facilitator_id, facilitator_sub = await academy.register("Fay Facilitator")
    axe, page = Axe(), visit.page
    await sign_in(page, platform, sub=facilitator_sub, role="Facilitator", region=academy.region)

    # An academy that asks for no delivered sessions before train-the-trainer.
    with platform.facilitator_settings(train_the_trainer_min_sessions=0):
        await page.goto(f"{platform.web_url}/facilitator/become-a-trainer")
        await page.get_by_label("Why you would like to train others (optional)").fill("I would like to train others.")
        await click(page, "Express interest")
        await page.wait_for_url("**/facilitator/become-a-trainer?sent=1")
        assert await RaterPage(page).heading() == "Your interest is sent"
        await axe.assert_clean(page)
        await page.reload()
        await page.wait_for_load_state()
        assert await RaterPage(page).heading() == "Your interest is sent"

    engine = create_engine(database_urls["facilitator"])
    try:
        async with AsyncSession(engine) as session:
            interests = await session.scalar(
                text("SELECT count(*) FROM trainer_interest WHERE facilitator_id = :id"), {"id": facilitator_id}
            )
    finally:
        await engine.dispose()
    assert interests == 1

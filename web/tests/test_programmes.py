"""The public register and facilitator training on the web, in Debian's chromium with axe on every page:
anyone signed in finds a facilitator and sees only what each chose to publish; a facilitator enrols on a
course, sees their place or their position on a full course's waiting list, and withdraws; an academy
administrator schedules a course and sees its places and waiting list."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from playwright.async_api import Page

from hlm_kit.testing.pytest_plugin import TEST_JWT_AUDIENCE, TEST_JWT_ISSUER, TEST_JWT_SECRET
from hlm_kit.tokens import mint_token
from hlm_web.participant.find import SEARCH_PAGE

from .axe import Axe
from .conftest import Platform, Visit
from .pages import RaterPage, SignInPage

REGISTER = """
mutation ($input: FacilitatorInput!) { registerFacilitator(input: $input) { ... on Facilitator { id } } }
"""
CREATE_COURSE = """
mutation ($input: CourseInput!) { createCourse(input: $input) { __typename ... on Course { id } } }
"""
ENROL = """
mutation ($courseId: ID!, $person: TraineeInput) {
  enrol(courseId: $courseId, person: $person) { __typename ... on Enrolment { status waitingPosition } }
}
"""
SET_LISTING = """
mutation ($input: RegisterListingInput!) { setMyRegisterListing(input: $input) { __typename } }
"""
EVERYTHING = [
    "NAME", "ORGANISATION", "REGION", "MODES", "LANGUAGES", "SPECIALISMS", "SESSION_KINDS", "ACCREDITATION_LEVEL",
]  # fmt: skip


def headers(sub: str, role: str, region: str) -> dict[str, str]:
    token = mint_token(
        TEST_JWT_SECRET, sub=sub, roles=(role,), org="RYJ", region=region, issuer=TEST_JWT_ISSUER,
        audience=TEST_JWT_AUDIENCE,
    )  # fmt: skip
    return {"Authorization": f"Bearer {token}"}


class Academy:
    """A region of this test alone, with its administrator."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.tag = uuid.uuid4().hex[:6]
        self.region = f"region-{self.tag}"
        self.admin_sub = f"web-admin-{self.tag}"
        self.admin = headers(self.admin_sub, "academy_admin", self.region)

    async def register(
        self,
        name: str,
        *,
        level: str = "FACILITATOR",
        languages: tuple[str, ...] = ("en",),
        specialisms: tuple[str, ...] = (),
    ) -> tuple[str, str]:
        """A facilitator of the region's register: their id and their account."""
        sub = f"web-{name.lower().replace(' ', '-')}-{self.tag}"
        today = datetime.now(UTC).date()
        added = await self.platform.graphql(
            REGISTER,
            self.admin,
            input={
                "name": f"{name} {self.tag}", "email": f"{sub}@academy.example.org", "subject": sub,
                "organisation": "RYJ", "capacityPerMonth": 4, "modes": ["VIDEO"],
                "languages": list(languages), "specialisms": list(specialisms),
                "accreditation": {"level": level, "trainedOn": (today - timedelta(days=30)).isoformat(),
                                  "expiresOn": (today + timedelta(days=3 * 365)).isoformat()},
            },
        )  # fmt: skip
        return added["registerFacilitator"]["id"], sub

    async def publish(self, sub: str, fields: list[str]) -> None:
        """The facilitator lists themself on the public register, showing ``fields`` (the gateway's
        ``setMyRegisterListing``, as their "Your entry on the register" page sends it)."""
        chosen = await self.platform.graphql(
            SET_LISTING, headers(sub, "facilitator", self.region), input={"isListed": True, "publishedFields": fields}
        )
        assert chosen["setMyRegisterListing"]["__typename"] == "RegisterListing", chosen

    async def course(self, title: str, trainer_id: str, *, capacity: int, in_days: int) -> str:
        created = await self.platform.graphql(
            CREATE_COURSE,
            self.admin,
            input={
                "kind": "FACILITATOR_TRAINING", "title": f"{title} {self.tag}",
                "startsOn": (date.today() + timedelta(days=in_days)).isoformat(), "mode": "VIDEO",
                "capacity": capacity, "trainerId": trainer_id,
            },
        )  # fmt: skip
        assert created["createCourse"]["__typename"] == "Course", created
        course_id: str = created["createCourse"]["id"]
        return course_id

    async def enrol_someone(self, course_id: str, name: str) -> dict[str, Any]:
        person = {"name": name, "email": f"{name.lower().replace(' ', '.')}.{self.tag}@trust.example.org",
                  "organisation": "RX1"}  # fmt: skip
        enrolled: dict[str, Any] = (await self.platform.graphql(ENROL, self.admin, courseId=course_id, person=person))[
            "enrol"
        ]
        return enrolled


async def sign_in(
    page: Page, platform: Platform, *, sub: str, role: str, region: str = "london", org: str = "RYJ"
) -> RaterPage:
    development = await (await SignInPage.open(page, platform.web_url)).as_development_user()
    return await development.sign_in(sub=sub, role=role, org=org, region=region)


async def cards(page: Page) -> dict[str, dict[str, str]]:
    """The register's entries as shown: by heading, each row's key and value."""
    found = {}
    for card in await page.locator("main .nhsuk-card").all():
        heading = (await card.locator("h2").inner_text()).strip()
        keys = [k.strip() for k in await card.locator("dt").all_inner_texts()]
        values = [v.strip() for v in await card.locator("dd").all_inner_texts()]
        found[heading] = dict(zip(keys, values, strict=True))
    return found


async def search(page: Page, **filters: str) -> None:
    """Fill the register's filters by label and search."""
    labels = {"region": "Region", "mode": "How the session takes place", "language": "Language",
              "specialism": "Specialism", "session_kind": "Kind of session"}  # fmt: skip
    for name, value in filters.items():
        field = page.get_by_label(labels[name], exact=True)
        if name == "region":
            await field.fill(value)
        else:
            await field.select_option(label=value)
    await page.get_by_role("button", name="Search").click()
    await page.wait_for_load_state()


# ----------------------------------------------------------------------------------------------------
# Find a facilitator
# ----------------------------------------------------------------------------------------------------


async def test_anyone_signed_in_finds_facilitators_and_sees_only_what_each_published(
    platform: Platform, visit: Visit
) -> None:
    academy = Academy(platform)
    _, olive = await academy.register("Olive Open", languages=("en", "cy"), specialisms=("primary_care",))
    _, dora = await academy.register("Dora Discreet", languages=("cy",), specialisms=("primary_care",))
    await academy.register("Nell Notlisted")
    await academy.publish(olive, EVERYTHING)
    await academy.publish(dora, ["REGION", "MODES"])
    axe, page = Axe(), visit.page

    await sign_in(page, platform, sub=f"web-participant-{academy.tag}", role="Participant")
    await page.get_by_role("link", name="Find a facilitator").click()
    assert await RaterPage(page).heading() == "Find a facilitator"
    await axe.assert_clean(page)

    await search(page, region=academy.region)
    shown = await cards(page)
    assert shown == {
        f"Olive Open {academy.tag}": {
            "Organisation": "RYJ", "Region": academy.region, "How they hold sessions": "Video call",
            "Languages": "English, Welsh", "Specialisms": "Primary care",
            "Kinds of session": "360 feedback sessions", "Accreditation": "Facilitator",
        },
        # What Dora keeps to herself is not on the page.
        "Name not published": {
            "Organisation": "Not published", "Region": academy.region, "How they hold sessions": "Video call",
            "Languages": "Not published", "Specialisms": "Not published", "Kinds of session": "Not published",
            "Accreditation": "Not published",
        },
    }  # fmt: skip
    main = await page.locator("main").inner_text()
    assert "Dora Discreet" not in main
    assert "Nell Notlisted" not in main
    await axe.assert_clean(page)

    # A filter finds only those who publish that field: Dora speaks Welsh but does not say so.
    await search(page, language="Welsh")
    assert list(await cards(page)) == [f"Olive Open {academy.tag}"]
    assert await page.get_by_label("Region", exact=True).input_value() == academy.region
    # Both offer feedback sessions; only Olive says so.
    await search(page, language="Any language", session_kind="360 feedback sessions")
    assert list(await cards(page)) == [f"Olive Open {academy.tag}"]
    await search(page, session_kind="Any kind", mode="In person")
    assert await cards(page) == {}
    assert "No facilitator matches your search" in await page.locator("main").inner_text()
    await axe.assert_clean(page)

    # A region too long to be one: the error summary, and the other filters as they were.
    await search(page, region="x" * 201, language="Welsh")
    assert (await page.title()).startswith("Error: ")
    assert await RaterPage(page).error_summary() == ["Enter a region of 200 characters or fewer"]
    assert await page.get_by_label("Language", exact=True).input_value() == "cy"
    assert await page.get_by_label("How the session takes place", exact=True).input_value() == "IN_PERSON"
    await axe.assert_clean(page)

    # A specialism or a page link altered by hand.
    await page.goto(f"{platform.web_url}/register?specialism=astrology")
    assert await RaterPage(page).error_summary() == ["Select a specialism from the list"]
    await page.goto(f"{platform.web_url}/register?after=not-a-cursor")
    assert await RaterPage(page).heading() == "Page not found"


async def test_the_register_is_read_a_page_at_a_time(platform: Platform, visit: Visit) -> None:
    academy = Academy(platform)
    for n in range(SEARCH_PAGE + 1):
        _, sub = await academy.register(f"Pat Paged {n:02d}")
        await academy.publish(sub, ["NAME", "REGION"])
    axe, page = Axe(), visit.page
    await sign_in(page, platform, sub=f"web-participant-{academy.tag}", role="Participant")
    await page.goto(f"{platform.web_url}/register?region={academy.region}")

    first = set(await cards(page))
    assert len(first) == SEARCH_PAGE
    assert f"Showing 1 to {SEARCH_PAGE} of those that match" in await page.locator("main").inner_text()
    await axe.assert_clean(page)
    await page.locator("nav.nhsuk-pagination").get_by_role("link", name="Next").click()
    second = set(await cards(page))
    assert len(second) == 1
    assert not second & first
    assert f"Showing {SEARCH_PAGE + 1} to {SEARCH_PAGE + 1}, the last" in await page.locator("main").inner_text()
    assert first | second == {f"Pat Paged {n:02d} {academy.tag}" for n in range(SEARCH_PAGE + 1)}
    await axe.assert_clean(page)
    await page.locator("nav.nhsuk-pagination").get_by_role("link", name="Previous").click()
    assert set(await cards(page)) == first


# ----------------------------------------------------------------------------------------------------
# A facilitator's training courses
# ----------------------------------------------------------------------------------------------------


def card_of(page: Page, title: str) -> Any:
    return page.locator("main .nhsuk-card").filter(has=page.get_by_role("heading", name=title, exact=True))


async def test_a_facilitator_enrols_joins_a_full_courses_waiting_list_and_withdraws(
    platform: Platform, visit: Visit
) -> None:
    academy = Academy(platform)
    trainer_id, trainer_sub = await academy.register("Tess Trainer", level="TRAINER")
    _, facilitator_sub = await academy.register("Fran Facilitator")
    full = await academy.course("Spring course", trainer_id, capacity=1, in_days=20)
    await academy.course("Summer course", trainer_id, capacity=4, in_days=40)
    assert (await academy.enrol_someone(full, "Pat Placed"))["status"] == "ENROLLED"
    spring, summer = f"Spring course {academy.tag}", f"Summer course {academy.tag}"
    axe, page = Axe(), visit.page

    await sign_in(page, platform, sub=facilitator_sub, role="Facilitator", region=academy.region)
    await page.get_by_role("link", name="Training courses").first.click()
    assert await RaterPage(page).heading() == "Training courses"
    assert "Full, 0 on the waiting list" in await card_of(page, spring).inner_text()
    assert "4 of 4 left" in await card_of(page, summer).inner_text()
    await axe.assert_clean(page)

    # The spring course is full: joining puts them on its waiting list, and the page says where.
    await page.get_by_role("button", name=f"Join the waiting list on {spring}").click()
    await page.wait_for_load_state()
    assert f"{spring} is full. You are number 1 on the waiting list" in await page.locator("main").inner_text()
    assert "Number 1 on the waiting list" in await card_of(page, spring).inner_text()
    await axe.assert_clean(page)

    await page.get_by_role("button", name=f"Enrol on {summer}").click()
    await page.wait_for_load_state()
    assert f"You have a place on {summer}." in await page.locator("main").inner_text()
    assert "You have a place" in await card_of(page, summer).inner_text()
    assert "3 of 4 left" in await card_of(page, summer).inner_text()
    # Their standing is read afresh each time: the page shows it after a reload as well.
    await page.reload()
    assert "Number 1 on the waiting list" in await card_of(page, spring).inner_text()
    await axe.assert_clean(page)

    await page.get_by_role("button", name=f"Withdraw from {summer}").click()
    await page.wait_for_load_state()
    assert f"You are no longer enrolled on {summer}." in await page.locator("main").inner_text()
    assert "4 of 4 left" in await card_of(page, summer).inner_text()
    await page.get_by_role("button", name=f"Leave the waiting list for {spring}").click()
    await page.wait_for_load_state()
    assert "Full, 0 on the waiting list" in await card_of(page, spring).inner_text()
    await axe.assert_clean(page)

    # The course's own trainer cannot enrol on it: the reason, as the error summary.
    await page.goto(f"{platform.web_url}/sign-out")
    await sign_in(page, platform, sub=trainer_sub, role="Facilitator", region=academy.region)
    await page.goto(f"{platform.web_url}/facilitator/courses")
    await page.get_by_role("button", name=f"Enrol on {summer}").click()
    await page.wait_for_load_state()
    assert (await page.title()).startswith("Error: ")
    assert len(await RaterPage(page).error_summary()) >= 1
    await axe.assert_clean(page)


# ----------------------------------------------------------------------------------------------------
# An academy administrator's courses
# ----------------------------------------------------------------------------------------------------


async def test_an_administrator_schedules_a_course_and_sees_its_places_and_waiting_list(
    platform: Platform, visit: Visit
) -> None:
    academy = Academy(platform)
    await academy.register(f"Tom Trainer {academy.tag}", level="TRAINER")
    axe, page = Axe(), visit.page
    await sign_in(page, platform, sub=academy.admin_sub, role="Academy admin", region=academy.region)
    await page.get_by_role("link", name="Courses", exact=True).click()
    assert await RaterPage(page).heading() == "Training courses"
    assert "No course is scheduled in your region yet." in await page.locator("main").inner_text()
    await axe.assert_clean(page)

    await page.get_by_role("button", name="Schedule a course").click()
    title = f"Autumn facilitator training {academy.tag}"
    await page.get_by_label("Train the trainer", exact=True).check()
    await page.get_by_label("Title", exact=True).fill(title)
    await page.get_by_label("Where (needed for a course in person)").fill("Academy House, Cambridge")
    await page.get_by_label("Places", exact=True).fill("")
    await page.get_by_role("button", name="Schedule course").click()
    await page.wait_for_load_state()
    # Nothing scheduled; each missing answer said, and everything entered still there.
    assert (await page.title()).startswith("Error: ")
    assert await RaterPage(page).error_summary() == [
        "Enter the course's first day, like 20 3 2027",
        "Select how the course takes place",
        "Enter how many places it has, from 1 to 500",
        "Select the trainer who runs it",
    ]
    assert await page.get_by_label("Title", exact=True).input_value() == title
    assert await page.get_by_label("Train the trainer", exact=True).is_checked()
    assert await page.get_by_label("Where (needed for a course in person)").input_value() == "Academy House, Cambridge"
    await axe.assert_clean(page)

    starts = date.today() + timedelta(days=30)
    group = page.get_by_role("group", name="First day")
    await group.get_by_label("Day").fill(str(starts.day))
    await group.get_by_label("Month").fill(str(starts.month))
    await group.get_by_label("Year").fill(str(starts.year))
    await page.get_by_label("In person", exact=True).check()
    await page.get_by_label("Places", exact=True).fill("2")
    # Train the trainer is only for facilitators who may take it; this one is for new facilitators.
    await page.get_by_label("Facilitator training", exact=True).check()
    await page.get_by_label("Trainer", exact=True).select_option(label=f"Tom Trainer {academy.tag} {academy.tag}")
    await page.get_by_role("button", name="Schedule course").click()
    await page.wait_for_load_state()
    assert await RaterPage(page).heading() == title
    assert "The course is scheduled." in await page.locator("main").inner_text()
    assert "Nobody has enrolled yet." in await page.locator("main").inner_text()
    await axe.assert_clean(page)

    course_id = page.url.split("/academy/courses/")[1].split("?")[0]
    for name in ("Ann Ash", "Ben Birch", "Cat Cedar"):
        assert (await academy.enrol_someone(course_id, name))["__typename"] == "Enrolment"
    await page.goto(f"{platform.web_url}/academy/courses/{course_id}")
    rows = page.locator("main table tbody tr")
    assert [
        [c.strip() for c in await rows.nth(i).locator("th, td").all_inner_texts()] for i in range(await rows.count())
    ] == [
        ["Ann Ash", "RX1", f"ann.ash.{academy.tag}@trust.example.org", "Has a place"],
        ["Ben Birch", "RX1", f"ben.birch.{academy.tag}@trust.example.org", "Has a place"],
        ["Cat Cedar", "RX1", f"cat.cedar.{academy.tag}@trust.example.org", "Waiting list, number 1"],
    ]
    await axe.assert_clean(page)

    await page.get_by_role("link", name="Back to training courses").click()
    row = page.locator("main table tbody tr").filter(has_text=title)
    assert [c.strip() for c in await row.locator("td").all_inner_texts()][2:] == ["2 of 2", "1"]
    await axe.assert_clean(page)

    # A course of another region is no page.
    await page.goto(f"{platform.web_url}/academy/courses/{uuid.uuid4()}")
    assert await RaterPage(page).heading() == "Page not found"

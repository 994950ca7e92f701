"""Page objects: a test reads as the rater's steps, and each step knows the page it lands on."""

from __future__ import annotations

from playwright.async_api import Page


class RaterPage:
    def __init__(self, page: Page) -> None:
        self.page = page

    async def heading(self) -> str:
        return (await self.page.locator("h1").first.inner_text()).strip()

    async def title(self) -> str:
        return await self.page.title()

    async def error_summary(self) -> list[str]:
        summary = self.page.locator(".nhsuk-error-summary")
        if not await summary.count():
            return []
        return [text.strip() for text in await summary.locator("li").all_inner_texts()]


class RaterStartPage(RaterPage):
    @classmethod
    async def open(cls, page: Page, link: str) -> RaterStartPage:
        await page.goto(link)
        return cls(page)

    async def start_now(self) -> QuestionsPage:
        await self.page.get_by_role("button", name="Start now").click()
        await self.page.wait_for_load_state()
        return QuestionsPage(self.page)

    async def decline(self) -> DeclinePage:
        # The next page is checked as soon as this returns: wait until the browser has it, not only the click.
        async with self.page.expect_navigation():
            await self.page.get_by_role("link", name="I do not want to give feedback").click()
        return DeclinePage(self.page)


class QuestionsPage(RaterPage):
    """One dimension's page: a fieldset of radios per statement, the importance question, a comment."""

    def fieldsets(self):  # type: ignore[no-untyped-def]
        return self.page.locator("form fieldset")

    async def statements(self) -> list[str]:
        legends = await self.page.locator("form fieldset legend").all_inner_texts()
        return [legend.strip() for legend in legends[:-1]]  # the last one asks about importance

    async def answer_all(self, *, level: str, importance: str = "Important", comment: str = "") -> None:
        fieldsets = self.fieldsets()
        count = await fieldsets.count()
        for index in range(count - 1):
            await fieldsets.nth(index).get_by_label(level, exact=True).check()
        await fieldsets.nth(count - 1).get_by_label(importance, exact=True).check()
        if comment:
            await self.page.get_by_label("Comments on").fill(comment)

    async def answer_statement(self, number: int, level: str) -> None:
        await self.fieldsets().nth(number - 1).get_by_label(level, exact=True).check()

    async def chosen(self, number: int) -> str | None:
        checked = self.fieldsets().nth(number - 1).locator("input:checked")
        if not await checked.count():
            return None
        return (await checked.locator("xpath=following-sibling::label").inner_text()).strip()

    async def continue_(self) -> QuestionsPage:
        await self.page.get_by_role("button", name="Save and continue").click()
        await self.page.wait_for_load_state()
        return QuestionsPage(self.page)

    async def save_and_come_back_later(self) -> TaskListPage:
        await self.page.get_by_role("button", name="Save and come back later").click()
        await self.page.wait_for_load_state()
        return TaskListPage(self.page)

    async def check_answers(self) -> CheckAnswersPage:
        assert await self.heading() == "Check your answers before sending your feedback"
        return CheckAnswersPage(self.page)


class TaskListPage(RaterPage):
    async def statuses(self) -> dict[str, str]:
        items = self.page.locator(".nhsuk-task-list__item")
        found = {}
        for index in range(await items.count()):
            item = items.nth(index)
            name = (await item.locator(".nhsuk-task-list__name-and-hint").inner_text()).strip()
            found[name] = (await item.locator(".nhsuk-task-list__status").inner_text()).strip()
        return found

    async def open_section(self, name: str) -> QuestionsPage:
        async with self.page.expect_navigation():
            await self.page.get_by_role("link", name=name).click()
        return QuestionsPage(self.page)


class CheckAnswersPage(RaterPage):
    async def answer_to(self, statement: str) -> str:
        row = self.page.locator(".nhsuk-summary-list__row", has_text=statement).first
        return (await row.locator(".nhsuk-summary-list__value").inner_text()).strip()

    async def change(self, section: str, statement_number: int) -> QuestionsPage:
        async with self.page.expect_navigation():
            await self.page.get_by_role("link", name=f"Change {section}, statement {statement_number}").click()
        return QuestionsPage(self.page)

    async def confirm_and_send(self) -> DonePage:
        await self.page.get_by_role("button", name="Send feedback").click()
        await self.page.wait_for_load_state()
        return DonePage(self.page)


class DonePage(RaterPage):
    async def panel_title(self) -> str:
        return (await self.page.locator(".nhsuk-panel__heading").inner_text()).strip()


class DeclinePage(RaterPage):
    async def confirm(self) -> RaterPage:
        async with self.page.expect_navigation():
            await self.page.get_by_role("button", name="Yes, decline").click()
        return RaterPage(self.page)


# ----------------------------------------------------------------------------------------------------
# Signing in
# ----------------------------------------------------------------------------------------------------


class SignInPage(RaterPage):
    @classmethod
    async def open(cls, page: Page, base_url: str) -> SignInPage:
        await page.goto(f"{base_url}/sign-in")
        return cls(page)

    async def with_nhs_account(self) -> ProviderPage:
        await self.page.get_by_role("button", name="Sign in with your NHS account").click()
        await self.page.wait_for_load_state()
        return ProviderPage(self.page)

    async def as_development_user(self) -> DevelopmentSignInPage:
        await self.page.get_by_role("link", name="sign in as a development user").click()
        await self.page.wait_for_load_state()
        return DevelopmentSignInPage(self.page)


class ProviderPage:
    """The local OpenID provider's own page (not ours): who to authorise as."""

    def __init__(self, page: Page) -> None:
        self.page = page

    async def authorize_as(self, sub: str) -> RaterPage:
        await self.page.locator("input[name=sub]").fill(sub)
        await self.page.get_by_role("button", name="Authorize").click()
        await self.page.wait_for_load_state()
        return RaterPage(self.page)


class DevelopmentSignInPage(RaterPage):
    async def sign_in(
        self, *, sub: str, role: str = "Participant", org: str = "RX1", region: str = "london"
    ) -> RaterPage:
        await self.page.get_by_label(role, exact=True).check()
        await self.page.get_by_label("Subject (sub)").fill(sub)
        await self.page.get_by_label("Organisation code (optional)").fill(org)
        await self.page.get_by_label("Region (optional)").fill(region)
        await self.page.get_by_role("button", name="Sign in").click()
        await self.page.wait_for_load_state()
        return RaterPage(self.page)


# ----------------------------------------------------------------------------------------------------
# A signed-in participant
# ----------------------------------------------------------------------------------------------------


class AssessmentsPage(RaterPage):
    @classmethod
    async def open(cls, page: Page, base_url: str) -> AssessmentsPage:
        await page.goto(f"{base_url}/assessments")
        return cls(page)

    async def start_self_assessment(self) -> TaskListPage:
        await self.page.get_by_role("button", name="Start a self-assessment").click()
        await self.page.wait_for_load_state()
        return TaskListPage(self.page)

    async def ask_for_360(self) -> RaterPage:
        await self.page.get_by_role("button", name="Ask for 360 feedback").click()
        await self.page.wait_for_load_state()
        return RaterPage(self.page)

    async def rows(self) -> list[list[str]]:
        rows = self.page.locator("table tbody tr")
        return [
            [cell.strip() for cell in await rows.nth(i).locator("td, th").all_inner_texts()]
            for i in range(await rows.count())
        ]


class SelfCheckPage(RaterPage):
    async def submit(self) -> ReportPage:
        await self.page.get_by_role("button", name="Submit self-assessment").click()
        await self.page.wait_for_load_state()
        return ReportPage(self.page)


class ReportPage(RaterPage):
    async def table_for(self, dimension: str) -> dict[str, list[str]]:
        """A dimension's table, by who: [score, level, responses]."""
        table = self.page.locator("table", has=self.page.locator("caption", has_text=dimension))
        rows = table.locator("tbody tr")
        found = {}
        for index in range(await rows.count()):
            row = rows.nth(index)
            who = (await row.locator("th").inner_text()).strip()
            found[who] = [cell.strip() for cell in await row.locator("td").all_inner_texts()]
        return found


class New360Page(RaterPage):
    async def start(self, *, name: str, see_report: str) -> Feedback360Page:
        await self.page.get_by_label("Your name").fill(name)
        await self.page.get_by_label(see_report).check()
        await self.page.get_by_role("button", name="Continue").click()
        await self.page.wait_for_load_state()
        return Feedback360Page(self.page)


class Feedback360Page(RaterPage):
    async def add_rater(self, name: str, email: str, group: str) -> RaterPage:
        await self.page.get_by_role("button", name="Add a rater").click()
        await self.page.wait_for_load_state()
        await self.page.get_by_label("Full name").fill(name)
        await self.page.get_by_label("Email address").fill(email)
        await self.page.get_by_label(group, exact=True).check()
        await self.page.get_by_role("button", name="Add rater").click()
        await self.page.wait_for_load_state()
        return RaterPage(self.page)

    async def raters(self) -> dict[str, str]:
        rows = self.page.locator(".nhsuk-summary-list__row")
        found = {}
        for index in range(await rows.count()):
            row = rows.nth(index)
            key = (await row.locator(".nhsuk-summary-list__key").inner_text()).strip()
            found[key] = (await row.locator(".nhsuk-summary-list__value").inner_text()).strip()
        return found

    async def fill_date(self, day: int, month: int, year: int) -> None:
        await self.page.get_by_label("Day").fill(str(day))
        await self.page.get_by_label("Month").fill(str(month))
        await self.page.get_by_label("Year").fill(str(year))

    async def send(self, day: int, month: int, year: int) -> None:
        await self.fill_date(day, month, year)
        await self.page.get_by_role("button", name="Send to your raters").click()
        await self.page.wait_for_load_state()

    async def progress(self) -> dict[str, list[str]]:
        rows = self.page.locator("table tbody tr")
        found = {}
        for index in range(await rows.count()):
            row = rows.nth(index)
            found[(await row.locator("th").inner_text()).strip()] = [
                cell.strip() for cell in await row.locator("td").all_inner_texts()
            ]
        return found

    async def remind(self) -> str:
        await self.page.get_by_role("button", name="Remind those who have not answered").click()
        await self.page.wait_for_load_state()
        return (await self.page.locator(".nhsuk-notification-banner").inner_text()).strip()

    async def change_closing_date(self, day: int, month: int, year: int) -> None:
        await self.page.get_by_role("link", name="Change the closing date").click()
        await self.page.wait_for_load_state()
        await self.fill_date(day, month, year)
        await self.page.get_by_role("button", name="Change closing date").click()
        await self.page.wait_for_load_state()

    async def closing_date(self) -> str:
        row = self.page.locator(".nhsuk-summary-list__row", has_text="Closes")
        return (await row.locator(".nhsuk-summary-list__value").inner_text()).strip()


class JournalPage(RaterPage):
    @classmethod
    async def open(cls, page: Page, base_url: str) -> JournalPage:
        await page.goto(f"{base_url}/journal")
        return cls(page)

    async def record_observation(
        self, *, context: str, what: str, dimensions: list[str], reflection: str = ""
    ) -> RaterPage:
        await self.page.get_by_role("button", name="Record an observation").click()
        await self.page.wait_for_load_state()
        await self.page.get_by_label("Where was it, and what was going on?").fill(context)
        await self.page.get_by_label("What happened?").fill(what)
        for name in dimensions:
            await self.page.get_by_label(name, exact=True).check()
        if reflection:
            await self.page.get_by_label("Your reflection (optional)").fill(reflection)
        await self.page.get_by_role("button", name="Save observation").click()
        await self.page.wait_for_load_state()
        return RaterPage(self.page)

    async def set_goal(self, title: str, dimensions: list[str]) -> RaterPage:
        await self.page.get_by_role("button", name="Set a goal").click()
        await self.page.wait_for_load_state()
        await self.page.get_by_label("Your goal").fill(title)
        for name in dimensions:
            await self.page.get_by_label(name, exact=True).check()
        await self.page.get_by_role("button", name="Set goal").click()
        await self.page.wait_for_load_state()
        return RaterPage(self.page)

    async def cards(self) -> list[str]:
        return [text.strip() for text in await self.page.locator(".nhsuk-card").all_inner_texts()]

    async def fits_the_screen(self) -> bool:
        return bool(await self.page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"))


class FacilitatorMatchesPage(RaterPage):
    async def facilitators(self) -> list[str]:
        """The facilitators offered, in their order, as 'rank. name'."""
        return [t.strip() for t in await self.page.locator("main h2.nhsuk-card__heading").all_inner_texts()]

    async def reasons_for(self, name: str) -> list[str]:
        card = self.page.locator(".nhsuk-card", has=self.page.locator("h2", has_text=name))
        return [t.strip() for t in await card.locator("ul li").all_inner_texts()]

    async def hold_first_session_with(self, name: str) -> FeedbackSessionPage:
        group = self.page.get_by_role("group", name=f"Sessions with {name}")
        await group.get_by_role("radio").first.check()
        await self.page.get_by_role("button", name=f"Hold a session with {name}").click()
        await self.page.wait_for_load_state()
        return FeedbackSessionPage(self.page)


class FeedbackSessionPage(RaterPage):
    async def details(self) -> dict[str, str]:
        rows = self.page.locator(".nhsuk-summary-list__row")
        found = {}
        for index in range(await rows.count()):
            row = rows.nth(index)
            key = (await row.locator(".nhsuk-summary-list__key").inner_text()).strip()
            found[key] = (await row.locator(".nhsuk-summary-list__value").inner_text()).strip()
        return found

    async def confirm(self) -> FeedbackSessionPage:
        await self.page.get_by_role("button", name="Confirm this session").click()
        await self.page.wait_for_load_state()
        return self


class RegisterPage(RaterPage):
    @classmethod
    async def open(cls, page: Page, base_url: str) -> RegisterPage:
        await page.goto(f"{base_url}/academy/facilitators")
        return cls(page)

    async def follow(self, direction: str) -> RegisterPage:
        """Follow the pagination's Next or Previous link."""
        await self.page.locator("nav.nhsuk-pagination").get_by_role("link", name=direction).click()
        await self.page.wait_for_load_state()
        return self

    async def rows(self) -> dict[str, list[str]]:
        """The register as shown, by name: [organisation, accreditation, sessions a month, status]."""
        rows = self.page.locator("main table tbody tr")
        found = {}
        for index in range(await rows.count()):
            row = rows.nth(index)
            cells = [c.strip() for c in await row.locator("td").all_inner_texts()]
            found[(await row.locator("th").inner_text()).strip()] = cells[:4]
        return found

    async def filter(self, *, name: str = "", status: str = "Any status") -> RegisterPage:
        await self.page.get_by_label("Name or organisation").fill(name)
        await self.page.get_by_label("Status").select_option(label=status)
        await self.page.get_by_role("button", name="Filter").click()
        await self.page.wait_for_load_state()
        return self

    async def deactivate(self, name: str) -> RegisterPage:
        await self.page.get_by_role("button", name=f"Deactivate {name}").click()
        await self.page.wait_for_load_state()
        return self


class NewFacilitatorPage(RaterPage):
    async def add(self, **fields: str) -> RaterPage:
        for label, value in fields.items():
            await self.page.get_by_label(label, exact=True).fill(value)
        await self.page.get_by_role("button", name="Add facilitator").click()
        await self.page.wait_for_load_state()
        return RaterPage(self.page)

    async def fill_date(self, legend: str, day: int, month: int, year: int) -> None:
        group = self.page.get_by_role("group", name=legend)
        await group.get_by_label("Day").fill(str(day))
        await group.get_by_label("Month").fill(str(month))
        await group.get_by_label("Year").fill(str(year))

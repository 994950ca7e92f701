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
        await self.page.get_by_role("link", name=name).click()
        return QuestionsPage(self.page)


class CheckAnswersPage(RaterPage):
    async def answer_to(self, statement: str) -> str:
        row = self.page.locator(".nhsuk-summary-list__row", has_text=statement).first
        return (await row.locator(".nhsuk-summary-list__value").inner_text()).strip()

    async def change(self, section: str, statement_number: int) -> QuestionsPage:
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
        await self.page.get_by_role("button", name="Yes, decline").click()
        return RaterPage(self.page)

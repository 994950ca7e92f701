"""A rater in a browser: Debian's chromium, driven by playwright, opens the link in their mail on the web front
and answers page by page, as a person would. The same browser and flags as the web front's own tests
(web/tests/conftest.py); nothing is downloaded."""

from __future__ import annotations

from collections.abc import Callable

from playwright.async_api import Browser, Page

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CHECK_ANSWERS = "Check your answers before sending your feedback"
# The questionnaire's scales, as their labels read on the page (the catalogue's hlm-360).
LEVELS = {1: "Essential", 2: "Proficient", 3: "Strong", 4: "Exemplary"}
IMPORTANCE = {1: "Not very important", 2: "Fairly important", 3: "Important", 4: "Essential to the role"}
# A page of nine: the journey never takes more than this many pages, or the pages lead nowhere.
MAX_PAGES = 20


async def heading(page: Page) -> str:
    return (await page.locator("h1").first.inner_text()).strip()


async def answer_page(page: Page, *, level: str, importance: str, comment: str | None) -> None:
    """Every statement of the dimension on the page at ``level``, its importance, and ``comment`` if any."""
    fieldsets = page.locator("form fieldset")
    count = await fieldsets.count()
    assert count >= 2, f"no questions on {page.url}: {await heading(page)!r}"
    for index in range(count - 1):
        await fieldsets.nth(index).get_by_label(level, exact=True).check()
    # The last fieldset asks how important the dimension is.
    await fieldsets.nth(count - 1).get_by_label(importance, exact=True).check()
    if comment:
        await page.get_by_label("Comments on").fill(comment)


async def answer_through_the_web(
    browser: Browser, link: str, level: Callable[[str], int], *, importance: int = 3, comment: str | None = None
) -> list[str]:
    """Open ``link``, start, answer every dimension at ``level(section heading)`` (``comment`` on the first),
    check the answers and send them. The sections' headings, in the order the rater met them."""
    context = await browser.new_context(viewport={"width": 1024, "height": 900})
    try:
        page = await context.new_page()
        await page.goto(link)
        await page.get_by_role("button", name="Start now").click()
        await page.wait_for_load_state()
        sections: list[str] = []
        while (title := await heading(page)) != CHECK_ANSWERS:
            assert len(sections) < MAX_PAGES, f"still answering after {sections}"
            await answer_page(
                page,
                level=LEVELS[level(title)],
                importance=IMPORTANCE[importance],
                comment=comment if not sections else None,
            )
            sections.append(title)
            await page.get_by_role("button", name="Save and continue").click()
            await page.wait_for_load_state()
            assert not await page.locator(".nhsuk-error-summary").count(), f"{title}: {await page.content()}"
        await page.get_by_role("button", name="Send feedback").click()
        await page.wait_for_load_state()
        panel = (await page.locator(".nhsuk-panel__heading").inner_text()).strip()
        assert panel == "Feedback sent", panel
        return sections
    finally:
        await context.close()


async def decline_through_the_web(browser: Browser, link: str) -> str:
    """Open ``link`` and decline; the heading of the page that confirms it."""
    context = await browser.new_context(viewport={"width": 1024, "height": 900})
    try:
        page = await context.new_page()
        await page.goto(link)
        await page.get_by_role("link", name="I do not want to give feedback").click()
        await page.wait_for_load_state()
        await page.get_by_role("button", name="Yes, decline").click()
        await page.wait_for_load_state()
        return await heading(page)
    finally:
        await context.close()

"""A facilitator's entry on the public register, in Debian's chromium with axe on every page: they choose
whether to be listed, what their entry shows and which kinds of session they offer, and Find a facilitator
then finds them by the kind of session they show; offering none is the register's refusal, shown as the
NHS.UK error summary with every choice kept."""

from __future__ import annotations

from playwright.async_api import Page

from .axe import Axe
from .conftest import Platform, Visit
from .pages import RaterPage
from .test_programmes import Academy, cards, search, sign_in

PAGE = "Your entry on the register"


async def choose(page: Page, label: str, *, ticked: bool) -> None:
    await page.get_by_label(label, exact=True).set_checked(ticked)


async def ticked(page: Page, legend: str) -> list[str]:
    """The ticked boxes of one question, by their label."""
    group = page.locator("fieldset").filter(has=page.locator("legend", has_text=legend))
    labels = []
    for box in await group.locator("input[type=checkbox]").all():
        if await box.is_checked():
            labels.append((await page.locator(f"label[for='{await box.get_attribute('id')}']").inner_text()).strip())
    return labels


async def save(page: Page) -> None:
    await page.get_by_role("button", name="Save your choices").click()
    await page.wait_for_load_state()


async def test_a_facilitator_lists_themself_and_is_found_by_the_kind_of_session_they_show(
    platform: Platform, visit: Visit
) -> None:
    academy = Academy(platform)
    _, mina = await academy.register("Mina Mentor")
    axe, page = Axe(), visit.page

    await sign_in(page, platform, sub=mina, role="Facilitator", region=academy.region)
    await page.get_by_role("navigation", name="Account").get_by_role("link", name=PAGE).click()
    assert await RaterPage(page).heading() == PAGE
    # A new entry: not listed, showing the register's usual fields, offering feedback sessions.
    assert await page.get_by_label("List me on the register", exact=True).is_checked() is False
    assert "You are not listed" in await page.locator("main").inner_text()
    assert await ticked(page, "The kinds of session you offer") == ["360 feedback sessions"]
    await axe.assert_clean(page)

    # Listed, showing her name, region and what she offers, and offering mentoring instead of feedback.
    await choose(page, "List me on the register", ticked=True)
    await choose(page, "Your name", ticked=True)
    await choose(page, "Mentoring", ticked=True)
    await choose(page, "360 feedback sessions", ticked=False)
    await save(page)
    main = await page.locator("main").inner_text()
    assert "Your choices are saved." in main
    assert "can find you now" in main
    assert await ticked(page, "What your entry shows") == [
        "Your name", "Your region", "How you hold sessions", "The kinds of session you offer",
    ]  # fmt: skip
    assert await ticked(page, "The kinds of session you offer") == ["Mentoring"]
    await axe.assert_clean(page)

    # Offering nothing at all: the register refuses, and every choice stays as she sent it.
    await choose(page, "Mentoring", ticked=False)
    await choose(page, "Your organisation", ticked=True)
    await save(page)
    assert (await page.title()).startswith("Error: ")
    assert await RaterPage(page).error_summary() == ["Select at least one kind of session you offer"]
    assert await page.get_by_label("Your organisation", exact=True).is_checked()
    assert await ticked(page, "The kinds of session you offer") == []
    await axe.assert_clean(page)
    await page.goto(f"{platform.web_url}/facilitator/register-entry")
    # Nothing was changed by the refusal.
    assert not await page.get_by_label("Your organisation", exact=True).is_checked()
    assert await ticked(page, "The kinds of session you offer") == ["Mentoring"]

    # Anyone searching by the kind of session finds her, and sees it on her card.
    await page.get_by_role("navigation", name="Account").get_by_role("link", name="Find a facilitator").click()
    await search(page, region=academy.region, session_kind="Mentoring")
    shown = await cards(page)
    assert list(shown) == [f"Mina Mentor {academy.tag}"]
    assert shown[f"Mina Mentor {academy.tag}"]["Kinds of session"] == "Mentoring"
    assert shown[f"Mina Mentor {academy.tag}"]["Organisation"] == "Not published"
    await axe.assert_clean(page)
    await search(page, session_kind="360 feedback sessions")
    assert await cards(page) == {}

    # No longer listed: nobody finds her, whatever they search.
    await page.get_by_role("navigation", name="Account").get_by_role("link", name=PAGE).click()
    await choose(page, "List me on the register", ticked=False)
    await save(page)
    assert "You are not listed" in await page.locator("main").inner_text()
    await page.goto(f"{platform.web_url}/register?region={academy.region}")
    assert await cards(page) == {}

    # A kind of session altered by hand in the address.
    await page.goto(f"{platform.web_url}/register?session_kind=astrology")
    assert await RaterPage(page).error_summary() == ["Select a kind of session from the list"]
    await axe.assert_clean(page)


async def test_a_facilitators_pages_link_to_their_entry(platform: Platform, visit: Visit) -> None:
    academy = Academy(platform)
    _, sub = await academy.register("Lena Linked")
    page = visit.page
    await sign_in(page, platform, sub=sub, role="Facilitator", region=academy.region)
    await page.goto(f"{platform.web_url}/facilitator/sessions")
    await page.locator("main").get_by_role("link", name="your entry on the register").click()
    assert await RaterPage(page).heading() == PAGE

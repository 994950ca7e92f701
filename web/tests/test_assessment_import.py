"""An academy administrator imports the learning system's e-learning results as a CSV file, in Debian's
chromium with axe on the form and its error states: the results recorded and read back, a file exported
again recording nothing twice, a file with bad rows listing each problem by line and column and storing
nothing, and files the page refuses before sending (none, not CSV, empty, not UTF-8, too large); then the
same form over HTTP without its CSRF token, and from someone who is not an administrator."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, timedelta
from typing import Any

import httpx
from playwright.async_api import Page

from hlm_web.participant.assessment_import import too_large

from .axe import Axe
from .conftest import Platform, Visit
from .pages import RaterPage
from .test_programmes import Academy, sign_in

RESULTS = """
query ($email: String!) { trainingAssessments(email: $email, first: 100) { edges { node { score isPassed } } } }
"""
HEADER = "name,email,score,assessed_on\r\n"
NOT_UTF8 = "The selected file must be saved as CSV UTF-8 (comma delimited)"
LIMIT = 200 * 1024  # the web front's default, within the gateway's request limit


def email(academy: Academy, name: str) -> str:
    return f"{name.lower().replace(' ', '.')}.{academy.tag}@trust.example.org"


async def results(platform: Platform, academy: Academy, address: str) -> list[tuple[int, bool]]:
    """A person's results as the academy holds them, read back through the gateway."""
    edges = (await platform.graphql(RESULTS, academy.admin, email=address))["trainingAssessments"]["edges"]
    return [(e["node"]["score"], e["node"]["isPassed"]) for e in edges]


async def upload(page: Page, name: str, content: bytes, mime_type: str = "text/csv") -> None:
    await page.locator("input[type=file]").set_input_files({"name": name, "mimeType": mime_type, "buffer": content})
    await page.get_by_role("button", name="Import results", exact=True).click()
    await page.wait_for_load_state()


async def test_an_administrator_imports_results_which_are_read_back_and_a_file_sent_again_records_nothing_twice(
    platform: Platform, visit: Visit
) -> None:
    academy = Academy(platform)
    trainer_id, _ = await academy.register("Tom Trainer", level="TRAINER")
    course_id = await academy.course("Summer course", trainer_id, capacity=4, in_days=3)
    await academy.enrol_someone(course_id, "Dan Dale")
    axe, page = Axe(), visit.page
    await sign_in(page, platform, sub=academy.admin_sub, role="Academy admin", region=academy.region)

    # From the course's page, where a single result is recorded.
    await page.goto(f"{platform.web_url}/academy/courses/{course_id}")
    await page.get_by_role("link", name="Import e-learning results from your learning system's CSV file").click()
    assert await RaterPage(page).heading() == "Import e-learning assessment results"
    await axe.assert_clean(page)

    dan, eve = email(academy, "Dan Dale"), email(academy, "Eve Elm")
    today = date.today().isoformat()
    exported = f"{HEADER}Dan Dale,{dan},85%,{today}\r\nEve Elm,{eve},70,{today}\r\n\r\n".encode()
    await upload(page, "results.csv", exported)
    await page.wait_for_url(f"**/academy/assessments/import?course={course_id}&imported=*")
    assert await RaterPage(page).error_summary() == []
    main = await page.locator("main").inner_text()
    assert "The file is imported" in main
    assert "2 results recorded, each judged against the pass mark." in main
    assert "recorded already" not in main
    await axe.assert_clean(page)
    assert await results(platform, academy, dan) == [(85, True)]
    assert await results(platform, academy, eve) == [(70, False)]

    # The learning system's next export holds the same two and one more: only the new one is recorded.
    fay = email(academy, "Fay Fern")
    await upload(page, "results.csv", exported + f"Fay Fern,{fay},92,{today}\r\n".encode())
    main = await page.locator("main").inner_text()
    assert "1 result recorded, each judged against the pass mark." in main
    assert "2 rows of the file were recorded already and not recorded again." in main
    # A reload shows the same page and sends nothing again.
    await page.reload()
    await page.wait_for_load_state()
    assert "2 rows of the file were recorded already" in await page.locator("main").inner_text()
    assert await results(platform, academy, dan) == [(85, True)]
    assert await results(platform, academy, fay) == [(92, True)]

    # What the page says comes signed in its link: one altered by hand says nothing.
    await page.goto(f"{platform.web_url}/academy/assessments/import?imported=WzksOV0.forged")
    assert "The file is imported" not in await page.locator("main").inner_text()
    # And the way back leads to the course the administrator came from.
    await page.goto(f"{platform.web_url}/academy/assessments/import?course={course_id}")
    await page.get_by_role("link", name="Back to the course").click()
    assert await RaterPage(page).heading() == f"Summer course {academy.tag}"


async def test_a_file_with_bad_rows_lists_each_problem_by_line_and_column_and_stores_nothing(
    platform: Platform, visit: Visit
) -> None:
    academy = Academy(platform)
    axe, page = Axe(), visit.page
    await sign_in(page, platform, sub=academy.admin_sub, role="Academy admin", region=academy.region)
    await page.goto(f"{platform.web_url}/academy/courses")
    await page.get_by_role("link", name="Import e-learning assessment results").click()
    assert await RaterPage(page).heading() == "Import e-learning assessment results"

    gus, hal = email(academy, "Gus Gale"), email(academy, "Hal Hill")
    today = date.today().isoformat()
    bad = f"{HEADER}Gus Gale,{gus},90,{today}\r\nHal Hill,{hal},eighty,{today}\r\nIan Ivy,not-an-address,75,{today}\r\n"
    await upload(page, "results.csv", bad.encode())
    assert (await page.title()).startswith("Error: ")
    summary = await RaterPage(page).error_summary()
    assert [problem.split(":")[0] for problem in summary] == ["Line 3, column score", "Line 4, column email"]
    assert "Nothing in the file is recorded" in await page.locator(".nhsuk-error-summary").inner_text()
    assert (
        "The file has 2 problems: nothing in it is recorded" in await page.locator(".nhsuk-error-message").inner_text()
    )
    await axe.assert_clean(page)
    # Each problem links to the file field.
    await page.locator(".nhsuk-error-summary a", has_text="Line 3").click()
    assert await page.evaluate("() => document.activeElement.id") == "file"
    # Not even the good row is stored.
    assert await results(platform, academy, gus) == []

    # What the page tells before sending anything: each as the error summary at the field, never a failure.
    await page.get_by_role("button", name="Import results", exact=True).click()
    await page.wait_for_load_state()
    assert await RaterPage(page).error_summary() == ["Select a CSV file of e-learning results"]
    await axe.assert_clean(page)
    refused = {
        "results.xlsx": (b"PK\x03\x04 not a spreadsheet we read", "The selected file must be a CSV"),
        "empty.csv": (b"", "The selected file is empty"),
        "utf16.csv": ((HEADER + f"Gus Gale,{gus},90,{today}\r\n").encode("utf-16"), NOT_UTF8),
    }  # fmt: skip
    for name, (content, message) in refused.items():
        await upload(page, name, content)
        assert await RaterPage(page).error_summary() == [message], name
    await axe.assert_clean(page)

    # Larger than the page takes, whether the request says so, the file is found so once read, or the
    # gateway refuses it once written into its request (every quote of a name written twice): split it.
    row = f",{gus},90,{today}\r\n"
    quoted = HEADER + '"' + '""' * ((LIMIT - 2000) // 2) + '"' + row
    sizes = {
        "huge.csv": HEADER + "a" * (2 * LIMIT) + row,
        "just-over.csv": HEADER + "a" * LIMIT + row,
        "quoted.csv": quoted,
    }
    for name, content in sizes.items():
        await upload(page, name, content.encode())
        assert await RaterPage(page).error_summary() == [too_large(LIMIT)], name
        assert "Split it into files of 200 KB or less" in too_large(LIMIT)
    await axe.assert_clean(page)
    assert await results(platform, academy, gus) == []


@asynccontextmanager
async def signed_in(platform: Platform, *, sub: str, role: str, region: str) -> AsyncIterator[httpx.AsyncClient]:
    """The web front in-process, as a browser signed in on the development page sees it."""
    transport = httpx.ASGITransport(app=platform.web_app)
    async with httpx.AsyncClient(transport=transport, base_url=platform.web_url) as browser:
        form = await browser.get("/sign-in/development")
        token = csrf_token(form.text)
        answer = await browser.post(
            "/sign-in/development", data={"csrf_token": token, "role": role, "sub": sub, "org": "RYJ", "region": region}
        )
        assert answer.status_code == 303, answer.text
        yield browser


def csrf_token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def the_file(content: str) -> dict[str, Any]:
    return {"file": ("results.csv", content.encode(), "text/csv")}


async def test_the_form_is_refused_without_its_csrf_token_and_to_anyone_but_an_administrator(
    platform: Platform,
) -> None:
    academy = Academy(platform)
    _, facilitator_sub = await academy.register("Jo Joiner")
    kim = email(academy, "Kim Kerr")
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    good = f"{HEADER}Kim Kerr,{kim},88,{yesterday}\r\n"

    async with signed_in(platform, sub=academy.admin_sub, role="academy_admin", region=academy.region) as admin:
        form = await admin.get("/academy/assessments/import")
        assert form.status_code == 200
        assert 'enctype="multipart/form-data"' in form.text
        # No token, or one that is not the cookie's: the plain refusal, nothing recorded.
        missing = await admin.post("/academy/assessments/import", files=the_file(good))
        forged = await admin.post("/academy/assessments/import", data={"csrf_token": "forged"}, files=the_file(good))
        # A request declaring more than the page takes is answered without reading the file.
        huge = await admin.post(
            "/academy/assessments/import", data={"csrf_token": csrf_token(form.text)},
            files=the_file(HEADER + "a" * (3 * LIMIT)),
        )  # fmt: skip
    assert [missing.status_code, forged.status_code] == [403, 403]
    assert "could not be sent from this page" in missing.text
    assert huge.status_code == 413
    assert "Split it into files of 200 KB or less" in huge.text
    assert await results(platform, academy, kim) == []

    # A facilitator of the region: the same refusal as the other administrator pages, for the form and
    # for a file sent with a valid token all the same.
    async with signed_in(platform, sub=facilitator_sub, role="facilitator", region=academy.region) as facilitator:
        page = await facilitator.get("/academy/assessments/import")
        own_form = await facilitator.get("/facilitator/become-a-trainer")
        sent = await facilitator.post(
            "/academy/assessments/import", data={"csrf_token": csrf_token(own_form.text)}, files=the_file(good)
        )
        bad = await facilitator.post(
            "/academy/assessments/import", data={"csrf_token": csrf_token(own_form.text)}, files=the_file("")
        )
    assert [page.status_code, sent.status_code, bad.status_code] == [403, 403, 403]
    assert all("You cannot see this page" in answer.text for answer in (page, sent, bad))
    assert await results(platform, academy, kim) == []

    # The administrator's own file, with its token, is recorded.
    async with signed_in(platform, sub=academy.admin_sub, role="academy_admin", region=academy.region) as admin:
        form = await admin.get("/academy/assessments/import")
        done = await admin.post(
            "/academy/assessments/import", data={"csrf_token": csrf_token(form.text)}, files=the_file(good)
        )
        assert done.status_code == 303
        shown = await admin.get(done.headers["location"])
    assert "1 result recorded" in shown.text
    assert await results(platform, academy, kim) == [(88, True)]

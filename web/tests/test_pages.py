"""What every page promises a rater, seen over HTTP: its headers, its assets, and the answer to a guesser."""

from __future__ import annotations

import asyncio
import re
import secrets

import httpx

from survey_svc.invitations import rate_limit

from .conftest import TOKEN_FAILURES_PER_WINDOW, Platform


def client_from(platform: Platform, address: str) -> httpx.AsyncClient:
    """The web front as a browser at ``address`` reaches it."""
    transport = httpx.ASGITransport(app=platform.web_app, client=(address, 50000))
    return httpx.AsyncClient(transport=transport, base_url=platform.web_url)


async def test_a_guesser_of_links_is_slowed_down_with_a_plain_page(platform: Platform, participant_sub: str) -> None:
    # survey-svc counts failures in fixed windows; a burst straddling the end of one would not reach the limit.
    left = rate_limit.seconds_left_in_window(platform.survey_app.state.settings)
    if left < 30:
        await asyncio.sleep(left + 0.5)
    # An address of its own (from the documentation range), so no other test's look-ups count with it.
    async with client_from(platform, f"198.51.100.{secrets.randbelow(250) + 1}") as guesser:
        answers = [
            await guesser.get(f"/answer/{secrets.token_urlsafe(32)}") for _ in range(TOKEN_FAILURES_PER_WINDOW + 1)
        ]
    assert {a.status_code for a in answers[:TOKEN_FAILURES_PER_WINDOW]} == {404}
    slowed = answers[-1]
    assert slowed.status_code == 429
    assert '<h1 class="nhsuk-heading-l">Too many attempts</h1>' in slowed.text
    assert int(slowed.headers["Retry-After"]) > 0

    # Counted against the guesser's own address, forwarded by the web front: a rater elsewhere still gets in.
    link = (await platform.open_360(participant_sub))[1]["Peer 1"]
    async with client_from(platform, f"203.0.113.{secrets.randbelow(250) + 1}") as rater:
        assert (await rater.get(link.removeprefix(platform.web_url))).status_code == 200


async def test_pages_allow_no_inline_script_but_their_own_and_send_no_referer(platform: Platform) -> None:
    async with client_from(platform, platform.address) as browser:
        page = await browser.get(f"/answer/{'y' * 43}")
    policy = page.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    nonce = re.search(r"script-src 'self' 'nonce-([^']+)'", policy)
    assert nonce is not None
    # The template's one inline script carries this response's nonce; no other inline script exists.
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page.text) == [f'<script nonce="{nonce.group(1)}">']
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["Cache-Control"] == "no-store"


async def test_the_nhs_stylesheet_is_served_here_without_fonts_from_another_host(platform: Platform) -> None:
    async with client_from(platform, platform.address) as browser:
        css = await browser.get("/nhsuk/nhsuk-frontend.min.css")
        icon = await browser.get("/assets/images/nhsuk-icon-arrow-down.svg")
    assert css.status_code == 200
    assert "nhsuk-button" in css.text
    assert not re.search(r"url\(\s*['\"]?https?:", css.text)
    assert icon.status_code == 200


async def test_every_form_of_the_rater_is_refused_without_its_csrf_token(platform: Platform) -> None:
    token = "z" * 43
    forms = ("decline", "check", "leading-with-care", "leading-with-care/change")
    async with client_from(platform, platform.address) as browser:
        # A page first, so the browser holds a CSRF cookie, as a forged post from another site would find it.
        await browser.get(f"/answer/{token}")
        assert "hlm-csrf" in browser.cookies
        refused = [await browser.post(f"/answer/{token}/{form}", data={"action": "continue"}) for form in forms]
    assert [r.status_code for r in refused] == [403] * len(forms)
    assert all("Your answers could not be sent from this page" in r.text for r in refused)


async def test_the_service_can_be_added_to_a_phone_with_its_manifest_and_icons(platform: Platform) -> None:
    async with client_from(platform, platform.address) as browser:
        page = await browser.get("/sign-in")
        assert '<link rel="manifest" href="/manifest.webmanifest">' in page.text
        answer = await browser.get("/manifest.webmanifest")
        manifest = answer.json()
        icons = [await browser.get(icon["src"]) for icon in manifest["icons"]]
    assert answer.headers["content-type"].startswith("application/manifest+json")
    assert manifest["start_url"] == "/assessments"
    assert manifest["display"] == "standalone"
    assert {"192x192", "512x512"} <= {icon["sizes"] for icon in manifest["icons"] if icon["type"] == "image/png"}
    assert [icon.status_code for icon in icons] == [200] * len(icons)

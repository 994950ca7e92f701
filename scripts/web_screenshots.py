"""Screenshots of the web front as a rater sees it on a phone, for web/README.md.

    uv run --no-sync python scripts/web_screenshots.py [--use-running]

Starts the platform on free ports with a database of its own (as `make run` starts it, through
hlm_kit.local), or with ``--use-running`` uses the one `make run` serves (its mail in var/mail, tokens
signed with HLM_JWT_SECRET, HLM_JWT_ISSUER and HLM_JWT_AUDIENCE). Opens a 360, follows the first
rater's link from the mail in Debian's chromium at a phone's viewport (390 x 844 CSS pixels, twice as
many device pixels) and saves the start page and the first dimension's page, half answered, as PNGs in
web/docs/. Then it walks `make demo`'s journey (scripts/demo.py: a 360 answered by every group, a
feedback session booked, the report released by the facilitator), signs in as that participant on the
development sign-in page and saves their released report's page, on the phone and at a desktop's width
(1024 CSS pixels). Everything it started is stopped, and its database dropped, on the way out.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import mailbox
import os
import re
import secrets
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr
from pathlib import Path
from typing import Any

import asyncpg
import demo  # scripts/demo.py beside this file (on the path as the script's own folder): make demo's journey
import httpx
from playwright.async_api import Page, ViewportSize, async_playwright

from hlm_kit.bootstrap import bootstrap
from hlm_kit.db import to_plain_url
from hlm_kit.local import (
    SERVICES,
    LocalService,
    PlatformConfig,
    exit_on_sigterm,
    own_topology,
    run_setup,
    service_env,
    start,
    stop,
    wait_ready,
)
from hlm_kit.tokens import mint_token

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "web" / "docs"
HLM_360 = "d64d23aa-0e25-53c0-8b12-810a2047e60e"
RATERS = [("Alex Line-Manager", "line_manager")] + [(f"Peer {n}", "peer") for n in range(1, 4)]
# The same browser and flags as the web front's tests: Debian's chromium, nothing downloaded.
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
PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1024, "height": 900}
# A loaded two-core machine starts six Python processes slowly.
DEADLINE_S = 180.0
DEVELOPMENT_SIGN_IN = "sign in as a development user"


@dataclass(frozen=True)
class Running:
    """Where the platform answers, and what it trusts."""

    survey_url: str
    gateway_url: str
    report_url: str
    web_url: str
    mail: Path
    jwt_secret: str
    jwt_issuer: str
    jwt_audience: str


@contextlib.contextmanager
def own_platform(work: Path) -> Iterator[Running]:
    """The platform as `make run` starts it, on free ports with a database and exchanges of its own."""
    tag = secrets.token_hex(4)
    database = f"hlm_shots_{tag}"
    admin_url = os.environ.get("HLM_ADMIN_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    config = PlatformConfig(
        admin_url=admin_url,
        database=database,
        amqp_url=os.environ.get("HLM_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/"),
        jwt_secret=secrets.token_urlsafe(32),
        jwt_issuer="hlm-screenshots",
        jwt_audience="hlm-platform",
        email_hash_key=secrets.token_urlsafe(32),
        settings=(
            ("EVENTS_EXCHANGE", f"shots.{tag}.events"),
            ("DEAD_LETTER_EXCHANGE", f"shots.{tag}.dlx"),
            ("QUEUE_PREFIX", f"shots.{tag}."),
            ("LOG_LEVEL", "WARNING"),
            ("RELAY_POLL_INTERVAL_S", "0.5"),
        ),
    )
    placed = [service.on_port(free_port()) for service in SERVICES]
    web = next(service for service in placed if service.is_web_front)
    mail = work / "mail"
    survey = {
        "MAIL_DIRECTORY": str(mail),
        "MAIL_POLL_INTERVAL_S": "0.2",
        "INVITATION_LINK_BASE_URL": f"{web.base_url}/answer/",
    }
    # Exchanges and queues of its own (the settings above name them), deleted however the run ends.
    with own_topology(config.amqp_url, f"shots.{tag}"):
        asyncio.run(bootstrap(admin_url, database))
        processes: list[subprocess.Popen[bytes]] = []
        try:
            with (work / "platform.log").open("ab") as log:
                for service in placed:
                    env = service_env(service, config, placed, survey if service.name == "survey" else None)
                    run_setup(service, env, echo=False, output=log)
                    processes.append(start(service, env, output=log))
                wait_ready(placed, processes, timeout_s=DEADLINE_S)
            yield Running(
                by_name(placed, "survey").base_url,
                by_name(placed, "gateway").base_url,
                by_name(placed, "report").base_url,
                web.base_url,
                mail,
                config.jwt_secret,
                config.jwt_issuer,
                config.jwt_audience,
            )
        finally:
            stop(processes)
            asyncio.run(drop(admin_url, database))


def by_name(services: list[LocalService], name: str) -> LocalService:
    return next(service for service in services if service.name == name)


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def drop(admin_url: str, database: str) -> None:
    admin = await asyncpg.connect(to_plain_url(admin_url))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    finally:
        await admin.close()


def make_run() -> Running:
    """The platform `make run` serves, with the settings the Makefile gives it."""
    env = os.environ
    return Running(
        by_name(list(SERVICES), "survey").base_url,
        by_name(list(SERVICES), "gateway").base_url,
        by_name(list(SERVICES), "report").base_url,
        by_name(list(SERVICES), "web").base_url,
        ROOT / "var" / "mail",
        env["HLM_JWT_SECRET"],
        env.get("HLM_JWT_ISSUER", "hlm-dev"),
        env.get("HLM_JWT_AUDIENCE", "hlm-platform"),
    )


def eventually(what: str, check: Any) -> Any:
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        if value := check():
            return value
        time.sleep(0.25)
    raise SystemExit(f"timed out waiting for {what}")


def open_360(platform: Running) -> str:
    """A participant opens a 360 with a line manager and three peers; the line manager's link from the mail."""
    sub = f"screenshots-{secrets.token_hex(4)}"
    token = mint_token(
        platform.jwt_secret,
        sub=sub,
        roles=["participant"],
        org="RX1",
        region="london",
        issuer=platform.jwt_issuer,
        audience=platform.jwt_audience,
    )
    headers = {"Authorization": f"Bearer {token}"}
    emails = [f"rater{n}.{sub}@trust.example.org" for n in range(len(RATERS))]
    with httpx.Client(base_url=platform.survey_url, headers=headers, timeout=30, trust_env=False) as survey:
        body = {"kind": "feedback_360", "questionnaire_id": HLM_360, "participant_name": "Sam Participant"}

        def created() -> dict[str, Any] | None:
            response = survey.post("/v1/cycles", json=body)
            return response.json() if response.status_code == 201 else None

        # survey-svc learns the questionnaire from framework-svc's event, moments after the start.
        cycle = eventually("survey-svc to know the HLM 360", created)
        raters = [
            {"name": name, "email": email, "rater_group": group}
            for (name, group), email in zip(RATERS, emails, strict=True)
        ]
        closes_at = (datetime.now(UTC) + timedelta(days=14)).isoformat()
        for path, payload in (
            (f"/v1/cycles/{cycle['id']}/raters", {"raters": raters}),
            (f"/v1/cycles/{cycle['id']}/open", {"closes_at": closes_at}),
        ):
            response = survey.post(path, json=payload)
            if response.status_code >= 300:
                raise SystemExit(f"POST {path}: {response.status_code} {response.text[:300]}")
    link = re.compile(re.escape(platform.web_url) + r"/answer/[\w-]+")

    def mailed() -> str | None:
        if not platform.mail.exists():
            return None
        for message in mailbox.Maildir(platform.mail, create=False):
            if parseaddr(str(message["To"]))[1] == emails[0]:
                payload = message.get_payload(decode=True)
                if isinstance(payload, bytes) and (found := link.search(payload.decode(errors="replace"))):
                    return found.group(0)
        return None

    found: str = eventually("the line manager's invitation", mailed)
    return found


async def screenshots(link: str) -> list[Path]:
    DOCS.mkdir(parents=True, exist_ok=True)
    saved = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = await browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
            page = await context.new_page()
            await page.goto(link)
            saved.append(await shoot(page, "rater-start-phone.png"))
            await page.get_by_role("button", name="Start now").click()
            await page.wait_for_load_state()
            # Its first statements answered, as a rater part-way through the page sees it, from the top.
            fieldsets = page.locator("form fieldset")
            for index in range(2):
                await fieldsets.nth(index).get_by_label("Strong", exact=True).check()
            await page.evaluate("window.scrollTo(0, 0)")
            saved.append(await shoot(page, "rater-questions-phone.png"))
        finally:
            await browser.close()
    return saved


def released_report(platform: Running, work: Path) -> demo.DemoResult:
    """`make demo`'s journey on this platform, to the report its facilitator released."""
    config = demo.DemoConfig(
        gateway_url=platform.gateway_url,
        report_url=platform.report_url,
        mail_dir=platform.mail,
        out_dir=work / "demo",
        jwt_secret=platform.jwt_secret,
        jwt_issuer=platform.jwt_issuer,
        jwt_audience=platform.jwt_audience,
    )
    try:
        return demo.run_journey(config, say=lambda _: None)
    except demo.DemoFailed as exc:
        raise SystemExit(f"the journey to a released report failed: {exc}") from exc


async def report_screenshots(platform: Running, released: demo.DemoResult) -> list[Path]:
    """The participant's released report as a page: signed in on the development page, as they would be."""
    saved = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for name, viewport, phone in (("report-phone.png", PHONE, True), ("report-desktop.png", DESKTOP, False)):
                context = await browser.new_context(
                    viewport=viewport, device_scale_factor=2 if phone else 1, is_mobile=phone, has_touch=phone
                )
                page = await context.new_page()
                # The report asks them to sign in, and brings them back to it afterwards.
                await page.goto(f"{platform.web_url}/reports/{released.report_id}")
                await page.get_by_role("link", name=DEVELOPMENT_SIGN_IN).click()
                await page.get_by_label("Participant", exact=True).check()
                await page.get_by_label("Subject (sub)").fill(released.participant_sub)
                await page.get_by_label("Organisation code (optional)").fill(released.organisation)
                await page.get_by_label("Region (optional)").fill(released.region)
                await page.get_by_role("button", name="Sign in").click()
                await page.wait_for_url(f"**/reports/{released.report_id}")
                await page.wait_for_load_state()
                saved.append(await shoot(page, name))
                await context.close()
        finally:
            await browser.close()
    return saved


async def shoot(page: Page, name: str) -> Path:
    path = DOCS / name
    await page.screenshot(path=str(path))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--use-running", action="store_true", help="use the platform `make run` serves")
    args = parser.parse_args()
    exit_on_sigterm()  # unwinds through the finally blocks: the processes, the database, the topology
    with tempfile.TemporaryDirectory(prefix="hlm-shots-") as work, contextlib.ExitStack() as stack:
        platform = make_run() if args.use_running else stack.enter_context(own_platform(Path(work)))
        link = open_360(platform)
        print(f"the rater's page: {link.rsplit('/', 1)[0]}/<token>")
        for path in asyncio.run(screenshots(link)):
            print(f"saved {path.relative_to(ROOT)}")
        released = released_report(platform, Path(work))
        print(f"the released report's page: {platform.web_url}/reports/{released.report_id}")
        for path in asyncio.run(report_screenshots(platform, released)):
            print(f"saved {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

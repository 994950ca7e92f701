"""`make demo`: one 360-degree feedback journey through the running platform, ending in a PDF report.

Run it while `make run` serves in another terminal. Everything goes through the gateway's GraphQL as the
HLM app would, with development tokens signed like the platform's (HLM_JWT_SECRET, HLM_JWT_ISSUER,
HLM_JWT_AUDIENCE, which the Makefile exports):

1. an academy administrator registers a facilitator with the account they sign in with, and the facilitator
   offers sessions;
2. a participant starts a 360 on the published HLM 360 questionnaire, answers their self-assessment,
   nominates raters in every group and opens it;
3. each rater opens the link in their invitation mail (read from survey-svc's Maildir) and answers;
4. the participant closes the cycle, finds the facilitator among their matches and books a session;
5. once the report is built, the facilitator releases it (a coached release);
6. the participant downloads the PDF from report-svc and it is written to var/demo/report-<id>.pdf.

Each run uses names, addresses and an organisation and region of its own, so it can run again against the
same platform. Settings (all optional): HLM_GATEWAY_URL (http://127.0.0.1:8000), HLM_REPORT_URL
(http://127.0.0.1:8003), HLM_WEB_URL (http://127.0.0.1:8080, for the address of the released report's page),
HLM_MAIL_DIR (var/mail), HLM_DEMO_DIR (var/demo), HLM_DEMO_TIMEOUT_S (120).
"""

from __future__ import annotations

import functools
import mailbox
import os
import re
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import Message
from email.utils import parseaddr
from pathlib import Path
from typing import Any, TypeVar

import httpx

from hlm_kit.tokens import mint_token

ROOT = Path(__file__).resolve().parent.parent
T = TypeVar("T")

# Raters nominated per group: at least each group's threshold, so every group shows on its own in the report.
RATER_GROUPS = {"LINE_MANAGER": 1, "PEER": 3, "DIRECT_REPORT": 3, "OTHER": 3}
# How each group tends to see the participant, as an offset from the middle of the scale, so the report
# has something to say.
GROUP_LEANING = {"LINE_MANAGER": 1, "PEER": 0, "DIRECT_REPORT": -1, "OTHER": 0}
# A rater's link is the last path segment of a URL in their mail (secrets.token_urlsafe).
LINK = re.compile(r"https?://\S+/([A-Za-z0-9_-]{20,})")
# The field a GraphQL document asks for, to say which call failed.
FIRST_FIELD = re.compile(r"\{\s*(\w+)")


class DemoFailed(Exception):
    """A step of the journey did not do what it should; the message says which and why."""


@dataclass(frozen=True)
class DemoConfig:
    gateway_url: str
    report_url: str
    mail_dir: Path
    out_dir: Path
    jwt_secret: str
    jwt_issuer: str
    jwt_audience: str
    timeout_s: float = 120.0

    @classmethod
    def from_environ(cls) -> DemoConfig:
        env = os.environ
        missing = [name for name in ("HLM_JWT_SECRET", "HLM_JWT_ISSUER", "HLM_JWT_AUDIENCE") if not env.get(name)]
        if missing:
            raise DemoFailed(
                f"{', '.join(missing)} not set: run `make demo`, which sets them as `make run` does, "
                "or export the values the platform verifies tokens with"
            )
        return cls(
            gateway_url=env.get("HLM_GATEWAY_URL", "http://127.0.0.1:8000").rstrip("/"),
            report_url=env.get("HLM_REPORT_URL", "http://127.0.0.1:8003").rstrip("/"),
            mail_dir=_path(env.get("HLM_MAIL_DIR", "var/mail")),
            out_dir=_path(env.get("HLM_DEMO_DIR", "var/demo")),
            jwt_secret=env["HLM_JWT_SECRET"],
            jwt_issuer=env["HLM_JWT_ISSUER"],
            jwt_audience=env["HLM_JWT_AUDIENCE"],
            timeout_s=float(env.get("HLM_DEMO_TIMEOUT_S", "120")),
        )


def _path(value: str) -> Path:
    path = Path(value)
    return path if path.is_absolute() else ROOT / path


@dataclass(frozen=True)
class User:
    sub: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass(frozen=True)
class Rater:
    name: str
    email: str
    group: str


# ----------------------------------------------------------------------------------------------------
# GraphQL documents
# ----------------------------------------------------------------------------------------------------

CATALOGUE = """
query { framework(key: "hlm") { key version questionnaires { id key version status name } } }
"""
REGISTER_FACILITATOR = """
mutation ($input: FacilitatorInput!) {
  registerFacilitator(input: $input) {
    __typename
    ... on Facilitator { id name }
    ... on RegisterRefused { message problems { location message } }
  }
}
"""
ADD_AVAILABILITY = """
mutation ($facilitatorId: ID!, $slots: [SlotInput!]!) {
  addAvailability(facilitatorId: $facilitatorId, slots: $slots) {
    __typename
    ... on AvailabilityAdded { slots { id startsAt } }
    ... on RegisterRefused { message problems { location message } }
  }
}
"""
CREATE_CYCLE = """
mutation ($input: CreateCycleInput!, $key: String) {
  createCycle(input: $input, idempotencyKey: $key) { id kind status }
}
"""
SELF_ASSESSMENT = """
query ($cycleId: ID!) {
  selfAssessment(cycleId: $cycleId) { status questionnaire { ...Answerable } }
}
"""
SUBMIT_SELF = """
mutation ($cycleId: ID!, $response: ResponseInput!) {
  submitSelfAssessment(cycleId: $cycleId, response: $response) {
    __typename
    ... on ResponseRejected { message problems { location message } }
  }
}
"""
NOMINATE = """
mutation ($cycleId: ID!, $raters: [RaterInput!]!) { nominateRaters(cycleId: $cycleId, raters: $raters) { id } }
"""
OPEN = """
mutation ($cycleId: ID!, $closesAt: DateTime!) {
  openCycle(cycleId: $cycleId, closesAt: $closesAt) {
    __typename
    ... on Cycle { id status closesAt }
    ... on ThresholdNotMet { message problems { location message } }
  }
}
"""
INVITATION = """
query ($token: String!) {
  invitation(token: $token) { stage status participantName raterGroup questionnaire { ...Answerable } }
}
"""
SUBMIT_INVITATION = """
mutation ($token: String!, $response: ResponseInput!) {
  submitInvitation(token: $token, response: $response) {
    __typename
    ... on ResponseRejected { message problems { location message } }
  }
}
"""
CYCLE = """
query ($id: ID!) {
  cycle(id: $id) {
    id status minimumsMet selfStatus
    progress { raterGroup invited submitted declined }
    report { id state status }
    feedbackSession { id status reportId }
  }
}
"""
CLOSE = """
mutation ($cycleId: ID!) { closeCycle(cycleId: $cycleId) { id status } }
"""
MATCHES = """
query ($cycleId: ID!) {
  facilitatorMatches(cycleId: $cycleId, mode: VIDEO) {
    rank score facilitator { id name } reasons { factor detail contribution } slots { slotId startsAt mode }
  }
}
"""
HOLD = """
mutation ($slotId: ID!, $cycleId: ID!) {
  holdSession(slotId: $slotId, cycleId: $cycleId, mode: VIDEO) {
    __typename
    ... on FeedbackSession { id status startsAt holdExpiresAt }
    ... on BookingConflict { message code }
  }
}
"""
CONFIRM = """
mutation ($id: ID!) {
  confirmSession(id: $id) {
    __typename
    ... on FeedbackSession { id status startsAt }
    ... on SessionChangeRefused { message code }
  }
}
"""
FACILITATOR_REPORTS = """
query { reports(first: 50) { edges { node { id cycleId state status } } } }
"""
RELEASE = """
mutation ($id: ID!) { releaseReport(id: $id) { id status releasedAt } }
"""
ANSWERABLE = """
fragment Answerable on Questionnaire {
  id key
  items { key dimensionKey }
  dimensions { key name }
  performanceScale { value }
  importanceScale { value }
  importanceQuestions { dimensionKey }
}
"""


# ----------------------------------------------------------------------------------------------------
# Talking to the platform
# ----------------------------------------------------------------------------------------------------


class Platform:
    """The gateway's GraphQL and report-svc's REST API, failing with a :class:`DemoFailed` that says why."""

    def __init__(self, config: DemoConfig, client: httpx.Client) -> None:
        self.config = config
        self.client = client

    def check_running(self) -> None:
        for name, url in (("the gateway", self.config.gateway_url), ("report-svc", self.config.report_url)):
            try:
                response = self.client.get(f"{url}/health/ready", timeout=5)
            except httpx.TransportError as exc:
                raise DemoFailed(
                    f"{name} does not answer at {url} ({type(exc).__name__}): start the platform with `make run` "
                    "in another terminal first"
                ) from exc
            if response.status_code != 200:
                raise DemoFailed(f"{name} at {url} is not ready ({response.status_code}): {response.text[:300]}")

    def graphql(self, who: User | None, document: str, **variables: Any) -> dict[str, Any]:
        """The data of ``document``; any error fails the step with the gateway's message and code."""
        if "...Answerable" in document:
            document += ANSWERABLE
        try:
            response = self.client.post(
                f"{self.config.gateway_url}/graphql",
                json={"query": document, "variables": variables},
                headers=who.headers if who else {},
            )
        except httpx.TransportError as exc:
            raise DemoFailed(f"the gateway stopped answering at {self.config.gateway_url}: {exc}") from exc
        if response.status_code != 200:
            raise DemoFailed(f"the gateway answered {response.status_code}: {response.text[:500]}")
        body: dict[str, Any] = response.json()
        if body.get("errors"):
            problems = "; ".join(
                f"{error.get('message')} ({(error.get('extensions') or {}).get('code', 'no code')})"
                for error in body["errors"]
            )
            field = FIRST_FIELD.search(document.split("fragment")[0])
            raise DemoFailed(f"{field.group(1) if field else 'the gateway'}: {problems}")
        data: dict[str, Any] = body["data"]
        return data

    def pdf(self, who: User, report_id: str) -> bytes:
        try:
            response = self.client.get(f"{self.config.report_url}/v1/reports/{report_id}.pdf", headers=who.headers)
        except httpx.TransportError as exc:
            raise DemoFailed(f"report-svc does not answer at {self.config.report_url}: {exc}") from exc
        if response.status_code != 200:
            raise DemoFailed(f"report-svc answered {response.status_code}: {response.text[:500]}")
        if not response.content.startswith(b"%PDF"):
            kind = response.headers.get("content-type")
            raise DemoFailed(f"report-svc answered something that is not a PDF ({kind})")
        return response.content


def typed(result: dict[str, Any] | None, expected: str, what: str) -> dict[str, Any]:
    """A union result of the ``expected`` type, or the refusal's message and problems as the failure."""
    if result is None:
        raise DemoFailed(f"{what}: the service answered nothing")
    if result.get("__typename") != expected:
        problems = "; ".join(
            f"{'.'.join(map(str, p.get('location', [])))}: {p.get('message')}" for p in result.get("problems") or []
        )
        code = f" [{result['code']}]" if result.get("code") else ""
        raise DemoFailed(f"{what}: {result.get('message', result)}{code}{' — ' + problems if problems else ''}")
    return result


def wait_until(what: str, check: Callable[[], T | None], *, timeout_s: float, say: Callable[[str], None]) -> T:
    """Poll ``check`` until it answers something, saying every few seconds what it waits for."""
    started = time.monotonic()
    next_note = started + 3
    while True:
        found = check()
        if found is not None:
            return found
        now = time.monotonic()
        if now - started > timeout_s:
            raise DemoFailed(f"gave up after {timeout_s:.0f} s waiting for {what}")
        if now >= next_note:
            say(f"     … still waiting for {what} ({now - started:.0f} s)")
            next_note = now + 5
        time.sleep(0.5)


# ----------------------------------------------------------------------------------------------------
# Answers and mail
# ----------------------------------------------------------------------------------------------------


def response_for(questionnaire: dict[str, Any], leaning: int, *, comment: str | None, seed: int) -> dict[str, Any]:
    """A whole ResponseInput: a level for every item around the scale's middle, shifted by ``leaning`` and
    varied by dimension, importance for every dimension asked, and ``comment`` on the first dimension."""
    levels: list[int] = sorted(point["value"] for point in questionnaire["performanceScale"])
    importance: list[int] = sorted(point["value"] for point in questionnaire["importanceScale"])
    dimensions = [d["key"] for d in questionnaire["dimensions"]]
    middle = len(levels) // 2

    def level(dimension: str) -> int:
        index = middle + leaning + (dimensions.index(dimension) + seed) % 3 - 1
        return levels[min(max(index, 0), len(levels) - 1)]

    return {
        "answers": [{"itemKey": i["key"], "level": level(i["dimensionKey"])} for i in questionnaire["items"]],
        "importance": [
            {"dimensionKey": q["dimensionKey"], "rating": importance[(n + seed) % len(importance)]}
            for n, q in enumerate(questionnaire["importanceQuestions"])
        ],
        "comments": [{"dimensionKey": dimensions[0], "text": comment}] if comment and dimensions else [],
    }


def mail_to(directory: Path, email: str) -> list[Message]:
    if not directory.is_dir():
        return []
    box = mailbox.Maildir(directory, create=False)
    return [message for message in box if parseaddr(str(message["To"]))[1].lower() == email.lower()]


def invitation_link(message: Message) -> re.Match[str] | None:
    """The link in an invitation: the whole address (the web front's answer page) and its token."""
    for part in message.walk():
        if part.get_content_type() != "text/plain":
            continue
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            found = LINK.search(payload.decode(part.get_content_charset() or "utf-8", errors="replace"))
            if found:
                return found
    return None


def invitation_token(message: Message) -> str | None:
    found = invitation_link(message)
    return found.group(1) if found else None


# ----------------------------------------------------------------------------------------------------
# The journey
# ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoResult:
    pdf: Path
    # The web front's answer page the first rater's mail linked to.
    answer_page: str
    # The released report, and who reads it: the participant signs in to the web front as this account.
    report_id: str
    participant_sub: str
    organisation: str
    region: str


def run_journey(config: DemoConfig, say: Callable[[str], None] = print) -> DemoResult:
    """Walk the whole journey and write the released report's PDF; answer the path written and the answer
    page the first rater's mail linked to."""
    tag = uuid.uuid4().hex[:6]
    organisation, region = f"DEMO{tag.upper()}", f"demo-{tag}"

    def account(role: str, sub: str, *, org: str | None = organisation) -> User:
        token = mint_token(
            config.jwt_secret,
            sub=sub,
            roles=[role],
            org=org,
            region=region,
            issuer=config.jwt_issuer,
            audience=config.jwt_audience,
        )
        return User(sub, token)

    admin = account("academy_admin", f"demo-admin-{tag}")
    participant = account("participant", f"demo-participant-{tag}")
    participant_name = f"Sam Okafor (demo {tag})"
    steps = iter(range(1, 100))

    def step(text: str) -> None:
        say(f"[{next(steps):>2}] {text}")

    with httpx.Client(timeout=30) as client:
        platform = Platform(config, client)
        platform.check_running()
        say(f"The HLM platform answers at {config.gateway_url}; this run: organisation {organisation}, region {region}")

        # The catalogue: the published HLM 360 and the self-assessment wording beside it.
        catalogue = platform.graphql(participant, CATALOGUE)["framework"]
        if not catalogue:
            raise DemoFailed("the catalogue has no HLM framework: has framework-svc loaded the catalogue?")
        published = {
            q["key"]: q
            for q in sorted(catalogue["questionnaires"] or [], key=lambda q: q["version"])
            if q["status"] == "published"
        }
        if "hlm-360" not in published:
            raise DemoFailed(f"no published HLM 360 questionnaire in the catalogue (found {sorted(published)})")
        three_sixty, self_wording = published["hlm-360"], published.get("hlm-self")
        step(f"Catalogue: HLM v{catalogue['version']}, questionnaire {three_sixty['name']!r} v{three_sixty['version']}")

        # An academy administrator registers a facilitator of another organisation in the region, linked to
        # the account they sign in with (their identity provider's `sub`, nothing to do with the register's
        # id); the facilitator offers sessions.
        facilitator = account("facilitator", f"demo-facilitator-{tag}", org=None)
        today = datetime.now(UTC).date()
        registered = platform.graphql(
            admin,
            REGISTER_FACILITATOR,
            input={
                "name": f"Dr Priya Raman (demo {tag})",
                "email": f"priya.raman.{tag}@academy.example.org",
                "subject": facilitator.sub,
                "organisation": f"ACAD{tag.upper()}",
                "accreditation": {
                    "level": "FACILITATOR",
                    "trainedOn": (today - timedelta(days=200)).isoformat(),
                    "expiresOn": (today + timedelta(days=700)).isoformat(),
                },
                "capacityPerMonth": 8,
                "modes": ["VIDEO"],
                "languages": ["en"],
            },
        )["registerFacilitator"]
        facilitator_card = typed(registered, "Facilitator", "registering the facilitator")
        facilitator_id: str = facilitator_card["id"]
        step(
            f"Academy admin registered facilitator {facilitator_card['name']} ({facilitator_id}),"
            f" who signs in as {facilitator.sub}"
        )

        first_day = datetime.now(UTC).replace(hour=10, minute=0, second=0, microsecond=0) + timedelta(days=3)
        offered = platform.graphql(
            facilitator,
            ADD_AVAILABILITY,
            facilitatorId=facilitator_id,
            slots=[
                {
                    "startsAt": (first_day + timedelta(days=n)).isoformat(),
                    "endsAt": (first_day + timedelta(days=n, hours=1)).isoformat(),
                }
                for n in range(3)
            ],
        )["addAvailability"]
        slots = typed(offered, "AvailabilityAdded", "adding availability")["slots"]
        step(f"The facilitator offered {len(slots)} video sessions from {_day(slots[0]['startsAt'])}")

        # The participant's 360.
        created = platform.graphql(
            participant,
            CREATE_CYCLE,
            input={
                "kind": "FEEDBACK_360",
                "questionnaireId": three_sixty["id"],
                "participantName": participant_name,
                **({"selfQuestionnaireId": self_wording["id"]} if self_wording else {}),
            },
            key=f"demo-{tag}",
        )["createCycle"]
        if not created:
            raise DemoFailed("creating the 360: the gateway answered nothing")
        cycle_id: str = created["id"]
        step(f"{participant_name} started a 360 ({cycle_id})")

        own = platform.graphql(participant, SELF_ASSESSMENT, cycleId=cycle_id)["selfAssessment"]
        if not own:
            raise DemoFailed("the participant's self-assessment questionnaire is not there")
        submitted = platform.graphql(
            participant,
            SUBMIT_SELF,
            cycleId=cycle_id,
            response=response_for(own["questionnaire"], 0, comment="I could delegate more and listen first.", seed=0),
        )["submitSelfAssessment"]
        typed(submitted, "ResponseSubmitted", "submitting the self-assessment")
        step(f"Self-assessment submitted ({len(own['questionnaire']['items'])} items)")

        raters = [
            Rater(
                f"{group.replace('_', ' ').title()} {n} (demo {tag})",
                f"{group.lower().replace('_', '.')}.{n}.{tag}@raters.example.org",
                group,
            )
            for group, count in RATER_GROUPS.items()
            for n in range(1, count + 1)
        ]
        nominated = platform.graphql(
            participant,
            NOMINATE,
            cycleId=cycle_id,
            raters=[{"name": r.name, "email": r.email, "raterGroup": r.group} for r in raters],
        )["nominateRaters"]
        if not nominated or len(nominated) != len(raters):
            raise DemoFailed(f"nominating raters: {len(nominated or [])} of {len(raters)} were nominated")
        step("Nominated " + ", ".join(f"{n} {g.lower().replace('_', ' ')}" for g, n in RATER_GROUPS.items()))

        opened = platform.graphql(
            participant, OPEN, cycleId=cycle_id, closesAt=(datetime.now(UTC) + timedelta(days=14)).isoformat()
        )["openCycle"]
        opened = typed(opened, "Cycle", "opening the 360")
        step(f"The 360 is {opened['status']} until {_day(opened['closesAt'])}; invitations are being mailed")

        # Each rater opens the link in their mail, with no account of their own, and answers.
        answer_page = ""
        for n, rater in enumerate(raters):
            token = wait_until(
                f"{rater.email}'s invitation in {config.mail_dir}",
                functools.partial(_first_token, config.mail_dir, rater.email),
                timeout_s=config.timeout_s,
                say=say,
            )
            if n == 0:
                answer_page = _first_link(config.mail_dir, rater.email) or token
                say(f"     {rater.name}'s mail links to the web front's answer page: {answer_page}")
            invitation = platform.graphql(None, INVITATION, token=token)["invitation"]
            if not invitation or not invitation["questionnaire"]:
                raise DemoFailed(f"{rater.name}'s link opens nothing")
            response = response_for(
                invitation["questionnaire"],
                GROUP_LEANING[rater.group],
                comment=f"Comment {n + 1}: sets clear priorities for the week and follows them through.",
                seed=n,
            )
            answered = platform.graphql(None, SUBMIT_INVITATION, token=token, response=response)["submitInvitation"]
            typed(answered, "ResponseSubmitted", f"{rater.name} submitting")
        step(f"All {len(raters)} raters answered through their invitation links")

        progress = platform.graphql(participant, CYCLE, id=cycle_id)["cycle"]
        counts = ", ".join(f"{p['raterGroup']} {p['submitted']}/{p['invited']}" for p in progress["progress"])
        step(f"Progress the participant sees (counts only): {counts}")

        closed = platform.graphql(participant, CLOSE, cycleId=cycle_id)["closeCycle"]
        if not closed or closed["status"] != "closed":
            raise DemoFailed(f"closing the 360: it is {closed and closed['status']}")
        step("The participant closed the 360; the report is being built")

        # The participant finds the facilitator among their matches and books a session.
        matches = platform.graphql(participant, MATCHES, cycleId=cycle_id)["facilitatorMatches"] or []
        mine = [m for m in matches if m["facilitator"]["id"] == facilitator_id and m["slots"]]
        if not mine:
            raise DemoFailed(f"the facilitator registered above is not among the participant's {len(matches)} matches")
        match = mine[0]
        top = sorted(match["reasons"], key=lambda r: -r["contribution"])[:2]
        reasons = "; ".join(r["detail"] for r in top)
        step(f"Match #{match['rank']}: {match['facilitator']['name']} (score {match['score']:.2f}; {reasons})")

        held = typed(
            platform.graphql(participant, HOLD, slotId=match["slots"][0]["slotId"], cycleId=cycle_id)["holdSession"],
            "FeedbackSession",
            "holding the session",
        )
        confirmed = typed(
            platform.graphql(participant, CONFIRM, id=held["id"])["confirmSession"],
            "FeedbackSession",
            "confirming the session",
        )
        step(f"Feedback session {confirmed['status']} for {_day(confirmed['startsAt'])} ({confirmed['id']})")

        # The report is built from events and reaches the facilitator once the booking has too.
        def built() -> dict[str, Any] | None:
            edges = (platform.graphql(facilitator, FACILITATOR_REPORTS)["reports"] or {}).get("edges") or []
            ready = [e["node"] for e in edges if e["node"]["cycleId"] == cycle_id and e["node"]["state"] == "ready"]
            return ready[0] if ready else None

        report = wait_until("the report to be built", built, timeout_s=config.timeout_s, say=say)
        step(f"Report {report['id']} is built: {report['status']}")

        released = platform.graphql(facilitator, RELEASE, id=report["id"])["releaseReport"]
        if not released or released["status"] != "released":
            raise DemoFailed(f"releasing the report: it is {released and released['status']}")
        step("The facilitator released the report at the session (coached release)")

        pdf = platform.pdf(participant, report["id"])
        config.out_dir.mkdir(parents=True, exist_ok=True)
        path = config.out_dir / f"report-{report['id']}.pdf"
        path.write_bytes(pdf)
        step(f"The participant downloaded the PDF ({len(pdf) // 1024} KiB)")
    return DemoResult(path, answer_page, report["id"], participant.sub, organisation, region)


def _first_link(directory: Path, email: str) -> str | None:
    for message in mail_to(directory, email):
        found = invitation_link(message)
        if found:
            return found.group(0)
    return None


def _first_token(directory: Path, email: str) -> str | None:
    for message in mail_to(directory, email):
        token = invitation_token(message)
        if token:
            return token
    return None


def _day(moment: str) -> str:
    return datetime.fromisoformat(moment).strftime("%a %d %b %Y %H:%M %Z").strip()


def main() -> None:
    try:
        result = run_journey(DemoConfig.from_environ())
    except DemoFailed as exc:
        sys.exit(f"\nmake demo failed: {exc}")
    except KeyboardInterrupt:
        sys.exit("\ninterrupted")
    path = result.pdf
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    print(f"\nThe report's PDF: {shown}")
    # Sent now, the link opens the page every used link opens; a new `make demo` mails fresh ones.
    print(f"The web front's answer page the first rater's mail linked to (now sent): {result.answer_page}")
    web = os.environ.get("HLM_WEB_URL", "http://127.0.0.1:8080").rstrip("/")
    print(
        f"The released report's page: {web}/reports/{result.report_id} (sign in at {web}/sign-in/development as "
        f"the participant {result.participant_sub}, organisation {result.organisation}, region {result.region})"
    )


if __name__ == "__main__":
    main()

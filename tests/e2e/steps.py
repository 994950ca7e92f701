"""What the journeys do, step by step, through the gateway's GraphQL as the app would (and over
report-svc's REST API where a partner trust calls it directly, or for a report's PDF)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import httpx

from hlm_kit.db import to_plain_url
from hlm_kit.testing.pytest_plugin import wait_for

from .harness import Platform

# Rater groups as GraphQL names them, and how many of each a 360 nominates: every group, at its
# threshold, so each is shown on its own in the report.
GROUP_SIZES = {"LINE_MANAGER": 1, "PEER": 3, "DIRECT_REPORT": 3, "OTHER": 3}
# Asynchronous effects (an event through the broker, a build, a mail) are awaited this long at most.
DEADLINE_S = 30.0


class GraphQLFailed(AssertionError):
    """The gateway answered with errors where the journey expected none."""


@dataclass(frozen=True)
class User:
    sub: str
    headers: dict[str, str]
    org: str | None = None
    region: str | None = None


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True)
class Organisation:
    """An organisation and a region of one journey alone, so what one journey counts (an organisation's
    reports, a region's register) holds nothing of another's."""

    code: str = field(default_factory=lambda: f"E2E{uuid.uuid4().hex[:6].upper()}")
    region: str = field(default_factory=lambda: unique("region"))


def user(platform: Platform, role: str, where: Organisation, *, sub: str | None = None) -> User:
    sub = sub or unique(role)
    return User(sub, platform.headers(role, sub=sub, org=where.code, region=where.region), where.code, where.region)


class Gateway:
    """POST /graphql with a user's token."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def raw(self, who: User | None, document: str, **variables: Any) -> dict[str, Any]:
        response = await self.client.post(
            "/graphql", json={"query": document, "variables": variables}, headers=who.headers if who else {}
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def run(self, who: User | None, document: str, **variables: Any) -> dict[str, Any]:
        body = await self.raw(who, document, **variables)
        if body.get("errors"):
            raise GraphQLFailed(body["errors"])
        data: dict[str, Any] = body["data"]
        return data


# ----------------------------------------------------------------------------------------------------
# The catalogue and answers
# ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Questionnaire:
    id: str
    items: tuple[tuple[str, str], ...]  # (item key, dimension key)
    dimensions: tuple[str, ...]

    def item_keys_of(self, dimension: str) -> list[str]:
        return [item for item, of in self.items if of == dimension]


QUESTIONNAIRES = """
query { framework(key: "hlm") { questionnaires { id key } } }
"""
QUESTIONNAIRE = """
query ($id: ID!) {
  questionnaire(id: $id) { id items { key dimensionKey } dimensions { key } importanceQuestions { dimensionKey } }
}
"""


async def questionnaire(gateway: Gateway, who: User, key: str) -> Questionnaire:
    listed = await gateway.run(who, QUESTIONNAIRES)
    [id] = [q["id"] for q in listed["framework"]["questionnaires"] if q["key"] == key]
    found = (await gateway.run(who, QUESTIONNAIRE, id=id))["questionnaire"]
    return Questionnaire(
        id=found["id"],
        items=tuple((i["key"], i["dimensionKey"]) for i in found["items"]),
        dimensions=tuple(d["key"] for d in found["dimensions"]),
    )


def everywhere(level: int) -> Callable[[str], int]:
    """The same level on every dimension."""
    return lambda dimension: level


def answers(questionnaire: Questionnaire, level: Callable[[str], int], *, comment: str | None = None) -> dict[str, Any]:
    """A whole response (a ResponseInput): ``level(dimension)`` for every item of that dimension,
    importance 3 everywhere, and ``comment`` on the first dimension."""
    return {
        "answers": [{"itemKey": item, "level": level(dimension)} for item, dimension in questionnaire.items],
        "importance": [{"dimensionKey": d, "rating": 3} for d in questionnaire.dimensions],
        "comments": [{"dimensionKey": questionnaire.dimensions[0], "text": comment}] if comment else [],
    }


# ----------------------------------------------------------------------------------------------------
# Cycles
# ----------------------------------------------------------------------------------------------------

CREATE_CYCLE = """
mutation ($input: CreateCycleInput!) { createCycle(input: $input) { id kind status } }
"""
NOMINATE = """
mutation ($cycleId: ID!, $raters: [RaterInput!]!) {
  nominateRaters(cycleId: $cycleId, raters: $raters) { id raterGroup }
}
"""
OPEN = """
mutation ($cycleId: ID!, $closesAt: DateTime!) {
  openCycle(cycleId: $cycleId, closesAt: $closesAt) {
    __typename
    ... on Cycle { id status }
    ... on ThresholdNotMet { message problems { location message } }
  }
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
CYCLE = """
query ($id: ID!) {
  cycle(id: $id) {
    id kind status minimumsMet
    progress { raterGroup invited submitted declined }
    report { id state status releaseMode version content }
    feedbackSession { id status facilitatorId }
  }
}
"""
CLOSE = """
mutation ($cycleId: ID!) { closeCycle(cycleId: $cycleId) { id status } }
"""
EXTEND = """
mutation ($cycleId: ID!, $closesAt: DateTime!) { extendCycle(cycleId: $cycleId, closesAt: $closesAt) { id status } }
"""
REMIND = """
mutation ($cycleId: ID!) { sendReminders(cycleId: $cycleId) { reminded } }
"""


@dataclass(frozen=True)
class Rater:
    name: str
    email: str
    group: str  # as GraphQL names it: PEER


def raters_for(sizes: dict[str, int]) -> list[Rater]:
    tag = uuid.uuid4().hex[:8]
    return [
        Rater(f"{group.title()} {n}", f"{group.lower()}.{n}.{tag}@raters.example.org", group)
        for group, count in sizes.items()
        for n in range(1, count + 1)
    ]


def closing_date(days: int = 14) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


async def create_cycle(gateway: Gateway, who: User, **input: Any) -> str:
    created = (await gateway.run(who, CREATE_CYCLE, input=input))["createCycle"]
    assert created["status"] == "draft", created
    cycle_id: str = created["id"]
    return cycle_id


async def submit_self(gateway: Gateway, who: User, cycle_id: str, response: dict[str, Any]) -> None:
    result = (await gateway.run(who, SUBMIT_SELF, cycleId=cycle_id, response=response))["submitSelfAssessment"]
    assert result["__typename"] == "ResponseSubmitted", result


async def open_360(
    gateway: Gateway,
    who: User,
    questionnaires: tuple[Questionnaire, Questionnaire],
    raters: list[Rater],
    *,
    own: dict[str, Any] | None,
    kind: str = "FEEDBACK_360",
    **input: Any,
) -> str:
    """Create a 360 (self wording beside it), nominate ``raters``, answer for oneself, open it."""
    three_sixty, self_wording = questionnaires
    cycle_id = await create_cycle(
        gateway,
        who,
        kind=kind,
        questionnaireId=three_sixty.id,
        selfQuestionnaireId=self_wording.id,
        participantName=f"Participant {who.sub}",
        **input,
    )
    nominated = await gateway.run(
        who,
        NOMINATE,
        cycleId=cycle_id,
        raters=[{"name": r.name, "email": r.email, "raterGroup": r.group} for r in raters],
    )
    assert len(nominated["nominateRaters"]) == len(raters)
    if own is not None:
        await submit_self(gateway, who, cycle_id, own)
    opened = (await gateway.run(who, OPEN, cycleId=cycle_id, closesAt=closing_date()))["openCycle"]
    assert opened["__typename"] == "Cycle", opened
    assert opened["status"] == "open", opened
    return cycle_id


async def cycle(gateway: Gateway, who: User, cycle_id: str) -> dict[str, Any]:
    found: dict[str, Any] = (await gateway.run(who, CYCLE, id=cycle_id))["cycle"]
    return found


async def report_when(
    gateway: Gateway, who: User, cycle_id: str, ready: Callable[[dict[str, Any]], bool]
) -> dict[str, Any]:
    """The cycle's report once ``ready(report)`` holds (polling; the build follows events)."""

    async def built() -> dict[str, Any] | None:
        body = await gateway.raw(who, CYCLE, id=cycle_id)
        report = ((body.get("data") or {}).get("cycle") or {}).get("report")
        return report if report is not None and ready(report) else None

    found: dict[str, Any] = await wait_for(built, timeout_s=DEADLINE_S, interval_s=0.2)
    return found


async def close(gateway: Gateway, who: User, cycle_id: str) -> None:
    closed = (await gateway.run(who, CLOSE, cycleId=cycle_id))["closeCycle"]
    assert closed["status"] == "closed", closed


# ----------------------------------------------------------------------------------------------------
# Raters, through their invitation links
# ----------------------------------------------------------------------------------------------------

INVITATION = """
query ($token: String!) { invitation(token: $token) { participantName raterGroup status } }
"""
SUBMIT_INVITATION = """
mutation ($token: String!, $response: ResponseInput!) {
  submitInvitation(token: $token, response: $response) {
    __typename
    ... on ResponseRejected { message problems { location message } }
  }
}
"""
DECLINE = """
mutation ($token: String!) { declineInvitation(token: $token) }
"""


async def tokens_of(platform: Platform, rater: Rater, *, at_least: int = 1) -> list[str]:
    """The tokens mailed to ``rater`` once at least ``at_least`` mails have arrived."""

    async def mailed() -> list[str] | None:
        tokens = platform.mail.tokens_for(rater.email)
        return tokens if len(tokens) >= at_least else None

    found: list[str] = await wait_for(mailed, timeout_s=DEADLINE_S, interval_s=0.2)
    return found


async def links_of(platform: Platform, rater: Rater, *, at_least: int = 1) -> list[str]:
    """The links mailed to ``rater``, whole, once at least ``at_least`` mails have arrived."""
    await tokens_of(platform, rater, at_least=at_least)
    return platform.mail.links_for(rater.email)


async def answer_invitation(gateway: Gateway, platform: Platform, rater: Rater, response: dict[str, Any]) -> None:
    """The rater opens the link in their mail (no account, no token of the platform's) and submits."""
    [token, *_] = await tokens_of(platform, rater)
    submitted = (await gateway.run(None, SUBMIT_INVITATION, token=token, response=response))["submitInvitation"]
    assert submitted["__typename"] == "ResponseSubmitted", submitted


# ----------------------------------------------------------------------------------------------------
# Report checks: each response counted once
# ----------------------------------------------------------------------------------------------------


def others_in(counts: dict[str, int]) -> int:
    return sum(n for group, n in counts.items() if group != "self")


def assert_counted_once(report: dict[str, Any], expected: dict[str, int], comments: set[str]) -> None:
    """The report counts exactly the responses given, group by group: none lost, none twice."""
    content = report["content"]
    counts = {group: n for group, n in content["response_counts"].items() if n}
    assert counts == expected, counts
    others = others_in(expected)
    for item in content["items"]:
        figures = item["others"]
        if figures is not None:
            assert figures["n"] + figures["not_observed"] == others, item
            assert sum(figures["distribution"].values()) == figures["n"], item
    texts = [text for dimension in content["comments"] for text in dimension["others"]]
    assert sorted(texts) == sorted(comments), texts


# ----------------------------------------------------------------------------------------------------
# Facilitators and feedback sessions
# ----------------------------------------------------------------------------------------------------

REGISTER_FACILITATOR = """
mutation ($input: FacilitatorInput!) {
  registerFacilitator(input: $input) {
    __typename
    ... on Facilitator { id }
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
MATCHES = """
query ($cycleId: ID!) {
  facilitatorMatches(cycleId: $cycleId, mode: VIDEO) { facilitator { id name } slots { slotId startsAt mode } }
}
"""
HOLD = """
mutation ($slotId: ID!, $cycleId: ID!) {
  holdSession(slotId: $slotId, cycleId: $cycleId, mode: VIDEO) {
    __typename
    ... on FeedbackSession { id status facilitatorId }
    ... on BookingConflict { message code }
  }
}
"""
CONFIRM = """
mutation ($id: ID!) {
  confirmSession(id: $id) {
    __typename
    ... on FeedbackSession { id status }
    ... on SessionChangeRefused { message code }
  }
}
"""
REPORTS = """
query { reports(first: 50) { edges { node { id cycleId status state content } } } }
"""
RELEASE = """
mutation ($id: ID!) { releaseReport(id: $id) { id status releasedAt } }
"""


@dataclass(frozen=True)
class Facilitator:
    id: str
    user: User  # their own account, linked to their profile in the register
    slot_ids: tuple[str, ...]


async def register_facilitator(
    gateway: Gateway,
    platform: Platform,
    admin: User,
    where: Organisation,
    *,
    slots: int = 2,
    level: str = "FACILITATOR",
) -> Facilitator:
    """An academy administrator adds a facilitator of another organisation in their region, accredited at
    ``level`` (FACILITATOR or TRAINER), offering ``slots`` video sessions on the coming days."""
    today = datetime.now(UTC).date()
    account = unique("facilitator-account")
    registered = (
        await gateway.run(
            admin,
            REGISTER_FACILITATOR,
            input={
                "name": f"Facilitator {uuid.uuid4().hex[:6]}",
                # The account they sign in with, which report-svc knows them by once they are booked.
                "subject": account,
                "email": f"{unique('facilitator')}@academy.example.org",
                "organisation": f"FAC{uuid.uuid4().hex[:6].upper()}",
                "accreditation": {
                    "level": level,
                    "trainedOn": (today - timedelta(days=200)).isoformat(),
                    "expiresOn": (today + timedelta(days=500)).isoformat(),
                },
                "capacityPerMonth": 10,
                "modes": ["VIDEO"],
            },
        )
    )["registerFacilitator"]
    assert registered["__typename"] == "Facilitator", registered
    facilitator_id: str = registered["id"]
    start = datetime.now(UTC).replace(hour=10, minute=0, second=0, microsecond=0)
    offered = (
        await gateway.run(
            admin,
            ADD_AVAILABILITY,
            facilitatorId=facilitator_id,
            slots=[
                {
                    "startsAt": (start + timedelta(days=3 + n)).isoformat(),
                    "endsAt": (start + timedelta(days=3 + n, hours=1)).isoformat(),
                }
                for n in range(slots)
            ],
        )
    )["addAvailability"]
    assert offered["__typename"] == "AvailabilityAdded", offered
    signed_in = User(account, platform.headers("facilitator", sub=account, region=where.region), region=where.region)
    return Facilitator(facilitator_id, signed_in, tuple(slot["id"] for slot in offered["slots"]))


async def book(gateway: Gateway, participant: User, cycle_id: str, facilitator: Facilitator) -> str:
    """The participant finds the facilitator among their matches, holds one of their sessions and confirms it."""
    matches = (await gateway.run(participant, MATCHES, cycleId=cycle_id))["facilitatorMatches"]
    [match] = [m for m in matches if m["facilitator"]["id"] == facilitator.id]
    slot_id = match["slots"][0]["slotId"]
    held = (await gateway.run(participant, HOLD, slotId=slot_id, cycleId=cycle_id))["holdSession"]
    assert held["__typename"] == "FeedbackSession", held
    confirmed = (await gateway.run(participant, CONFIRM, id=held["id"]))["confirmSession"]
    assert confirmed["__typename"] == "FeedbackSession", confirmed
    assert confirmed["status"] == "confirmed", confirmed
    session_id: str = confirmed["id"]
    return session_id


async def facilitator_sees_report(gateway: Gateway, facilitator: Facilitator, cycle_id: str) -> dict[str, Any]:
    """The report of ``cycle_id`` once it is built and the booking has reached report-svc."""

    async def listed() -> dict[str, Any] | None:
        body = await gateway.raw(facilitator.user, REPORTS)
        edges = ((body.get("data") or {}).get("reports") or {}).get("edges") or []
        found = [e["node"] for e in edges if e["node"]["cycleId"] == cycle_id and e["node"]["state"] == "ready"]
        return found[0] if found else None

    report: dict[str, Any] = await wait_for(listed, timeout_s=DEADLINE_S, interval_s=0.2)
    return report


# ----------------------------------------------------------------------------------------------------
# Group reports
# ----------------------------------------------------------------------------------------------------

GROUP_REPORT = """
query ($scope: GroupScope!, $value: String!, $questionnaireId: ID!) {
  groupReport(scope: $scope, value: $value, questionnaireId: $questionnaireId) {
    __typename
    ... on GroupReport { id participantCount content }
    ... on GroupTooSmall { message }
  }
}
"""


CREATE_TEAM_CYCLE = """
mutation ($input: CreateTeamCycleInput!) {
  createTeamCycle(input: $input) {
    __typename
    ... on TeamCycle { id name }
    ... on TeamCycleRefused { message problems { location message } }
  }
}
"""
TEAM_CYCLE = """
query ($id: ID!) { teamCycle(id: $id) { id name members membersByStatus { status count } } }
"""


async def start_team(gateway: Gateway, who: User, name: str) -> str:
    """A team 360 started by ``who`` (an academy administrator or a participant); its id."""
    started = (await gateway.run(who, CREATE_TEAM_CYCLE, input={"name": name}))["createTeamCycle"]
    assert started["__typename"] == "TeamCycle", started
    team_id: str = started["id"]
    return team_id


async def group_report(gateway: Gateway, who: User, scope: str, value: str, questionnaire_id: str) -> dict[str, Any]:
    result: dict[str, Any] = (
        await gateway.run(who, GROUP_REPORT, scope=scope, value=value, questionnaireId=questionnaire_id)
    )["groupReport"]
    return result


async def self_assessment(gateway: Gateway, who: User, self_wording: Questionnaire, level: int) -> dict[str, Any]:
    """A self-assessment answered at ``level`` throughout; its report once released (at once)."""
    cycle_id = await create_cycle(
        gateway, who, kind="SELF_ASSESSMENT", questionnaireId=self_wording.id, participantName=f"Participant {who.sub}"
    )
    await submit_self(gateway, who, cycle_id, answers(self_wording, everywhere(level)))
    return await report_when(gateway, who, cycle_id, lambda r: r["status"] == "released")


GIVE_CONSENT = """
mutation {
  giveReportSharingConsent {
    __typename
    ... on ReportSharingConsent { given organisation }
  }
}
"""
WITHDRAW_CONSENT = """
mutation { withdrawReportSharingConsent { given } }
"""


RECORD_OBSERVATION = """
mutation ($input: RecordObservationInput!) {
  recordObservation(input: $input) { __typename ... on Observation { id } }
}
"""
MY_JOURNEY = """
query { cycles(first: 50) { edges { node { id } } } observations(first: 50) { edges { node { id } } } }
"""
SESSION = """
query ($id: ID!) { feedbackSession(id: $id) { id status participantId cycleId } }
"""
REPORT = """
query ($id: ID!) { report(id: $id) { id } }
"""
ERASE_MY_DATA = """
mutation { eraseMyData { participantId } }
"""


# ----------------------------------------------------------------------------------------------------
# Delivered sessions, training courses and the public register
# ----------------------------------------------------------------------------------------------------

COMPLETE_SESSION = """
mutation ($id: ID!) {
  completeSession(id: $id) {
    __typename
    ... on FeedbackSession { id status }
    ... on SessionChangeRefused { message code }
  }
}
"""
EXPRESS_INTEREST = """
mutation ($statement: String) {
  expressInterest(statement: $statement) {
    __typename
    ... on TrainerInterest { id facilitatorId deliveredSessions }
    ... on NotEligible { message reasons { type message } }
    ... on TrainingRefused { message code }
  }
}
"""
CREATE_COURSE = """
mutation ($input: CourseInput!) {
  createCourse(input: $input) {
    __typename
    ... on Course { id kind trainerId capacity }
    ... on TrainingRefused { message problems { location message } }
  }
}
"""
COURSE = """
query ($id: ID!) {
  course(id: $id) { id kind placesTaken waiting enrolments { id email status facilitatorId attended } }
}
"""
ENROL = """
mutation ($courseId: ID!, $facilitatorId: ID, $person: TraineeInput) {
  enrol(courseId: $courseId, facilitatorId: $facilitatorId, person: $person) {
    __typename
    ... on Enrolment { id status facilitatorId email waitingPosition }
    ... on NotEligible { message reasons { type message } }
    ... on TrainingRefused { message code }
  }
}
"""
RECORD_ASSESSMENT = """
mutation ($input: AssessmentResultInput!) {
  recordAssessment(input: $input) {
    __typename
    ... on TrainingAssessment { id isPassed passMark }
    ... on TrainingRefused { message problems { location message } }
  }
}
"""
RECORD_ATTENDANCE = """
mutation ($enrolmentId: ID!, $attended: Boolean!) {
  recordAttendance(enrolmentId: $enrolmentId, attended: $attended) {
    __typename
    ... on Enrolment { id attended }
    ... on TrainingRefused { message code }
  }
}
"""
COMPLETE_COURSE = """
mutation ($enrolmentId: ID!) {
  completeCourse(enrolmentId: $enrolmentId) {
    __typename
    ... on CourseCompleted {
      enrolment { id status }
      accreditation { facilitatorId level grantedOn expiresOn addedToRegister }
    }
    ... on CompletionRefused { message reasons { type message } }
    ... on TrainingRefused { message code }
  }
}
"""
FACILITATOR = """
query ($id: ID!) { facilitator(id: $id) { id name email status accreditation { level isCurrent } } }
"""
UPDATE_FACILITATOR = """
mutation ($id: ID!, $input: FacilitatorChangesInput!) {
  updateFacilitator(id: $id, input: $input) {
    __typename
    ... on Facilitator { id status }
    ... on RegisterRefused { message problems { location message } }
  }
}
"""
PUBLIC_REGISTER = """
query ($region: String, $after: String) {
  publicRegister(region: $region, first: 100, after: $after) {
    edges { node { id name region modes accreditationLevel } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
RESOURCE = """
query ($key: String!) { resource(key: $key) { key title kind link serves { framework dimension } } }
"""
SET_GOAL = """
mutation ($input: SetGoalInput!) {
  setGoal(input: $input) {
    __typename
    ... on Goal { id title dimensionKeys }
    ... on GoalRejected { message problems { location message } }
  }
}
"""
# A session is offered this far ahead: long enough to be booked before it starts, short enough to wait for.
SESSION_LEAD = timedelta(seconds=15)


async def offer_sessions(gateway: Gateway, admin: User, facilitator_id: str, starts: list[datetime]) -> list[str]:
    """The administrator offers one-hour video sessions of the facilitator starting at ``starts``; their ids."""
    offered = (
        await gateway.run(
            admin,
            ADD_AVAILABILITY,
            facilitatorId=facilitator_id,
            slots=[{"startsAt": at.isoformat(), "endsAt": (at + timedelta(hours=1)).isoformat()} for at in starts],
        )
    )["addAvailability"]
    assert offered["__typename"] == "AvailabilityAdded", offered
    return [slot["id"] for slot in offered["slots"]]


async def deliver_session(
    gateway: Gateway, admin: User, facilitator: Facilitator, participant: User, questionnaires: tuple[str, str]
) -> str:
    """A feedback session delivered as the platform records one: the participant books a session of the
    facilitator that starts shortly, for their assessment cycle, and once it has started the facilitator
    marks it completed. The booking's id."""
    [slot_id] = await offer_sessions(gateway, admin, facilitator.id, [datetime.now(UTC) + SESSION_LEAD])
    three_sixty, self_wording = questionnaires
    cycle_id = await create_cycle(
        gateway,
        participant,
        kind="FEEDBACK_360",
        questionnaireId=three_sixty,
        selfQuestionnaireId=self_wording,
        participantName=f"Participant {participant.sub}",
    )
    held = (await gateway.run(participant, HOLD, slotId=slot_id, cycleId=cycle_id))["holdSession"]
    assert held["__typename"] == "FeedbackSession", held
    confirmed = (await gateway.run(participant, CONFIRM, id=held["id"]))["confirmSession"]
    assert confirmed["status"] == "confirmed", confirmed

    async def completed() -> bool:
        done: dict[str, Any] = (await gateway.run(facilitator.user, COMPLETE_SESSION, id=held["id"]))["completeSession"]
        return bool(done["__typename"] == "FeedbackSession" and done["status"] == "completed")

    await wait_for(completed, timeout_s=SESSION_LEAD.total_seconds() + DEADLINE_S, interval_s=1)
    booking_id: str = held["id"]
    return booking_id


async def create_course(gateway: Gateway, admin: User, kind: str, trainer_id: str, *, capacity: int) -> str:
    """The administrator schedules a one-day video course of their region for tomorrow; its id."""
    created = (
        await gateway.run(
            admin,
            CREATE_COURSE,
            input={
                "kind": kind,
                "title": f"{kind.replace('_', ' ').title()} {uuid.uuid4().hex[:4]}",
                "startsOn": (academy_today() + timedelta(days=1)).isoformat(),
                "mode": "VIDEO",
                "capacity": capacity,
                "trainerId": trainer_id,
            },
        )
    )["createCourse"]
    assert created["__typename"] == "Course", created
    course_id: str = created["id"]
    return course_id


async def enrol(gateway: Gateway, who: User, course_id: str, **whom: Any) -> dict[str, Any]:
    """An enrolment on the course: ``who`` themself (a facilitator), or whom an administrator names."""
    enrolled: dict[str, Any] = (await gateway.run(who, ENROL, courseId=course_id, **whom))["enrol"]
    assert enrolled["__typename"] == "Enrolment", enrolled
    return enrolled


def academy_today() -> date:
    """The academies' calendar day (facilitator-svc's default time zone), which courses are dated by."""
    return datetime.now(ZoneInfo("Europe/London")).date()


async def course_day_comes(platform: Platform, course_id: str) -> None:
    """The course's day arrives: its dates become today, as the calendar would move them by the time the
    trainer records attendance (a course cannot be scheduled for today, nor recorded before it starts)."""
    url = platform.processes["facilitator"].env["FACILITATOR_DATABASE_URL"]
    connection = await asyncpg.connect(to_plain_url(url))
    try:
        moved = await connection.execute(
            "UPDATE facilitator.training_course SET starts_on = $2, ends_on = $2 WHERE id = $1",
            uuid.UUID(course_id),
            academy_today(),
        )
    finally:
        await connection.close()
    assert moved == "UPDATE 1", moved


async def attend_and_complete(gateway: Gateway, trainer: User, enrolment_id: str) -> dict[str, Any]:
    """The trainer records that the person attended and completes the course for them; the answer."""
    attended = (await gateway.run(trainer, RECORD_ATTENDANCE, enrolmentId=enrolment_id, attended=True))[
        "recordAttendance"
    ]
    assert attended == {"__typename": "Enrolment", "id": enrolment_id, "attended": True}, attended
    completed: dict[str, Any] = (await gateway.run(trainer, COMPLETE_COURSE, enrolmentId=enrolment_id))[
        "completeCourse"
    ]
    return completed


async def public_register(gateway: Gateway, who: User, region: str) -> dict[str, dict[str, Any]]:
    """Every entry the public register shows for the region, by id, read page by page."""
    entries: dict[str, dict[str, Any]] = {}
    after: str | None = None
    while True:
        page = (await gateway.run(who, PUBLIC_REGISTER, region=region, after=after))["publicRegister"]
        entries |= {edge["node"]["id"]: edge["node"] for edge in page["edges"]}
        if not page["pageInfo"]["hasNextPage"]:
            return entries
        after = page["pageInfo"]["endCursor"]

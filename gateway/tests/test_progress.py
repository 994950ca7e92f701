"""A participant's progress between two released reports through GraphQL (``Report.progress``) and as PDF
beside it, against report-svc running in-process on the real database: the comparison for whoever may
read both reports, typed answers for an earliest report and for two reports that cannot be compared, and
report-svc's refusals for anyone else."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest_asyncio

from hlm_contracts import CycleClosedV1, EventData, ResponseSubmittedV1
from hlm_contracts.enums import RatingLevel
from hlm_kit.testing.pytest_plugin import AuthHeaders

from .test_reports import CLOSED_AT, apply, ask, codes, cycle_events, questionnaire, report_id_of

PROGRESS = """
query ($id: ID!, $since: ID) {
  report(id: $id) {
    id
    progress(since: $since) {
      __typename
      ... on Progress { reportId sinceReportId participantId content pdfUrl }
      ... on NoEarlierReport { message }
      ... on ReportsNotComparable { message }
    }
  }
}
"""
REPORT_CONTENT = "query ($id: ID!) { report(id: $id) { content } }"


@dataclass(frozen=True)
class Cycles:
    participant: str
    earlier: str  # the report of a 360 closed half a year before
    later: str  # the report of the next 360, where every rater answered a level higher (up to 4)
    stranger: str  # another participant
    strangers_report: str  # their one report, on the same questionnaire


def _closed_at(events: list[EventData], closed_at: Any) -> list[EventData]:
    return [e.model_copy(update={"closed_at": closed_at}) if isinstance(e, CycleClosedV1) else e for e in events]


def _a_level_higher(events: list[EventData]) -> list[EventData]:
    def higher(event: ResponseSubmittedV1) -> ResponseSubmittedV1:
        answers = [
            a.model_copy(update={"level": RatingLevel(min(4, a.level + 1))}) if a.level is not None else a
            for a in event.answers
        ]
        return event.model_copy(update={"answers": answers})

    return [higher(e) if isinstance(e, ResponseSubmittedV1) else e for e in events]


@pytest_asyncio.fixture
async def cycles(journey_database_urls: dict[str, str]) -> Cycles:
    tag = uuid.uuid4().hex[:8]
    questionnaire_id = uuid.uuid4()
    participant, stranger = f"gateway-progress-{tag}", f"gateway-progress-stranger-{tag}"

    def closed(participant_id: str) -> tuple[uuid.UUID, list[EventData]]:
        return cycle_events(
            participant_id=participant_id,
            questionnaire_id=questionnaire_id,
            organisation=f"ORG{tag}",
            region=f"region-{tag}",
            team_cycle_id=None,
            release_mode="direct",
        )

    earlier_id, earlier = closed(participant)
    later_id, later = closed(participant)
    stranger_id, strangers = closed(stranger)
    await apply(
        journey_database_urls["report"],
        [
            questionnaire(questionnaire_id),
            *_closed_at(earlier, CLOSED_AT - timedelta(days=180)),
            *_a_level_higher(later),
            *strangers,
        ],
    )
    return Cycles(
        participant=participant,
        earlier=report_id_of(earlier_id),
        later=report_id_of(later_id),
        stranger=stranger,
        strangers_report=report_id_of(stranger_id),
    )


async def test_a_participant_reads_their_progress_since_their_earlier_report_and_downloads_it_as_pdf(
    gateway_with: Any, journey_services: dict[str, Any], cycles: Cycles, auth: AuthHeaders
) -> None:
    owner = auth("participant", sub=cycles.participant)

    async with gateway_with(journey_services) as gateway:
        found = await ask(gateway, owner, PROGRESS, id=cycles.later)
        named = await ask(gateway, owner, PROGRESS, id=cycles.later, since=cycles.earlier)
        then = (await ask(gateway, owner, REPORT_CONTENT, id=cycles.earlier))["data"]["report"]["content"]
        now = (await ask(gateway, owner, REPORT_CONTENT, id=cycles.later))["data"]["report"]["content"]
        url = found["data"]["report"]["progress"]["pdfUrl"]
        pdf = await gateway.get(url, headers=owner)

    assert "errors" not in found, found
    progress = found["data"]["report"]["progress"]
    assert progress["__typename"] == "Progress"
    # By default the comparison is with the participant's latest earlier report on the same framework.
    assert (progress["reportId"], progress["sinceReportId"], progress["participantId"]) == (
        cycles.later,
        cycles.earlier,
        cycles.participant,
    )
    assert named["data"]["report"]["progress"] == progress

    # Every figure is one of the two reports' own, and the change is now minus then.
    content = progress["content"]
    assert [d["key"] for d in content["dimensions"]] == [d["key"] for d in now["dimensions"]]
    for dimension, before, after in zip(content["dimensions"], then["dimensions"], now["dimensions"], strict=True):
        others = dimension["others"]
        assert others["then"]["score"] == before["others"]["score"]
        assert others["now"]["score"] == after["others"]["score"]
        assert Decimal(str(others["change"])) == Decimal(str(after["others"]["score"])) - Decimal(
            str(before["others"]["score"])
        )
        assert others["change"] > 0  # every rater answered a level higher (or stayed at 4)
        assert dimension["groups"]["line_manager"]["now"]["score"] == after["groups"]["line_manager"]["score"]
    assert {g["key"] for g in content["groups"]} == {"line_manager", "peer"}

    assert url == f"/reports/{cycles.later}/progress.pdf?since={cycles.earlier}"
    assert pdf.status_code == 200, pdf.text
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert "no-store" in pdf.headers["cache-control"]


async def test_an_earliest_report_and_two_reports_that_cannot_be_compared_are_typed_answers(
    gateway_with: Any, journey_services: dict[str, Any], cycles: Cycles, auth: AuthHeaders
) -> None:
    owner = auth("participant", sub=cycles.participant)

    async with gateway_with(journey_services) as gateway:
        earliest = await ask(gateway, owner, PROGRESS, id=cycles.earlier)
        backwards = await ask(gateway, owner, PROGRESS, id=cycles.earlier, since=cycles.later)
        itself = await ask(gateway, owner, PROGRESS, id=cycles.later, since=cycles.later)
        backwards_pdf = await gateway.get(f"/reports/{cycles.earlier}/progress.pdf?since={cycles.later}", headers=owner)
        earliest_pdf = await gateway.get(f"/reports/{cycles.earlier}/progress.pdf", headers=owner)

    for answer in (earliest, backwards, itself):
        assert "errors" not in answer, answer
    assert earliest["data"]["report"]["progress"] == {
        "__typename": "NoEarlierReport",
        "message": "no earlier released report on the same framework that you may read to compare with",
    }
    assert backwards["data"]["report"]["progress"] == {
        "__typename": "ReportsNotComparable",
        "message": "these reports cannot be compared: `since` must be a report of an earlier cycle",
    }
    assert itself["data"]["report"]["progress"]["__typename"] == "ReportsNotComparable"
    assert "same participant" in itself["data"]["report"]["progress"]["message"]

    # The PDF route answers the same refusals as problem documents, never a PDF.
    assert backwards_pdf.status_code == 409
    assert earliest_pdf.status_code == 404
    for refused in (backwards_pdf, earliest_pdf):
        assert refused.headers["content-type"] == "application/problem+json", refused.text
        assert refused.json()["status"] == refused.status_code
        assert b"%PDF" not in refused.content


async def test_progress_since_a_report_the_caller_may_not_read_is_not_found_and_a_bad_id_reaches_no_service(
    gateway_with: Any, journey_services: dict[str, Any], cycles: Cycles, auth: AuthHeaders
) -> None:
    stranger = auth("participant", sub=cycles.stranger)
    owner = auth("participant", sub=cycles.participant)
    report = journey_services["report"]

    async with gateway_with(journey_services) as gateway:
        # The stranger's own report compared with the participant's: as if the participant's did not exist.
        since_theirs = await ask(gateway, stranger, PROGRESS, id=cycles.strangers_report, since=cycles.later)
        theirs_pdf = await gateway.get(f"/reports/{cycles.later}/progress.pdf", headers=stranger)
        anonymous_pdf = await gateway.get(f"/reports/{cycles.later}/progress.pdf")
        report.queries.clear()
        bad_since = await ask(gateway, owner, PROGRESS, id=cycles.later, since="not-a-report")
        calls_for_bad_since = {path for (_, path, _) in report.queries}

    assert codes(since_theirs) == ["NOT_FOUND"]
    assert since_theirs["data"]["report"] == {"id": cycles.strangers_report, "progress": None}
    assert theirs_pdf.status_code == 404
    assert anonymous_pdf.status_code == 401
    for refused in (theirs_pdf, anonymous_pdf):
        assert refused.headers["content-type"] == "application/problem+json", refused.text
        assert b"%PDF" not in refused.content

    assert codes(bad_since) == ["BAD_USER_INPUT"]
    assert "since" in bad_since["errors"][0]["message"]
    assert bad_since["data"]["report"]["progress"] is None
    # The report itself is read; its progress, with an id that is none, is never asked of report-svc.
    assert not any(path.endswith("/progress") for path in calls_for_bad_since)

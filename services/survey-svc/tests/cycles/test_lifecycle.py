"""A cycle's life through the API: created, self answered, opened, closed, extended, converted."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from hlm_contracts import QuestionnairePublishedV1
from hlm_kit.testing.pytest_plugin import TEST_JWT_AUDIENCE, TEST_JWT_ISSUER, TEST_JWT_SECRET, AuthHeaders
from hlm_kit.tokens import mint_token
from survey_svc import workers
from survey_svc.questionnaires.repository import QuestionnaireRepository

Problem = Any


def _types(envelopes: list[dict[str, Any]]) -> list[str]:
    return [e["type"].removeprefix("hlm.survey.").removesuffix(".v1") for e in envelopes]


async def test_a_participant_creates_a_draft_360_pinned_to_a_questionnaire(
    survey: Any, hlm_360: QuestionnairePublishedV1
) -> None:
    cycle = await survey.create()

    assert cycle["status"] == "draft"
    assert cycle["kind"] == "feedback_360"
    assert cycle["questionnaire_id"] == str(hlm_360.questionnaire_id)
    assert (cycle["organisation"], cycle["region"]) == ("RX1", "london")
    assert cycle["thresholds"] == {"line_manager": 1, "peer": 3, "direct_report": 3, "other": 3, "others_total": 4}
    assert (cycle["progress"], cycle["self_status"], cycle["requires_approval"]) == ([], "not_started", False)


async def test_a_retried_create_with_the_same_idempotency_key_returns_the_first_cycle(
    client: httpx.AsyncClient, survey: Any, session: AsyncSession
) -> None:
    body = {
        "kind": "feedback_360",
        "questionnaire_id": str(survey.hlm_360.questionnaire_id),
        "participant_name": "Alex Morgan",
    }
    headers = {**survey.participant, "Idempotency-Key": "create-7f3a"}

    first = await client.post("/v1/cycles", json=body, headers=headers)
    again = await client.post("/v1/cycles", json=body, headers=headers)

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    # Counted among this participant's cycles: other tests of the module may keep cycles of their own.
    mine = text(
        "SELECT count(*) FROM survey.cycle WHERE participant_id = "
        "(SELECT participant_id FROM survey.cycle WHERE id = CAST(:id AS uuid))"
    )
    assert await session.scalar(mine, {"id": first.json()["id"]}) == 1


async def test_a_token_without_organisation_cannot_create_a_cycle(
    client: httpx.AsyncClient, auth: AuthHeaders, hlm_360: QuestionnairePublishedV1, assert_problem: Problem
) -> None:

    token = mint_token(
        TEST_JWT_SECRET, sub="p-9", roles=["participant"], issuer=TEST_JWT_ISSUER, audience=TEST_JWT_AUDIENCE
    )
    body = {"kind": "feedback_360", "questionnaire_id": str(hlm_360.questionnaire_id), "participant_name": "Alex"}

    response = await client.post("/v1/cycles", json=body, headers={"Authorization": f"Bearer {token}"})

    assert_problem(response, 403)


async def test_a_cycle_on_a_questionnaire_of_the_wrong_purpose_or_unknown_lists_every_problem(
    client: httpx.AsyncClient, survey: Any, stored_state: Any, assert_problem: Problem
) -> None:
    before = await stored_state()
    body = {
        "kind": "self_assessment",
        "questionnaire_id": str(survey.hlm_360.questionnaire_id),  # a 360 questionnaire
        "self_questionnaire_id": "00000000-0000-0000-0000-000000000001",
        "participant_name": "Alex",
        "requires_approval": True,
        "thresholds": {"line_manager": 1, "peer": 2, "direct_report": 1, "other": 3, "others_total": 3},
    }

    problem = assert_problem(await client.post("/v1/cycles", json=body, headers=survey.participant), 422)

    assert sorted(tuple(e["loc"]) for e in problem["errors"]) == [
        ("body", "questionnaire_id"),
        ("body", "requires_approval"),
        ("body", "self_questionnaire_id"),
        ("body", "thresholds", "direct_report"),
        ("body", "thresholds", "others_total"),
        ("body", "thresholds", "peer"),
    ]
    assert await stored_state() == before


async def test_a_cycle_may_raise_its_thresholds_and_then_needs_more_raters_to_open(
    survey: Any, client: httpx.AsyncClient, assert_problem: Problem
) -> None:
    thresholds = {"line_manager": 1, "peer": 4, "direct_report": 3, "other": 3, "others_total": 6}
    cycle = await survey.create(thresholds=thresholds)
    await survey.nominate(cycle["id"], survey.raters(peers=4))
    closes_at = (datetime.now(UTC) + timedelta(days=10)).isoformat()

    problem = assert_problem(
        await client.post(f"/v1/cycles/{cycle['id']}/open", json={"closes_at": closes_at}, headers=survey.participant),
        422,
    )

    assert cycle["thresholds"] == thresholds
    assert [e["type"] for e in problem["errors"]] == ["too_few_raters"]
    assert "at least 6" in problem["errors"][0]["msg"]


async def test_the_participant_saves_and_submits_their_own_answers_in_the_self_wording(
    survey: Any, client: httpx.AsyncClient, full_answers: Any, hlm_self: QuestionnairePublishedV1
) -> None:
    cycle = await survey.create()
    partial = {"answers": [{"item_key": hlm_self.items[0].key, "level": 2}]}

    saved = await client.put(f"/v1/cycles/{cycle['id']}/self", json=partial, headers=survey.participant)
    view = (await client.get(f"/v1/cycles/{cycle['id']}/self", headers=survey.participant)).json()
    submitted = await client.post(
        f"/v1/cycles/{cycle['id']}/self/submit", json=full_answers(hlm_self, 3), headers=survey.participant
    )

    assert saved.status_code == 200
    assert (view["status"], view["answers"]["answers"]) == ("draft", partial["answers"])
    assert view["questionnaire"]["id"] == str(hlm_self.questionnaire_id)
    assert view["questionnaire"]["items"][0]["text"].startswith("I ")
    assert submitted.status_code == 201
    after = (await client.get(f"/v1/cycles/{cycle['id']}/self", headers=survey.participant)).json()
    assert after["status"] == "submitted"
    assert (await client.get(f"/v1/cycles/{cycle['id']}", headers=survey.participant)).json()[
        "self_status"
    ] == "submitted"


async def test_own_answers_are_submitted_once(
    survey: Any, client: httpx.AsyncClient, full_answers: Any, stored_state: Any, assert_problem: Problem
) -> None:
    cycle = await survey.create()
    url = f"/v1/cycles/{cycle['id']}/self/submit"
    assert (
        await client.post(url, json=full_answers(survey.hlm_self, 3), headers=survey.participant)
    ).status_code == 201
    before = await stored_state()

    again = await client.post(url, json=full_answers(survey.hlm_self, 1), headers=survey.participant)
    draft = await client.put(f"/v1/cycles/{cycle['id']}/self", json={}, headers=survey.participant)

    assert assert_problem(again, 409)["type"].endswith("/self-already-submitted")
    assert_problem(draft, 409)
    assert await stored_state() == before


async def test_submitting_a_self_assessment_completes_it_at_once(
    survey: Any, client: httpx.AsyncClient, full_answers: Any, hlm_self: QuestionnairePublishedV1, outbox_envelopes: Any
) -> None:
    cycle = await survey.create(
        kind="self_assessment", questionnaire_id=str(hlm_self.questionnaire_id), self_questionnaire_id=None
    )

    submitted = await client.post(
        f"/v1/cycles/{cycle['id']}/self/submit", json=full_answers(hlm_self, 4), headers=survey.participant
    )

    assert submitted.status_code == 201
    done = (await client.get(f"/v1/cycles/{cycle['id']}", headers=survey.participant)).json()
    assert (done["status"], done["close_reason"]) == ("closed", "self_assessment_submitted")
    envelopes = await outbox_envelopes(cycle["id"])
    assert _types(envelopes) == ["cycle.opened", "response.submitted", "cycle.closed"]
    assert envelopes[0]["data"]["kind"] == "self_assessment"
    assert envelopes[1]["data"]["rater_group"] == "self"
    assert envelopes[2]["data"]["invited"] == {"self": 1}
    assert envelopes[2]["data"]["submitted"] == {"self": 1}


async def test_opening_publishes_the_cycle_then_its_nominations_then_the_self_answers(
    survey: Any, client: httpx.AsyncClient, full_answers: Any, outbox_envelopes: Any
) -> None:
    cycle = await survey.create()
    await client.post(
        f"/v1/cycles/{cycle['id']}/self/submit", json=full_answers(survey.hlm_self), headers=survey.participant
    )
    await survey.nominate(cycle["id"], survey.raters(peers=3))
    assert await outbox_envelopes(cycle["id"]) == []  # nothing leaves before the cycle opens

    await survey.open(cycle["id"])

    assert _types(await outbox_envelopes(cycle["id"])) == [
        "cycle.opened",
        *["rater.nominated"] * 4,
        "response.submitted",
    ]


async def test_a_cycle_cannot_open_with_too_few_raters_or_a_closing_date_in_the_past(
    survey: Any, client: httpx.AsyncClient, stored_state: Any, assert_problem: Problem
) -> None:
    cycle = await survey.create()
    await survey.nominate(cycle["id"], survey.raters(peers=2))
    before = await stored_state()
    past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()

    problem = assert_problem(
        await client.post(f"/v1/cycles/{cycle['id']}/open", json={"closes_at": past}, headers=survey.participant), 422
    )

    assert sorted(e["type"] for e in problem["errors"]) == ["in_the_past", "too_few_raters"]
    assert await stored_state() == before


@pytest.mark.parametrize("closes_at", ["2027-01-01T10:00:00", "next week", None])
async def test_a_closing_date_must_be_an_aware_time(
    survey: Any, client: httpx.AsyncClient, assert_problem: Problem, closes_at: str | None
) -> None:
    cycle = await survey.create()

    response = await client.post(
        f"/v1/cycles/{cycle['id']}/open", json={"closes_at": closes_at}, headers=survey.participant
    )

    assert assert_problem(response, 422)["errors"][0]["loc"] == ["body", "closes_at"]


async def test_a_closing_date_too_far_off_is_refused(
    survey: Any, client: httpx.AsyncClient, assert_problem: Problem
) -> None:
    cycle = await survey.create()
    await survey.nominate(cycle["id"], survey.raters())
    far = (datetime.now(UTC) + timedelta(days=400)).isoformat()

    problem = assert_problem(
        await client.post(f"/v1/cycles/{cycle['id']}/open", json={"closes_at": far}, headers=survey.participant), 422
    )

    assert [e["type"] for e in problem["errors"]] == ["too_late"]


async def test_the_participant_closes_early_only_once_the_minimum_has_submitted(
    survey: Any, client: httpx.AsyncClient, full_answers: Any, assert_problem: Problem, outbox_envelopes: Any
) -> None:
    cycle, raters = await survey.open_360(peers=3)
    tokens = await survey.tokens(raters)
    for rater in raters[:3]:
        await client.post(f"/v1/invitations/{tokens[rater['email']]}/submit", json=full_answers(survey.hlm_360))

    early = await client.post(f"/v1/cycles/{cycle['id']}/close", headers=survey.participant)
    await client.post(f"/v1/invitations/{tokens[raters[3]['email']]}/submit", json=full_answers(survey.hlm_360))
    closed = await client.post(f"/v1/cycles/{cycle['id']}/close", headers=survey.participant)

    assert assert_problem(early, 409)["type"].endswith("/minimums-not-met")
    assert closed.status_code == 200
    assert (closed.json()["status"], closed.json()["close_reason"]) == ("closed", "participant")
    last = (await outbox_envelopes(cycle["id"]))[-1]
    assert last["type"] == "hlm.survey.cycle.closed.v1"
    assert last["data"]["invited"] == {"self": 1, "line_manager": 1, "peer": 3}
    assert last["data"]["submitted"] == {"self": 0, "line_manager": 1, "peer": 3}


async def test_a_cycle_past_its_closing_date_is_closed_by_the_scheduled_task(
    survey: Any,
    session: AsyncSession,
    sessionmaker: Any,
    settings: Any,
    client: httpx.AsyncClient,
    outbox_envelopes: Any,
) -> None:
    cycle, _ = await survey.open_360()
    await session.execute(
        text("UPDATE survey.cycle SET closes_at = now() - interval '1 minute' WHERE id = :id"), {"id": cycle["id"]}
    )
    await session.commit()

    closed = await workers.close_due_cycles(sessionmaker, settings)

    assert closed == 1
    after = (await client.get(f"/v1/cycles/{cycle['id']}", headers=survey.participant)).json()
    assert (after["status"], after["close_reason"]) == ("closed", "closing_date")
    assert (await outbox_envelopes(cycle["id"]))[-1]["type"] == "hlm.survey.cycle.closed.v1"
    assert await workers.close_due_cycles(sessionmaker, settings) == 0


async def test_extending_moves_the_closing_date_later_only(
    survey: Any, client: httpx.AsyncClient, auth: AuthHeaders, assert_problem: Problem
) -> None:
    cycle, _ = await survey.open_360()
    later = datetime.fromisoformat(cycle["closes_at"]) + timedelta(days=7)
    earlier = datetime.fromisoformat(cycle["closes_at"]) - timedelta(days=1)

    refused = await client.post(
        f"/v1/cycles/{cycle['id']}/extend", json={"closes_at": earlier.isoformat()}, headers=survey.participant
    )
    extended = await client.post(
        f"/v1/cycles/{cycle['id']}/extend",
        json={"closes_at": later.isoformat()},
        headers=auth("academy_admin", sub="admin-1"),
    )

    assert [e["type"] for e in assert_problem(refused, 422)["errors"]] == ["not_later"]
    assert extended.status_code == 200
    assert datetime.fromisoformat(extended.json()["closes_at"]) == later


async def test_extending_a_closed_cycle_opens_it_again_and_reminds_those_who_have_not_answered(
    survey: Any,
    session: AsyncSession,
    sessionmaker: Any,
    settings: Any,
    client: httpx.AsyncClient,
    full_answers: Any,
    outbox_envelopes: Any,
    smtp: Any,
) -> None:
    cycle, raters = await survey.open_360()
    tokens = await survey.tokens(raters)
    await client.post(f"/v1/invitations/{tokens[raters[0]['email']]}/submit", json=full_answers(survey.hlm_360))
    await session.execute(
        text("UPDATE survey.cycle SET closes_at = now() - interval '1 second' WHERE id = :id"), {"id": cycle["id"]}
    )
    await session.commit()
    await workers.close_due_cycles(sessionmaker, settings)
    later = (datetime.now(UTC) + timedelta(days=5)).isoformat()

    extended = await client.post(
        f"/v1/cycles/{cycle['id']}/extend", json={"closes_at": later}, headers=survey.participant
    )

    assert extended.json()["status"] == "open"
    assert _types(await outbox_envelopes(cycle["id"]))[-2:] == ["cycle.closed", "cycle.opened"]
    await survey.send_mail()
    assert len(smtp.to(raters[0]["email"])) == 1  # answered: no reminder
    for rater in raters[1:]:
        assert smtp.to(rater["email"])[-1]["Subject"].startswith("Reminder:")
        # The first link works again while the cycle is open.
        assert (await client.get(f"/v1/invitations/{tokens[rater['email']]}")).status_code == 200


@pytest.mark.parametrize("status", ["open", "closed"])
async def test_a_cycle_whose_report_is_released_is_not_extended(
    survey: Any,
    session: AsyncSession,
    client: httpx.AsyncClient,
    auth: AuthHeaders,
    stored_state: Any,
    assert_problem: Problem,
    status: str,
) -> None:
    cycle, _ = await survey.open_360()
    await session.execute(
        text(
            "UPDATE survey.cycle SET status = :status, report_released_at = now(),"
            " closed_at = CASE WHEN :status = 'closed' THEN now() END WHERE id = :id"
        ),
        {"id": cycle["id"], "status": status},
    )
    await session.commit()
    before = await stored_state()
    later = {"closes_at": (datetime.fromisoformat(cycle["closes_at"]) + timedelta(days=7)).isoformat()}

    for caller in (survey.participant, auth("academy_admin", sub="admin-1", region="london")):
        refused = await client.post(f"/v1/cycles/{cycle['id']}/extend", json=later, headers=caller)
        assert assert_problem(refused, 409)["type"].endswith("/report-released")
    assert await stored_state() == before


async def test_a_draft_self_assessment_turns_into_a_360_in_place_keeping_its_answers(
    survey: Any, client: httpx.AsyncClient, hlm_self: QuestionnairePublishedV1, hlm_360: QuestionnairePublishedV1
) -> None:
    cycle = await survey.create(
        kind="self_assessment", questionnaire_id=str(hlm_self.questionnaire_id), self_questionnaire_id=None
    )
    partial = {"answers": [{"item_key": hlm_self.items[3].key, "level": 4}]}
    await client.put(f"/v1/cycles/{cycle['id']}/self", json=partial, headers=survey.participant)

    converted = await client.post(
        f"/v1/cycles/{cycle['id']}/convert",
        json={"questionnaire_id": str(hlm_360.questionnaire_id)},
        headers=survey.participant,
    )

    assert converted.status_code == 200
    body = converted.json()
    assert (body["id"], body["kind"]) == (cycle["id"], "feedback_360")
    assert (body["questionnaire_id"], body["self_questionnaire_id"]) == (
        str(hlm_360.questionnaire_id),
        str(hlm_self.questionnaire_id),
    )
    view = (await client.get(f"/v1/cycles/{cycle['id']}/self", headers=survey.participant)).json()
    assert view["answers"]["answers"] == partial["answers"]


async def test_a_completed_self_assessment_becomes_a_new_360_with_its_self_ratings_once(
    survey: Any,
    client: httpx.AsyncClient,
    full_answers: Any,
    hlm_self: QuestionnairePublishedV1,
    hlm_360: QuestionnairePublishedV1,
    assert_problem: Problem,
    outbox_envelopes: Any,
) -> None:
    cycle = await survey.create(
        kind="self_assessment", questionnaire_id=str(hlm_self.questionnaire_id), self_questionnaire_id=None
    )
    await client.post(
        f"/v1/cycles/{cycle['id']}/self/submit", json=full_answers(hlm_self, 2), headers=survey.participant
    )
    body = {"questionnaire_id": str(hlm_360.questionnaire_id)}

    converted = await client.post(f"/v1/cycles/{cycle['id']}/convert", json=body, headers=survey.participant)
    again = await client.post(f"/v1/cycles/{cycle['id']}/convert", json=body, headers=survey.participant)

    assert converted.status_code == 201
    new = converted.json()
    assert (new["kind"], new["status"], new["self_status"]) == ("feedback_360", "draft", "submitted")
    assert new["converted_from_cycle_id"] == cycle["id"]
    assert assert_problem(again, 409)["type"].endswith("/already-converted")
    view = (await client.get(f"/v1/cycles/{new['id']}/self", headers=survey.participant)).json()
    assert {a["level"] for a in view["answers"]["answers"]} == {2}
    # The kept self ratings reach report-svc when the new 360 opens.
    await survey.nominate(new["id"], survey.raters())
    await survey.open(new["id"])
    assert _types(await outbox_envelopes(new["id"]))[-1] == "response.submitted"


async def test_a_self_assessment_turns_only_into_a_360_asking_the_same_items(
    survey: Any,
    client: httpx.AsyncClient,
    hlm_self: QuestionnairePublishedV1,
    session: AsyncSession,
    assert_problem: Problem,
) -> None:
    other = survey.hlm_360.model_copy(
        update={"questionnaire_id": uuid.uuid4(), "key": "short-360", "items": survey.hlm_360.items[:5]}
    )
    await QuestionnaireRepository(session).add_snapshot(other)
    cycle = await survey.create(
        kind="self_assessment", questionnaire_id=str(hlm_self.questionnaire_id), self_questionnaire_id=None
    )

    response = await client.post(
        f"/v1/cycles/{cycle['id']}/convert",
        json={"questionnaire_id": str(other.questionnaire_id)},
        headers=survey.participant,
    )

    assert [e["type"] for e in assert_problem(response, 422)["errors"]] == ["incompatible_questionnaire"]


async def test_a_participant_lists_their_own_cycles_and_reads_batches_of_them(
    survey: Any, client: httpx.AsyncClient, auth: AuthHeaders
) -> None:
    mine = [await survey.create() for _ in range(3)]
    theirs = await survey.create(headers=auth("participant", sub="participant-2"))

    page1 = (await client.get("/v1/cycles?limit=2", headers=survey.participant)).json()
    page2 = (await client.get(f"/v1/cycles?limit=2&cursor={page1['next_cursor']}", headers=survey.participant)).json()
    ids = f"{mine[2]['id']},{theirs['id']},{mine[0]['id']}"
    batch = (await client.get(f"/v1/cycles?ids={ids}", headers=survey.participant)).json()

    assert [c["id"] for c in page1["items"] + page2["items"]] == [c["id"] for c in reversed(mine)]
    assert page2["next_cursor"] is None
    assert [c["id"] for c in batch["items"]] == [mine[2]["id"], mine[0]["id"]]
    everyone = (await client.get("/v1/cycles", headers=auth("academy_admin", sub="admin-1"))).json()
    assert {c["id"] for c in everyone["items"]} >= {theirs["id"], *(c["id"] for c in mine)}

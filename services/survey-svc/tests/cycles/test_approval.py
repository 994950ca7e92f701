"""Optional approval of the nominations by the line manager, through their own link."""

from __future__ import annotations

from typing import Any

import httpx

Problem = Any


async def _awaiting(survey: Any) -> tuple[dict[str, Any], list[dict[str, str]], str]:
    cycle = await survey.create(requires_approval=True)
    raters = survey.raters(peers=3)
    await survey.nominate(cycle["id"], raters)
    opened = await survey.open(cycle["id"])
    manager = raters[0]["email"]
    tokens = await survey.tokens([raters[0]])
    return opened, raters, tokens[manager]


async def test_a_cycle_needing_approval_asks_only_the_line_manager_first(
    survey: Any, client: httpx.AsyncClient, smtp: Any, outbox_envelopes: Any
) -> None:
    cycle, raters, token = await _awaiting(survey)

    assert cycle["status"] == "awaiting_approval"
    assert smtp.to(raters[0]["email"])[0]["Subject"] == "Alex Morgan asks you to approve their feedback raters"
    assert all(not smtp.to(r["email"]) for r in raters[1:])
    assert await outbox_envelopes(cycle["id"]) == []
    view = (await client.get(f"/v1/invitations/{token}")).json()
    assert view["stage"] == "approval"
    assert sorted(n["email"] for n in view["nominations"]) == sorted(r["email"] for r in raters)


async def test_approval_opens_the_cycle_and_the_same_link_then_asks_for_feedback(
    survey: Any, client: httpx.AsyncClient, smtp: Any, outbox_envelopes: Any, full_answers: Any
) -> None:
    cycle, raters, token = await _awaiting(survey)

    approved = await client.post(f"/v1/invitations/{token}/approve")

    assert approved.status_code == 200
    assert approved.json()["stage"] == "feedback"
    after = (await client.get(f"/v1/cycles/{cycle['id']}", headers=survey.participant)).json()
    assert (after["status"], after["approval"]["decision"]) == ("open", "approved")
    types = [e["type"] for e in await outbox_envelopes(cycle["id"])]
    assert types == ["hlm.survey.cycle.opened.v1"] + ["hlm.survey.rater.nominated.v1"] * 4
    tokens = await survey.tokens(raters)
    assert all(smtp.to(r["email"])[-1]["Subject"] == "Alex Morgan has asked for your feedback" for r in raters)
    submitted = await client.post(f"/v1/invitations/{token}/submit", json=full_answers(survey.hlm_360))
    assert submitted.status_code == 201
    assert (await client.get(f"/v1/invitations/{tokens[raters[1]['email']]}")).status_code == 200


async def test_the_line_manager_sends_the_nominations_back_with_a_note(
    survey: Any, client: httpx.AsyncClient, assert_problem: Problem
) -> None:
    cycle, _raters, token = await _awaiting(survey)

    rejected = await client.post(f"/v1/invitations/{token}/reject", json={"note": "Please add a direct report."})

    assert rejected.status_code == 204
    after = (await client.get(f"/v1/cycles/{cycle['id']}", headers=survey.participant)).json()
    assert after["status"] == "draft"
    assert after["approval"]["decision"] == "rejected"
    assert after["approval"]["note"] == "Please add a direct report."
    # Until the participant opens the cycle again, the link opens nothing.
    assert_problem(await client.get(f"/v1/invitations/{token}"), 404)


async def test_while_awaiting_approval_raters_cannot_answer_and_nominations_cannot_change(
    survey: Any, client: httpx.AsyncClient, full_answers: Any, assert_problem: Problem
) -> None:
    cycle, _raters, token = await _awaiting(survey)

    submit = await client.post(f"/v1/invitations/{token}/submit", json=full_answers(survey.hlm_360))
    nominate = await client.post(
        f"/v1/cycles/{cycle['id']}/raters",
        json={"raters": [{"name": "Extra", "email": "extra@trust.example.org", "rater_group": "other"}]},
        headers=survey.participant,
    )

    assert assert_problem(submit, 409)["type"].endswith("/invitation-stage-conflict")
    assert assert_problem(nominate, 409)["type"].endswith("/cycle-state-conflict")


async def test_approval_needs_exactly_one_line_manager(
    survey: Any, client: httpx.AsyncClient, assert_problem: Problem
) -> None:
    cycle = await survey.create(requires_approval=True)
    await survey.nominate(cycle["id"], survey.raters(peers=4)[1:])  # no line manager

    from datetime import UTC, datetime, timedelta

    closes_at = (datetime.now(UTC) + timedelta(days=7)).isoformat()
    problem = assert_problem(
        await client.post(f"/v1/cycles/{cycle['id']}/open", json={"closes_at": closes_at}, headers=survey.participant),
        422,
    )

    assert "approver_missing" in [e["type"] for e in problem["errors"]]

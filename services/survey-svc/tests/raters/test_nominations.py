"""Nominations and reminders: the participant knows whom they asked, never who has answered."""

from __future__ import annotations

from typing import Any

import httpx

Problem = Any


async def test_nominations_list_whom_was_asked_and_nothing_about_answers(
    survey: Any, client: httpx.AsyncClient, full_answers: Any
) -> None:
    cycle, raters = await survey.open_360()
    tokens = await survey.tokens(raters)
    await client.post(f"/v1/invitations/{tokens[raters[1]['email']]}/submit", json=full_answers(survey.hlm_360))

    listed = (await client.get(f"/v1/cycles/{cycle['id']}/raters", headers=survey.participant)).json()["items"]

    assert sorted(r["email"] for r in listed) == sorted(r["email"] for r in raters)
    assert all(set(r) == {"id", "name", "email", "rater_group", "nominated_at"} for r in listed)
    progress = (await client.get(f"/v1/cycles/{cycle['id']}", headers=survey.participant)).json()["progress"]
    assert progress == [
        {"rater_group": "line_manager", "invited": 1, "submitted": 0, "declined": 0},
        {"rater_group": "peer", "invited": 3, "submitted": 1, "declined": 0},
    ]


async def test_an_address_is_nominated_once_per_cycle_and_a_bad_batch_stores_nothing(
    survey: Any, client: httpx.AsyncClient, stored_state: Any, assert_problem: Problem
) -> None:
    cycle = await survey.create()
    raters = survey.raters(peers=1)
    await survey.nominate(cycle["id"], raters)
    before = await stored_state()
    batch = [
        {"name": "Again", "email": raters[1]["email"].upper(), "rater_group": "other"},
        {"name": "New", "email": "new.one@trust.example.org", "rater_group": "peer"},
        {"name": "Twice", "email": "new.one@trust.example.org", "rater_group": "other"},
    ]

    problem = assert_problem(
        await client.post(f"/v1/cycles/{cycle['id']}/raters", json={"raters": batch}, headers=survey.participant), 422
    )

    assert [e["loc"] for e in problem["errors"]] == [["body", "raters", 0, "email"], ["body", "raters", 2, "email"]]
    assert await stored_state() == before


async def test_nominations_with_bad_fields_list_every_error(
    survey: Any, client: httpx.AsyncClient, stored_state: Any, assert_problem: Problem
) -> None:
    cycle = await survey.create()
    before = await stored_state()
    batch = [
        {"name": "", "email": "not-an-address", "rater_group": "peer"},
        {"name": "Me", "email": "me@trust.example.org", "rater_group": "self"},
    ]

    problem = assert_problem(
        await client.post(f"/v1/cycles/{cycle['id']}/raters", json={"raters": batch}, headers=survey.participant), 422
    )

    assert {tuple(e["loc"][:4]) for e in problem["errors"]} == {
        ("body", "raters", 0, "name"),
        ("body", "raters", 0, "email"),
        ("body", "raters", 1, "rater_group"),
    }
    assert await stored_state() == before


async def test_a_rater_added_to_an_open_cycle_is_invited_at_once(
    survey: Any, client: httpx.AsyncClient, smtp: Any, outbox_envelopes: Any
) -> None:
    cycle, _ = await survey.open_360()
    late = [{"name": "Olu Other", "email": "olu.other@trust.example.org", "rater_group": "other"}]

    await survey.nominate(cycle["id"], late)

    assert (await outbox_envelopes(cycle["id"]))[-1]["data"]["rater_group"] == "other"
    tokens = await survey.tokens(late)
    assert (await client.get(f"/v1/invitations/{tokens[late[0]['email']]}")).status_code == 200


async def test_a_withdrawn_raters_link_stops_working(
    survey: Any, client: httpx.AsyncClient, assert_problem: Problem
) -> None:
    cycle, raters = await survey.open_360()
    tokens = await survey.tokens(raters)
    listed = (await client.get(f"/v1/cycles/{cycle['id']}/raters", headers=survey.participant)).json()["items"]
    peer = next(r for r in listed if r["email"] == raters[1]["email"])

    withdrawn = await client.delete(f"/v1/cycles/{cycle['id']}/raters/{peer['id']}", headers=survey.participant)

    assert withdrawn.status_code == 204
    assert_problem(await client.get(f"/v1/invitations/{tokens[peer['email']]}"), 404)
    listed_after = (await client.get(f"/v1/cycles/{cycle['id']}/raters", headers=survey.participant)).json()["items"]
    assert peer["id"] not in {r["id"] for r in listed_after}
    assert_problem(
        await client.delete(f"/v1/cycles/{cycle['id']}/raters/{peer['id']}", headers=survey.participant), 404
    )


async def test_withdrawing_a_rater_who_answered_answers_the_same_and_keeps_their_answers(
    survey: Any, client: httpx.AsyncClient, full_answers: Any
) -> None:
    cycle, raters = await survey.open_360()
    tokens = await survey.tokens(raters)
    await client.post(f"/v1/invitations/{tokens[raters[1]['email']]}/submit", json=full_answers(survey.hlm_360))
    listed = (await client.get(f"/v1/cycles/{cycle['id']}/raters", headers=survey.participant)).json()["items"]
    answered, waiting = (next(r for r in listed if r["email"] == raters[n]["email"]) for n in (1, 2))

    responses = [
        await client.delete(f"/v1/cycles/{cycle['id']}/raters/{r['id']}", headers=survey.participant)
        for r in (answered, waiting)
    ]

    assert [r.status_code for r in responses] == [204, 204]
    peers = (await client.get(f"/v1/cycles/{cycle['id']}", headers=survey.participant)).json()["progress"][1]
    assert (peers["invited"], peers["submitted"]) == (2, 1)


async def test_reminders_go_only_to_raters_who_have_not_submitted_or_declined(
    survey: Any, client: httpx.AsyncClient, smtp: Any, full_answers: Any
) -> None:
    cycle, raters = await survey.open_360(peers=3)
    tokens = await survey.tokens(raters)
    await client.post(f"/v1/invitations/{tokens[raters[0]['email']]}/submit", json=full_answers(survey.hlm_360))
    await client.post(f"/v1/invitations/{tokens[raters[1]['email']]}/decline")
    await client.put(f"/v1/invitations/{tokens[raters[2]['email']]}/draft", json={})

    reminded = await client.post(f"/v1/cycles/{cycle['id']}/reminders", headers=survey.participant)
    await survey.send_mail()

    assert (reminded.status_code, reminded.json()) == (202, {"reminded": 2})
    assert [len(smtp.to(r["email"])) for r in raters] == [1, 1, 2, 2]
    assert all(smtp.to(r["email"])[-1]["Subject"].startswith("Reminder:") for r in raters[2:])


async def test_a_reminder_queued_for_a_rater_who_then_answers_is_not_sent(
    survey: Any, client: httpx.AsyncClient, smtp: Any, full_answers: Any
) -> None:
    cycle, raters = await survey.open_360()
    tokens = await survey.tokens(raters)
    await client.post(f"/v1/cycles/{cycle['id']}/reminders", headers=survey.participant)
    await client.post(f"/v1/invitations/{tokens[raters[0]['email']]}/submit", json=full_answers(survey.hlm_360))

    await survey.send_mail()

    assert len(smtp.to(raters[0]["email"])) == 1
    assert all(len(smtp.to(r["email"])) == 2 for r in raters[1:])

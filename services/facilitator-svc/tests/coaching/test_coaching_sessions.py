"""Coaching and mentoring beside feedback sessions: a facilitator (or a coach added to the register) offers
slots of the kinds they provide; matching and booking find and hold them with the same machinery and the
same rules, conflicts of interest included; a feedback slot is never offered or booked for coaching, nor
the other way round; a coaching session belongs to the participant alone, never to a 360 cycle."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from facilitator_svc.consumers import on_rater_nominated
from hlm_contracts import RaterNominatedV1
from hlm_kit.messaging.envelope import CloudEvent
from hlm_kit.testing.pytest_plugin import AuthHeaders


async def offer(
    client: httpx.AsyncClient, headers: dict[str, str], facilitator_id: str, starts: list[datetime], kind: str
) -> httpx.Response:
    body = {
        "slots": [
            {
                "starts_at": s.isoformat(),
                "ends_at": (s + timedelta(hours=1)).isoformat(),
                "kind": kind,
                "modes": ["video"],
            }
            for s in starts
        ]
    }
    return await client.post(f"/v1/facilitators/{facilitator_id}/slots", json=body, headers=headers)


async def offered(
    client: httpx.AsyncClient, headers: dict[str, str], facilitator_id: str, starts: list[datetime], kind: str
) -> list[dict[str, Any]]:
    response = await offer(client, headers, facilitator_id, starts, kind)
    assert response.status_code == 201, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def match(client: httpx.AsyncClient, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    response = await client.post("/v1/matches", json={"mode": "video", **body}, headers=headers)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def book(client: httpx.AsyncClient, headers: dict[str, str], slot_id: str, **body: Any) -> httpx.Response:
    return await client.post("/v1/bookings", json={"slot_id": slot_id, "mode": "video", **body}, headers=headers)


async def nominate(session: AsyncSession, participant_id: str, email_hash: str) -> None:
    data = RaterNominatedV1(
        cycle_id=uuid.uuid4(), participant_id=participant_id, rater_group="peer", rater_email_hash=email_hash
    )
    await on_rater_nominated(session, data, CloudEvent.wrap(data))
    await session.commit()


# --- who offers what --------------------------------------------------------------------------------------


async def test_a_coach_added_to_the_register_offers_coaching_and_a_facilitator_adds_it_to_their_own_offer(
    client: httpx.AsyncClient, admin: dict[str, str], auth: AuthHeaders, new_facilitator: Any
) -> None:
    coach = await client.post("/v1/facilitators", json=new_facilitator(session_kinds=["coaching"]), headers=admin)
    assert coach.status_code == 201, coach.text
    assert coach.json()["session_kinds"] == ["coaching"]
    plain = await client.post("/v1/facilitators", json=new_facilitator(subject="fac-9"), headers=admin)
    assert plain.json()["session_kinds"] == ["feedback"]

    own = await client.patch(
        f"/v1/facilitators/{plain.json()['id']}",
        json={"session_kinds": ["feedback", "mentoring", "mentoring"]},
        headers=auth("facilitator", sub="fac-9"),
    )

    assert own.status_code == 200, own.text
    assert own.json()["session_kinds"] == ["feedback", "mentoring"]


async def test_a_facilitator_cannot_offer_a_kind_of_session_they_do_not_provide_and_nothing_is_added(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    add_facilitator: Any,
    at: Any,
    assert_problem: Any,
    stored_state: Any,
) -> None:
    facilitator = await add_facilitator(session_kinds=["feedback", "coaching"])
    before = await stored_state()

    response = await client.post(
        f"/v1/facilitators/{facilitator['id']}/slots",
        json={
            "slots": [
                {"starts_at": at(3).isoformat(), "ends_at": at(3, 11).isoformat(), "kind": "coaching"},
                {"starts_at": at(4).isoformat(), "ends_at": at(4, 11).isoformat(), "kind": "mentoring"},
            ]
        },
        headers=admin,
    )

    problem = assert_problem(response, 422)
    assert [(e["loc"], e["type"]) for e in problem["errors"]] == [(["body", "slots", 1, "kind"], "kind_not_offered")]
    assert "does not offer mentoring sessions (they offer coaching, feedback)" in problem["errors"][0]["msg"]
    assert await stored_state() == before


@pytest.mark.parametrize(
    ("method", "path", "body", "loc"),
    [
        (
            "POST",
            "slots",
            {"slots": [{"starts_at": "2031-03-10T10:00:00Z", "ends_at": "2031-03-10T11:00:00Z", "kind": "therapy"}]},
            ["body", "slots", 0, "kind"],
        ),
        ("GET", "slots?kind=therapy", None, ["query", "kind"]),
        ("POST", "/v1/matches", {"kind": "therapy"}, ["body", "kind"]),
        ("POST", "/v1/bookings", {"kind": "therapy"}, ["body", "kind"]),
        ("GET", "/v1/bookings?kind=therapy", None, ["query", "kind"]),
        ("PATCH", "", {"session_kinds": ["therapy"]}, ["body", "session_kinds", 0]),
        ("PATCH", "", {"session_kinds": []}, ["body", "session_kinds"]),
        ("PATCH", "", {"session_kinds": None}, ["body", "session_kinds"]),
    ],
)
async def test_an_unknown_kind_of_session_is_refused_naming_where_it_was(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    participant: dict[str, str],
    add_facilitator: Any,
    assert_problem: Any,
    stored_state: Any,
    method: str,
    path: str,
    body: Any,
    loc: list[Any],
) -> None:
    facilitator = await add_facilitator(slots=[datetime.fromisoformat("2031-03-12T10:00:00+00:00")])
    if method == "POST" and path == "/v1/bookings":
        body = {"slot_id": facilitator["slots"][0]["id"], **body}
    url = path if path.startswith("/v1/") else f"/v1/facilitators/{facilitator['id']}" + (f"/{path}" if path else "")
    headers = participant if path.startswith(("/v1/matches", "/v1/bookings")) else admin
    before = await stored_state()

    response = await client.request(method, url, json=body, headers=headers)

    problem = assert_problem(response, 422)
    assert loc in [e["loc"] for e in problem["errors"]], problem
    assert await stored_state() == before


async def test_the_public_register_finds_a_coach_by_the_kind_they_offer_and_listing_keeps_their_offer(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    participant: dict[str, str],
    auth: AuthHeaders,
    add_facilitator: Any,
    at: Any,
) -> None:
    coach = await add_facilitator(subject="coach-9", session_kinds=["coaching"])
    (slot,) = await offered(client, admin, coach["id"], [at(3)], "coaching")
    facilitator = await add_facilitator(subject="fac-9")
    for sub in ("coach-9", "fac-9"):
        listed = await client.put(
            "/v1/facilitators/me/publication", json={"is_listed": True}, headers=auth("facilitator", sub=sub)
        )
        assert listed.status_code == 200, listed.text
    await client.patch(
        f"/v1/facilitators/{facilitator['id']}",
        json={"session_kinds": ["feedback", "mentoring"]},
        headers=auth("facilitator", sub="fac-9"),
    )

    async def found(kind: str) -> list[str]:
        response = await client.get("/v1/register", params={"session_kind": kind}, headers=participant)
        assert response.status_code == 200, response.text
        return [e["id"] for e in response.json()["items"]]

    assert await found("coaching") == [coach["id"]]
    assert await found("mentoring") == [facilitator["id"]]
    assert await found("feedback") == [facilitator["id"]]
    assert (await book(client, participant, slot["id"], kind="coaching")).status_code == 201


# --- matching by kind ------------------------------------------------------------------------------------


async def test_matching_offers_only_slots_of_the_kind_asked_and_only_facilitators_who_offer_it(
    client: httpx.AsyncClient, admin: dict[str, str], participant: dict[str, str], add_facilitator: Any, at: Any
) -> None:
    both = await add_facilitator(session_kinds=["feedback", "coaching"], slots=[at(3)])
    both_coaching = await offered(client, admin, both["id"], [at(4), at(5)], "coaching")
    coach = await add_facilitator(session_kinds=["coaching", "mentoring"])
    coach_coaching = await offered(client, admin, coach["id"], [at(6)], "coaching")
    coach_mentoring = await offered(client, admin, coach["id"], [at(3)], "mentoring")
    feedback_only = await add_facilitator(slots=[at(3), at(4)])

    coaching = await match(client, participant, kind="coaching")
    mentoring = await match(client, participant, kind="mentoring")
    feedback = await match(client, participant)

    def slots_of(result: dict[str, Any]) -> dict[str, set[str]]:
        return {m["facilitator"]["id"]: {s["slot_id"] for s in m["slots"]} for m in result["eligible"]}

    assert coaching["kind"] == "coaching"
    assert slots_of(coaching) == {
        both["id"]: {s["id"] for s in both_coaching},
        coach["id"]: {s["id"] for s in coach_coaching},
    }
    assert {s["kind"] for m in coaching["eligible"] for s in m["slots"]} == {"coaching"}
    assert slots_of(mentoring) == {coach["id"]: {s["id"] for s in coach_mentoring}}
    assert feedback["kind"] == "feedback"
    assert slots_of(feedback) == {
        both["id"]: {both["slots"][0]["id"]},
        feedback_only["id"]: {s["id"] for s in feedback_only["slots"]},
    }
    assert {s["kind"] for m in feedback["eligible"] for s in m["slots"]} == {"feedback"}


async def test_an_administrator_sees_why_a_facilitator_is_left_out_of_a_coaching_match(
    client: httpx.AsyncClient, admin: dict[str, str], add_facilitator: Any, at: Any
) -> None:
    feedback_only = await add_facilitator(slots=[at(3)])
    coach = await add_facilitator(session_kinds=["coaching", "feedback"], slots=[at(4)])

    response = await client.post(
        "/v1/matches",
        json={
            "kind": "coaching",
            "participant": {"id": "participant-1", "organisation": "RX1"},
            "include_ineligible": True,
        },
        headers=admin,
    )

    assert response.status_code == 200, response.text
    reasons = {i["facilitator"]["id"]: [r["rule"] for r in i["reasons"]] for i in response.json()["ineligible"]}
    assert reasons[feedback_only["id"]] == ["kind_not_offered"]
    # Offers coaching, but only a feedback slot: no free coaching session.
    assert reasons[coach["id"]] == ["no_free_slot"]
    assert [
        r["detail"]
        for i in response.json()["ineligible"]
        if i["facilitator"]["id"] == coach["id"]
        for r in i["reasons"]
    ] == ["no free coaching session in the window"]


async def test_a_coaching_session_names_no_assessment_cycle(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    participant: dict[str, str],
    add_facilitator: Any,
    at: Any,
    assert_problem: Any,
) -> None:
    coach = await add_facilitator(session_kinds=["coaching"])
    (slot,) = await offered(client, admin, coach["id"], [at(3)], "coaching")

    for response in (
        await client.post("/v1/matches", json={"kind": "coaching", "cycle_id": str(uuid.uuid4())}, headers=participant),
        await book(client, participant, slot["id"], cycle_id=str(uuid.uuid4())),
    ):
        problem = assert_problem(response, 422)
        assert [(e["loc"], e["type"]) for e in problem["errors"]] == [(["body", "cycle_id"], "cycle_not_for_kind")]


# --- the same conflict rules -----------------------------------------------------------------------------


async def test_the_conflict_rules_keep_a_coach_from_a_participant_in_matching_and_booking(
    client: httpx.AsyncClient,
    session: AsyncSession,
    admin: dict[str, str],
    participant: dict[str, str],
    add_facilitator: Any,
    at: Any,
    hash_of: Any,
    assert_problem: Any,
) -> None:
    kinds = {"session_kinds": ["coaching"]}
    colleague = await add_facilitator(organisation="RX1", **kinds)
    declared = await add_facilitator(conflicts={"organisations": [], "participants": ["participant-1"]}, **kinds)
    rater = await add_facilitator(email="rater.coach@trust.example.org", **kinds)
    free = await add_facilitator(**kinds)
    slots = {
        who["id"]: (await offered(client, admin, who["id"], [at(3 + i)], "coaching"))[0]["id"]
        for i, who in enumerate((colleague, declared, rater, free))
    }
    await nominate(session, "participant-1", hash_of("rater.coach@trust.example.org"))

    result = await match(client, participant, kind="coaching")

    assert [m["facilitator"]["id"] for m in result["eligible"]] == [free["id"]]
    for who in (colleague, declared, rater):
        refused = assert_problem(await book(client, participant, slots[who["id"]]), 409)
        assert refused["type"].endswith("/facilitator-not-eligible")
        # A participant learns only that there is a conflict of interest, whichever it is.
        assert [(e["type"], e["msg"]) for e in refused["errors"]] == [
            ("conflict_of_interest", "a conflict of interest rules this facilitator out")
        ]
    assert (await book(client, participant, slots[free["id"]])).status_code == 201


async def test_a_coaching_session_booked_with_someone_later_named_a_rater_is_cancelled(
    client: httpx.AsyncClient,
    session: AsyncSession,
    admin: dict[str, str],
    participant: dict[str, str],
    add_facilitator: Any,
    at: Any,
    hash_of: Any,
) -> None:
    coach = await add_facilitator(email="later.rater@trust.example.org", session_kinds=["coaching"])
    (slot,) = await offered(client, admin, coach["id"], [at(3)], "coaching")
    booking = (await book(client, participant, slot["id"], confirm=True)).json()

    await nominate(session, "participant-1", hash_of("later.rater@trust.example.org"))

    now = (await client.get(f"/v1/bookings/{booking['id']}", headers=participant)).json()
    assert (now["status"], now["cancellation_reason"]) == (
        "cancelled",
        "a conflict of interest rules this facilitator out",
    )


# --- booking by kind -------------------------------------------------------------------------------------


async def test_a_participant_holds_and_confirms_a_coaching_session_of_their_own_announced_with_its_kind(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    participant: dict[str, str],
    add_facilitator: Any,
    at: Any,
    outbox_events: Any,
) -> None:
    coach = await add_facilitator(subject="coach-1", session_kinds=["coaching", "mentoring"])
    coaching, mentoring = await offered(client, admin, coach["id"], [at(3)], "coaching") + await offered(
        client, admin, coach["id"], [at(10)], "mentoring"
    )

    held = await book(client, participant, coaching["id"], kind="coaching")
    # Coaching is a series: a second session, of another kind, beside the first.
    second = await book(client, participant, mentoring["id"], confirm=True)

    assert held.status_code == 201, held.text
    assert (held.json()["kind"], held.json()["cycle_id"], held.json()["status"]) == ("coaching", None, "held")
    assert second.json()["kind"] == "mentoring"
    confirmed = await client.post(f"/v1/bookings/{held.json()['id']}/confirm", headers=participant)
    assert confirmed.status_code == 200, confirmed.text
    (event,) = await outbox_events(held.json()["id"])
    assert event["type"] == "hlm.facilitator.session.booked.v1"
    assert (event["data"]["kind"], event["data"]["cycle_id"]) == ("coaching", None)
    listed = await client.get("/v1/bookings", params={"kind": "mentoring"}, headers=participant)
    assert [b["id"] for b in listed.json()["items"]] == [second.json()["id"]]
    slots = await client.get(f"/v1/facilitators/{coach['id']}/slots", params={"kind": "coaching"}, headers=admin)
    assert [(s["id"], s["kind"], s["is_booked"]) for s in slots.json()["items"]] == [(coaching["id"], "coaching", True)]


async def test_a_feedback_slot_is_never_held_as_coaching_nor_a_coaching_slot_as_feedback(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    participant: dict[str, str],
    add_facilitator: Any,
    at: Any,
    assert_problem: Any,
    stored_state: Any,
) -> None:
    facilitator = await add_facilitator(session_kinds=["feedback", "coaching"], slots=[at(3)])
    (coaching,) = await offered(client, admin, facilitator["id"], [at(4)], "coaching")
    before = await stored_state()

    as_coaching = assert_problem(await book(client, participant, facilitator["slots"][0]["id"], kind="coaching"), 422)
    as_feedback = assert_problem(
        await book(client, participant, coaching["id"], kind="feedback", cycle_id=str(uuid.uuid4())), 422
    )

    assert [(e["loc"], e["type"]) for e in as_coaching["errors"]] == [(["body", "kind"], "kind_mismatch")]
    assert as_coaching["errors"][0]["msg"] == "the slot is a feedback session"
    assert [(e["loc"], e["type"]) for e in as_feedback["errors"]] == [(["body", "kind"], "kind_mismatch")]
    assert await stored_state() == before


async def test_a_session_moves_only_to_a_slot_of_its_own_kind(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    participant: dict[str, str],
    add_facilitator: Any,
    at: Any,
    assert_problem: Any,
) -> None:
    facilitator = await add_facilitator(session_kinds=["feedback", "coaching"], slots=[at(3)])
    first, other = await offered(client, admin, facilitator["id"], [at(4), at(5)], "coaching")
    booking = (await book(client, participant, first["id"], confirm=True)).json()

    to_feedback = await client.post(
        f"/v1/bookings/{booking['id']}/reschedule",
        json={"slot_id": facilitator["slots"][0]["id"], "mode": "video"},
        headers=participant,
    )
    to_coaching = await client.post(
        f"/v1/bookings/{booking['id']}/reschedule", json={"slot_id": other["id"], "mode": "video"}, headers=participant
    )

    problem = assert_problem(to_feedback, 422)
    assert [(e["loc"], e["type"]) for e in problem["errors"]] == [(["body", "slot_id"], "kind_mismatch")]
    assert to_coaching.status_code == 200, to_coaching.text
    assert (to_coaching.json()["slot_id"], to_coaching.json()["kind"]) == (other["id"], "coaching")


async def test_a_facilitator_who_stops_offering_coaching_is_neither_matched_nor_booked_for_it(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    participant: dict[str, str],
    add_facilitator: Any,
    at: Any,
    assert_problem: Any,
) -> None:
    facilitator = await add_facilitator(session_kinds=["feedback", "coaching"])
    (slot,) = await offered(client, admin, facilitator["id"], [at(3)], "coaching")
    await client.patch(f"/v1/facilitators/{facilitator['id']}", json={"session_kinds": ["feedback"]}, headers=admin)

    assert (await match(client, participant, kind="coaching"))["eligible"] == []
    refused = assert_problem(await book(client, participant, slot["id"]), 409)
    assert [(e["type"], e["msg"]) for e in refused["errors"]] == [
        ("kind_not_offered", "the facilitator does not offer coaching sessions")
    ]


async def test_coaching_shares_the_facilitators_time_and_monthly_capacity_with_feedback(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    auth: AuthHeaders,
    add_facilitator: Any,
    at: Any,
    assert_problem: Any,
) -> None:
    facilitator = await add_facilitator(capacity_per_month=1, session_kinds=["feedback", "coaching"], slots=[at(3)])
    overlapping = assert_problem(await offer(client, admin, facilitator["id"], [at(3, 10, 30)], "coaching"), 422)
    assert overlapping["errors"][0]["type"] == "overlap"
    (coaching,) = await offered(client, admin, facilitator["id"], [at(4)], "coaching")
    someone, another = (auth("participant", sub=f"p-{i}", org="RQ3", region="london") for i in range(2))

    assert (await book(client, someone, coaching["id"], confirm=True)).status_code == 201
    full = assert_problem(await book(client, another, facilitator["slots"][0]["id"]), 409)

    assert full["type"].endswith("/no-capacity")


async def test_completed_coaching_is_announced_with_its_kind_and_does_not_count_as_feedback_delivered(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    participant: dict[str, str],
    auth: AuthHeaders,
    add_facilitator: Any,
    at: Any,
    clock: Any,
    outbox_events: Any,
    assert_problem: Any,
) -> None:
    coach = await add_facilitator(subject="fac-coach", session_kinds=["coaching"])
    (slot,) = await offered(client, admin, coach["id"], [at(3)], "coaching")
    booking = (await book(client, participant, slot["id"], confirm=True)).json()
    clock.advance(at(3, 11) - clock.now)

    done = await client.post(f"/v1/bookings/{booking['id']}/complete", headers=auth("facilitator", sub="fac-coach"))

    assert done.status_code == 200, done.text
    _booked, completed = await outbox_events(booking["id"])
    assert (completed["type"], completed["data"]["kind"]) == ("hlm.facilitator.session.completed.v1", "coaching")
    interest = assert_problem(
        await client.post("/v1/training/interests", json={}, headers=auth("facilitator", sub="fac-coach")), 409
    )
    assert any(e["msg"].startswith("0 feedback session(s) delivered") for e in interest["errors"]), interest


# --- who may find and hold coaching ----------------------------------------------------------------------

ROLES = [None, "participant", "facilitator", "partner", "academy_admin"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("action", "allowed"),
    [
        ("offer_coaching", {"facilitator": 201, "academy_admin": 201}),
        ("offer_kinds", {"facilitator": 200, "academy_admin": 200}),
        ("match_coaching", {"participant": 200, "academy_admin": 200}),
        ("hold_coaching", {"participant": 201, "academy_admin": 201}),
        ("list_coaching", {"participant": 200, "facilitator": 200, "academy_admin": 200}),
        ("complete_coaching", {"facilitator": 200, "academy_admin": 200}),
    ],
)
async def test_who_may_offer_find_and_hold_coaching(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    auth: AuthHeaders,
    add_facilitator: Any,
    at: Any,
    clock: Any,
    role: str | None,
    action: str,
    allowed: dict[str, int],
) -> None:
    subs = {"participant": "participant-1", "facilitator": "fac-1", "partner": "partner-1", "academy_admin": "admin-1"}
    headers = {} if role is None else auth(role, sub=subs[role], org="RX1", region="london")
    coach = await add_facilitator(subject="fac-1", session_kinds=["coaching", "mentoring"])
    slot, later = await offered(client, admin, coach["id"], [at(3), at(5)], "coaching")
    me = {"id": "participant-1", "organisation": "RX1"}
    for_whom = {"participant": me} if role == "academy_admin" else {}
    booking = (
        await book(client, auth("participant", sub="participant-1", org="RX1"), later["id"], confirm=True)
    ).json()

    if action == "offer_coaching":
        response = await offer(client, headers, coach["id"], [at(7)], "coaching")
    elif action == "offer_kinds":
        response = await client.patch(
            f"/v1/facilitators/{coach['id']}", json={"session_kinds": ["coaching"]}, headers=headers
        )
    elif action == "match_coaching":
        response = await client.post("/v1/matches", json={"kind": "coaching", **for_whom}, headers=headers)
    elif action == "hold_coaching":
        response = await book(client, headers, slot["id"], kind="coaching", **for_whom)
    elif action == "list_coaching":
        response = await client.get("/v1/bookings", params={"kind": "coaching"}, headers=headers)
    else:
        clock.advance(at(5, 11) - clock.now)
        response = await client.post(f"/v1/bookings/{booking['id']}/complete", headers=headers)

    expected = 401 if role is None else allowed.get(role, 403)
    assert response.status_code == expected, response.text
    if expected in (401, 403):
        assert response.headers["content-type"].startswith("application/problem+json")
    if action == "list_coaching" and expected == 200:
        assert [b["id"] for b in response.json()["items"]] == [booking["id"]]

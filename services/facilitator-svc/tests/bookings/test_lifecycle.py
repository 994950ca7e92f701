"""A session's life: hold, confirm, cancel, reschedule, complete, rate; the events that announce it."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from facilitator_svc.consumers import on_rater_nominated
from hlm_contracts import RaterNominatedV1
from hlm_kit.messaging.envelope import CloudEvent
from hlm_kit.testing.pytest_plugin import AuthHeaders


@pytest.fixture
def facilitator_headers(auth: AuthHeaders) -> dict[str, str]:
    return auth("facilitator", sub="fac-1")


async def book(client: httpx.AsyncClient, headers: dict[str, str], slot_id: str, **body: Any) -> httpx.Response:
    return await client.post("/v1/bookings", json={"slot_id": slot_id, "mode": "video", **body}, headers=headers)


async def confirmed(client: httpx.AsyncClient, headers: dict[str, str], slot_id: str, **body: Any) -> dict[str, Any]:
    response = await book(client, headers, slot_id, confirm=True, **body)
    assert response.status_code == 201, response.text
    booking: dict[str, Any] = response.json()
    return booking


def types(envelopes: list[dict[str, Any]]) -> list[str]:
    return [e["type"].split(".")[3] for e in envelopes]


async def test_a_held_slot_is_confirmed_and_announced_as_booked(
    client: httpx.AsyncClient,
    participant: dict[str, str],
    add_facilitator: Any,
    at: Any,
    outbox_events: Any,
    settings: Any,
    clock: Any,
) -> None:
    facilitator = await add_facilitator(subject="auth0|fac-1", slots=[at(3)])
    cycle_id = str(uuid.uuid4())

    held = await book(client, participant, facilitator["slots"][0]["id"], cycle_id=cycle_id)
    assert held.status_code == 201, held.text
    hold = held.json()
    assert hold["status"] == "held"
    assert hold["hold_expires_at"] == (clock.now + timedelta(seconds=settings.hold_ttl_s)).isoformat().replace(
        "+00:00", "Z"
    )
    assert await outbox_events(hold["id"]) == []

    response = await client.post(f"/v1/bookings/{hold['id']}/confirm", headers=participant)

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "confirmed"
    (event,) = await outbox_events(hold["id"])
    assert event["type"] == "hlm.facilitator.session.booked.v1"
    assert event["data"] == {
        "booking_id": hold["id"],
        "facilitator_id": facilitator["id"],
        # The identity the facilitator signs in with, which consumers compare with a token's `sub`.
        "facilitator_subject": "auth0|fac-1",
        "participant_id": "participant-1",
        "cycle_id": cycle_id,
        "kind": "feedback",
        "starts_at": at(3).isoformat().replace("+00:00", "Z"),
        "ends_at": at(3, 11).isoformat().replace("+00:00", "Z"),
    }
    again = await client.post(f"/v1/bookings/{hold['id']}/confirm", headers=participant)
    assert again.status_code == 200
    assert len(await outbox_events(hold["id"])) == 1


async def test_a_hold_that_ran_out_cannot_be_confirmed_and_frees_the_slot(
    client: httpx.AsyncClient,
    participant: dict[str, str],
    other_participant: dict[str, str],
    add_facilitator: Any,
    at: Any,
    clock: Any,
    settings: Any,
    assert_problem: Any,
) -> None:
    facilitator = await add_facilitator(slots=[at(3)])
    slot_id = facilitator["slots"][0]["id"]
    hold = (await book(client, participant, slot_id)).json()
    clock.advance(timedelta(seconds=settings.hold_ttl_s))

    assert_problem(await client.post(f"/v1/bookings/{hold['id']}/confirm", headers=participant), 409)

    assert (await client.get(f"/v1/bookings/{hold['id']}", headers=participant)).json()["status"] == "expired"
    assert (await book(client, other_participant, slot_id)).status_code == 201


async def test_a_hold_that_ran_out_unnoticed_does_not_block_the_next_booking(
    client: httpx.AsyncClient,
    participant: dict[str, str],
    other_participant: dict[str, str],
    slots_view: Any,
    add_facilitator: Any,
    at: Any,
    clock: Any,
    settings: Any,
) -> None:
    facilitator = await add_facilitator(slots=[at(3)])
    slot_id = facilitator["slots"][0]["id"]
    await book(client, participant, slot_id)
    clock.advance(timedelta(seconds=settings.hold_ttl_s + 1))

    response = await book(client, other_participant, slot_id)

    assert response.status_code == 201, response.text
    # The slot is held again, by the new hold, whatever the one that ran out still says.
    assert await slots_view.booked(facilitator["id"]) == [True]
    await slots_view.assert_agree_with_bookings(facilitator["id"], clock.now, at(30))


async def test_a_taken_slot_answers_409_and_stores_nothing(
    client: httpx.AsyncClient,
    participant: dict[str, str],
    other_participant: dict[str, str],
    add_facilitator: Any,
    at: Any,
    assert_problem: Any,
    stored_state: Any,
) -> None:
    facilitator = await add_facilitator(slots=[at(3)])
    await confirmed(client, participant, facilitator["slots"][0]["id"])
    before = await stored_state()

    problem = assert_problem(
        await book(client, other_participant, facilitator["slots"][0]["id"]),
        409,
    )

    assert problem["type"].endswith("/slot-taken")
    assert await stored_state() == before


async def test_the_database_itself_refuses_a_second_booking_of_a_facilitator_at_an_overlapping_time(
    session: AsyncSession, client: httpx.AsyncClient, participant: dict[str, str], add_facilitator: Any, at: Any
) -> None:
    facilitator = await add_facilitator(slots=[at(3)])
    first = await confirmed(client, participant, facilitator["slots"][0]["id"])
    copy = text(
        "INSERT INTO facilitator.booking (id, facilitator_id, facilitator_number, participant_id, mode, starts_at,"
        " ends_at, status) SELECT gen_random_uuid(), facilitator_id, facilitator_number, 'intruder', mode,"
        " starts_at + interval '30 minutes', ends_at, 'confirmed' FROM facilitator.booking WHERE id = :id"
    )

    with pytest.raises(Exception, match="ex_booking_facilitator_during"):
        async with session.begin_nested():
            await session.execute(copy, {"id": first["id"]})


async def test_capacity_per_month_is_enforced_at_booking_time(
    client: httpx.AsyncClient, auth: AuthHeaders, add_facilitator: Any, at: Any, assert_problem: Any
) -> None:
    facilitator = await add_facilitator(capacity_per_month=2, slots=[at(1), at(2), at(3), at(40)])
    people = [auth("participant", sub=f"p-{i}", org="RQ3", region="london") for i in range(4)]

    for i in range(2):
        await confirmed(client, people[i], facilitator["slots"][i]["id"])
    full = assert_problem(await book(client, people[2], facilitator["slots"][2]["id"]), 409)

    assert full["type"].endswith("/no-capacity")
    assert (await book(client, people[3], facilitator["slots"][3]["id"])).status_code == 201


async def test_a_hard_rule_forbids_booking_and_a_participant_learns_only_that_there_is_a_conflict(
    client: httpx.AsyncClient,
    participant: dict[str, str],
    admin: dict[str, str],
    add_facilitator: Any,
    at: Any,
    assert_problem: Any,
) -> None:
    facilitator = await add_facilitator(
        slots=[at(3)], conflicts={"organisations": [], "participants": ["participant-1"]}
    )

    problem = assert_problem(await book(client, participant, facilitator["slots"][0]["id"]), 409)
    as_admin = assert_problem(
        await book(
            client, admin, facilitator["slots"][0]["id"], participant={"id": "participant-1", "organisation": "RX1"}
        ),
        409,
    )

    assert [e["type"] for e in problem["errors"]] == ["conflict_of_interest"]
    assert [e["type"] for e in as_admin["errors"]] == ["conflict_of_interest"]


async def test_an_administrator_refused_a_rater_reads_what_a_declared_conflict_would_say(
    client: httpx.AsyncClient,
    session: AsyncSession,
    admin: dict[str, str],
    add_facilitator: Any,
    at: Any,
    assert_problem: Any,
    hash_of: Any,
) -> None:
    rater = await add_facilitator(slots=[at(3)])
    declared = await add_facilitator(slots=[at(4)], conflicts={"organisations": [], "participants": ["participant-1"]})
    data = RaterNominatedV1(
        cycle_id=uuid.uuid4(),
        participant_id="participant-1",
        rater_group="peer",
        rater_email_hash=hash_of(rater["email"]),
    )
    await on_rater_nominated(session, data, CloudEvent.wrap(data))
    await session.commit()
    who = {"id": "participant-1", "organisation": "RX1"}

    refusals = [
        assert_problem(await book(client, admin, f["slots"][0]["id"], participant=who), 409)["errors"]
        for f in (rater, declared)
    ]

    assert refusals[0] == refusals[1]
    assert [(e["type"], e["msg"]) for e in refusals[0]] == [
        ("conflict_of_interest", "a conflict of interest rules this facilitator out")
    ]


async def test_a_facilitator_whose_accreditation_expires_before_the_session_cannot_be_booked(
    client: httpx.AsyncClient, participant: dict[str, str], add_facilitator: Any, at: Any, assert_problem: Any
) -> None:
    facilitator = await add_facilitator(
        slots=[at(10)], accreditation={"level": "facilitator", "trained_on": "2029-01-01", "expires_on": "2031-03-10"}
    )

    problem = assert_problem(await book(client, participant, facilitator["slots"][0]["id"]), 409)

    assert [e["type"] for e in problem["errors"]] == ["accreditation_expired"]


async def test_a_slot_in_both_modes_needs_a_mode_and_the_wrong_mode_is_refused(
    client: httpx.AsyncClient,
    participant: dict[str, str],
    add_facilitator: Any,
    at: Any,
    assert_problem: Any,
    stored_state: Any,
) -> None:
    both = await add_facilitator(slots=[at(3)])
    video_only = await add_facilitator(slots=[at(3)], slot_modes=["video"])
    before = await stored_state()

    assert_problem(
        await client.post("/v1/bookings", json={"slot_id": both["slots"][0]["id"]}, headers=participant), 422
    )
    wrong = await client.post(
        "/v1/bookings", json={"slot_id": video_only["slots"][0]["id"], "mode": "in_person"}, headers=participant
    )

    assert assert_problem(wrong, 422)["errors"][0]["type"] == "mode_not_offered"
    assert await stored_state() == before


async def test_one_open_session_per_participant_and_cycle(
    client: httpx.AsyncClient, participant: dict[str, str], add_facilitator: Any, at: Any, assert_problem: Any
) -> None:
    facilitator = await add_facilitator(slots=[at(3), at(4)])
    cycle_id = str(uuid.uuid4())
    await confirmed(client, participant, facilitator["slots"][0]["id"], cycle_id=cycle_id)

    problem = assert_problem(await book(client, participant, facilitator["slots"][1]["id"], cycle_id=cycle_id), 409)

    assert problem["type"].endswith("/already-booked")


async def test_a_retried_booking_with_the_same_idempotency_key_returns_the_first_one(
    client: httpx.AsyncClient, participant: dict[str, str], add_facilitator: Any, at: Any, assert_problem: Any
) -> None:
    facilitator = await add_facilitator(slots=[at(3), at(4)])
    headers = {**participant, "Idempotency-Key": "booking-attempt-1"}

    first = await book(client, headers, facilitator["slots"][0]["id"])
    retried = await book(client, headers, facilitator["slots"][0]["id"])
    misused = await book(client, headers, facilitator["slots"][1]["id"])

    assert retried.status_code == 201
    assert retried.json() == first.json()
    assert retried.headers["idempotent-replayed"] == "true"
    assert assert_problem(misused, 409)["type"].endswith("/idempotency-key-reused")


async def test_cancelling_a_confirmed_session_announces_it_and_frees_the_slot(
    client: httpx.AsyncClient,
    participant: dict[str, str],
    auth: AuthHeaders,
    add_facilitator: Any,
    at: Any,
    outbox_events: Any,
) -> None:
    facilitator = await add_facilitator(slots=[at(3)])
    booking = await confirmed(client, participant, facilitator["slots"][0]["id"])

    response = await client.post(
        f"/v1/bookings/{booking['id']}/cancel", json={"reason": "moved job"}, headers=participant
    )

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert response.json()["cancellation_reason"] == "moved job"
    assert types(await outbox_events(booking["id"])) == ["booked", "cancelled"]
    assert (
        await book(client, auth("participant", sub="p-2", org="RQ3", region="london"), facilitator["slots"][0]["id"])
    ).status_code == 201


async def test_releasing_a_hold_announces_nothing(
    client: httpx.AsyncClient, participant: dict[str, str], add_facilitator: Any, at: Any, outbox_events: Any
) -> None:
    facilitator = await add_facilitator(slots=[at(3)])
    hold = (await book(client, participant, facilitator["slots"][0]["id"])).json()

    assert (await client.post(f"/v1/bookings/{hold['id']}/cancel", headers=participant)).json()["status"] == "cancelled"
    assert await outbox_events(hold["id"]) == []


async def test_a_facilitator_may_cancel_their_session_and_an_admin_any_in_their_region(
    client: httpx.AsyncClient,
    participant: dict[str, str],
    admin: dict[str, str],
    facilitator_headers: dict[str, str],
    add_facilitator: Any,
    at: Any,
) -> None:
    facilitator = await add_facilitator(subject="fac-1", slots=[at(3), at(4)])
    a = await confirmed(client, participant, facilitator["slots"][0]["id"])
    b = await confirmed(client, participant, facilitator["slots"][1]["id"])

    assert (await client.post(f"/v1/bookings/{a['id']}/cancel", headers=facilitator_headers)).status_code == 200
    assert (await client.post(f"/v1/bookings/{b['id']}/cancel", headers=admin)).status_code == 200


async def test_rescheduling_moves_the_session_under_the_same_id_and_announces_it_again(
    client: httpx.AsyncClient,
    participant: dict[str, str],
    auth: AuthHeaders,
    add_facilitator: Any,
    at: Any,
    outbox_events: Any,
) -> None:
    first = await add_facilitator(subject="fac-first", slots=[at(3)])
    second = await add_facilitator(subject="fac-second", slots=[at(5)])
    booking = await confirmed(client, participant, first["slots"][0]["id"])

    response = await client.post(
        f"/v1/bookings/{booking['id']}/reschedule", json={"slot_id": second["slots"][0]["id"]}, headers=participant
    )

    assert response.status_code == 200, response.text
    moved = response.json()
    assert (moved["id"], moved["facilitator_id"], moved["slot_id"]) == (
        booking["id"],
        second["id"],
        second["slots"][0]["id"],
    )
    events = await outbox_events(booking["id"])
    assert types(events) == ["booked", "booked"]
    assert events[0]["data"]["facilitator_subject"] == "fac-first"
    assert (events[1]["data"]["facilitator_id"], events[1]["data"]["facilitator_subject"]) == (
        second["id"],
        "fac-second",
    )
    assert (
        await book(client, auth("participant", sub="p-2", org="RQ3", region="london"), first["slots"][0]["id"])
    ).status_code == 201


async def test_linking_a_facilitators_account_announces_their_live_sessions_again_with_it(
    client: httpx.AsyncClient,
    auth: AuthHeaders,
    admin: dict[str, str],
    add_facilitator: Any,
    at: Any,
    clock: Any,
    outbox_events: Any,
) -> None:
    """Consumers authorise a facilitator by the account named in `session.booked`: a session booked before
    the register entry was linked (or relinked) must be announced again, and only those consumers know."""

    def someone(n: int) -> dict[str, str]:
        return auth("participant", sub=f"p-{n}", org="RQ3", region="london")

    def subjects(events: list[dict[str, Any]]) -> list[tuple[str, str | None]]:
        return [(types([e])[0], e["data"].get("facilitator_subject")) for e in events]

    unlinked = await add_facilitator(slots=[at(3), at(4), at(5), at(6)])
    other = await add_facilitator(subject="fac-other", slots=[at(7)])
    done = await confirmed(client, someone(1), unlinked["slots"][0]["id"])
    dropped = await confirmed(client, someone(2), unlinked["slots"][1]["id"])
    assert (await client.post(f"/v1/bookings/{dropped['id']}/cancel", headers=admin)).status_code == 200
    clock.now = at(3, 11)
    assert (await client.post(f"/v1/bookings/{done['id']}/complete", headers=admin)).status_code == 200
    held = (await book(client, someone(3), unlinked["slots"][2]["id"])).json()
    live = await confirmed(client, someone(4), unlinked["slots"][3]["id"])
    elsewhere = await confirmed(client, someone(5), other["slots"][0]["id"])
    assert subjects(await outbox_events(live["id"])) == [("booked", None)]

    linked = await client.patch(f"/v1/facilitators/{unlinked['id']}", json={"subject": "fac-9"}, headers=admin)

    assert linked.status_code == 200, linked.text
    assert subjects(await outbox_events(done["id"])) == [("booked", None), ("completed", None), ("booked", "fac-9")]
    assert subjects(await outbox_events(live["id"])) == [("booked", None), ("booked", "fac-9")]
    again = (await outbox_events(live["id"]))[-1]["data"]
    assert again == {**(await outbox_events(live["id"]))[0]["data"], "facilitator_subject": "fac-9"}
    assert subjects(await outbox_events(dropped["id"])) == [("booked", None), ("cancelled", None)]
    assert await outbox_events(held["id"]) == []  # a hold was never announced
    assert subjects(await outbox_events(elsewhere["id"])) == [("booked", "fac-other")]

    # Changing anything but the account announces nothing; a hold confirmed later names the account.
    assert (
        await client.patch(f"/v1/facilitators/{unlinked['id']}", json={"phone": "020 7946 0000"}, headers=admin)
    ).status_code == 200
    assert len(await outbox_events(live["id"])) == 2
    assert (await client.post(f"/v1/bookings/{held['id']}/confirm", headers=someone(3))).status_code == 200
    assert subjects(await outbox_events(held["id"])) == [("booked", "fac-9")]

    # Unlinking through a register import withdraws the account from every live session.
    exported = list(csv.DictReader(io.StringIO((await client.get("/v1/facilitators/export", headers=admin)).text)))
    for entry in exported:
        if entry["email"] == unlinked["email"]:
            entry["subject"] = ""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(exported[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(exported)
    imported = await client.post(
        "/v1/facilitators/import", content=out.getvalue().encode(), headers={**admin, "Content-Type": "text/csv"}
    )

    assert imported.json() == {"created": 0, "updated": 1, "unchanged": len(exported) - 1}, imported.text
    for booking in (done, live, held):
        assert subjects(await outbox_events(booking["id"]))[-1] == ("booked", None)
    assert len(await outbox_events(elsewhere["id"])) == 1


async def test_rescheduling_within_a_full_month_of_the_same_facilitator_is_allowed(
    client: httpx.AsyncClient, participant: dict[str, str], add_facilitator: Any, at: Any
) -> None:
    facilitator = await add_facilitator(capacity_per_month=1, slots=[at(3), at(5)])
    booking = await confirmed(client, participant, facilitator["slots"][0]["id"])

    response = await client.post(
        f"/v1/bookings/{booking['id']}/reschedule", json={"slot_id": facilitator["slots"][1]["id"]}, headers=participant
    )

    assert response.status_code == 200, response.text


async def test_rescheduling_onto_a_taken_slot_changes_nothing(
    client: httpx.AsyncClient,
    participant: dict[str, str],
    auth: AuthHeaders,
    add_facilitator: Any,
    at: Any,
    assert_problem: Any,
    stored_state: Any,
) -> None:
    facilitator = await add_facilitator(slots=[at(3), at(5)])
    booking = await confirmed(client, participant, facilitator["slots"][0]["id"])
    await confirmed(client, auth("participant", sub="p-2", org="RQ3", region="london"), facilitator["slots"][1]["id"])
    before = await stored_state()

    assert_problem(
        await client.post(
            f"/v1/bookings/{booking['id']}/reschedule",
            json={"slot_id": facilitator["slots"][1]["id"]},
            headers=participant,
        ),
        409,
    )
    assert await stored_state() == before


async def test_a_session_is_completed_by_its_facilitator_once_it_has_started_and_announced(
    client: httpx.AsyncClient,
    participant: dict[str, str],
    facilitator_headers: dict[str, str],
    add_facilitator: Any,
    at: Any,
    clock: Any,
    outbox_events: Any,
    assert_problem: Any,
) -> None:
    facilitator = await add_facilitator(subject="fac-1", slots=[at(3)])
    booking = await confirmed(client, participant, facilitator["slots"][0]["id"])
    path = f"/v1/bookings/{booking['id']}/complete"
    assert_problem(await client.post(path, headers=facilitator_headers), 409)

    clock.now = at(3, 11)
    response = await client.post(path, headers=facilitator_headers)

    assert response.status_code == 200
    assert response.json()["status"] == "completed"
    assert types(await outbox_events(booking["id"])) == ["booked", "completed"]
    assert_problem(await client.post(f"/v1/bookings/{booking['id']}/cancel", headers=participant), 409)


async def test_the_participant_rates_a_completed_session_once(
    client: httpx.AsyncClient,
    participant: dict[str, str],
    facilitator_headers: dict[str, str],
    add_facilitator: Any,
    at: Any,
    clock: Any,
    assert_problem: Any,
) -> None:
    facilitator = await add_facilitator(subject="fac-1", slots=[at(3)])
    booking = await confirmed(client, participant, facilitator["slots"][0]["id"])
    path = f"/v1/bookings/{booking['id']}/rating"
    assert_problem(await client.post(path, json={"rating": 5}, headers=participant), 409)
    clock.now = at(3, 12)
    await client.post(f"/v1/bookings/{booking['id']}/complete", headers=facilitator_headers)

    assert_problem(await client.post(path, json={"rating": 6}, headers=participant), 422)
    assert_problem(await client.post(path, json={"rating": 4}, headers=facilitator_headers), 403)
    response = await client.post(path, json={"rating": 4, "comment": "Helpful and clear."}, headers=participant)

    assert response.status_code == 200
    assert (response.json()["rating"], response.json()["rating_comment"]) == (4, "Helpful and clear.")
    assert_problem(await client.post(path, json={"rating": 1}, headers=participant), 409)


async def test_a_session_cannot_be_cancelled_once_it_has_started(
    client: httpx.AsyncClient,
    participant: dict[str, str],
    add_facilitator: Any,
    at: Any,
    clock: Any,
    assert_problem: Any,
) -> None:
    facilitator = await add_facilitator(slots=[at(3)])
    booking = await confirmed(client, participant, facilitator["slots"][0]["id"])
    clock.now = at(3, 10, 30)

    assert_problem(await client.post(f"/v1/bookings/{booking['id']}/cancel", headers=participant), 409)


async def test_each_party_sees_their_own_sessions(
    client: httpx.AsyncClient,
    participant: dict[str, str],
    auth: AuthHeaders,
    admin: dict[str, str],
    facilitator_headers: dict[str, str],
    add_facilitator: Any,
    at: Any,
    assert_problem: Any,
) -> None:
    mine = await add_facilitator(subject="fac-1", slots=[at(3)])
    other = await add_facilitator(slots=[at(4)])
    a = await confirmed(client, participant, mine["slots"][0]["id"])
    b = await confirmed(client, auth("participant", sub="p-2", org="RQ3", region="london"), other["slots"][0]["id"])

    def ids(response: httpx.Response) -> list[str]:
        return [x["id"] for x in response.json()["items"]]

    assert ids(await client.get("/v1/bookings", headers=participant)) == [a["id"]]
    assert ids(await client.get("/v1/bookings", headers=facilitator_headers)) == [a["id"]]
    assert ids(await client.get("/v1/bookings", headers=admin)) == [a["id"], b["id"]]
    assert ids(await client.get("/v1/bookings", params={"limit": 1}, headers=admin)) == [a["id"]]
    assert_problem(await client.get(f"/v1/bookings/{b['id']}", headers=participant), 404)
    assert_problem(await client.get(f"/v1/bookings/{b['id']}", headers=facilitator_headers), 404)
    north = auth("academy_admin", sub="admin-2", region="north_west")
    assert ids(await client.get("/v1/bookings", headers=north)) == []


async def test_the_booking_list_pages_in_order_of_time(
    client: httpx.AsyncClient, admin: dict[str, str], auth: AuthHeaders, add_facilitator: Any, at: Any
) -> None:
    facilitator = await add_facilitator(capacity_per_month=10, slots=[at(d) for d in (5, 1, 3)])
    for i, s in enumerate(facilitator["slots"]):
        await confirmed(client, auth("participant", sub=f"p-{i}", org="RQ3", region="london"), s["id"])

    first = (await client.get("/v1/bookings", params={"limit": 2}, headers=admin)).json()
    second = (
        await client.get("/v1/bookings", params={"limit": 2, "cursor": first["next_cursor"]}, headers=admin)
    ).json()

    starts = [b["starts_at"][:10] for b in first["items"] + second["items"]]
    assert starts == [at(d).date().isoformat() for d in (1, 3, 5)]
    assert second["next_cursor"] is None


async def test_a_participant_may_not_act_for_someone_else(
    client: httpx.AsyncClient, participant: dict[str, str], add_facilitator: Any, at: Any, assert_problem: Any
) -> None:
    facilitator = await add_facilitator(slots=[at(3)])

    assert_problem(
        await book(
            client, participant, facilitator["slots"][0]["id"], participant={"id": "p-9", "organisation": "RQ3"}
        ),
        403,
    )


async def test_an_unknown_slot_is_not_found(
    client: httpx.AsyncClient, participant: dict[str, str], assert_problem: Any
) -> None:
    assert_problem(await book(client, participant, str(uuid.uuid4())), 404)

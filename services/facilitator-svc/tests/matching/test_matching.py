"""Matching: every hard rule excludes, the ranking prefers what DOMAIN.md says, and reasons come with it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from facilitator_svc.consumers import on_cycle_opened, on_rater_nominated
from hlm_contracts import CycleKind, CycleOpenedV1, RaterNominatedV1
from hlm_kit.messaging.envelope import CloudEvent
from hlm_kit.testing.pytest_plugin import AuthHeaders

PARTICIPANT = {"id": "participant-1", "organisation": "RX1", "region": "london"}


async def admin_match(client: httpx.AsyncClient, admin: dict[str, str], **body: Any) -> dict[str, Any]:
    response = await client.post(
        "/v1/matches", json={"participant": PARTICIPANT, "include_ineligible": True, **body}, headers=admin
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def nominate(session: AsyncSession, participant_id: str, email_hash: str) -> None:
    data = RaterNominatedV1(
        cycle_id=uuid.uuid4(), participant_id=participant_id, rater_group="peer", rater_email_hash=email_hash
    )
    await on_rater_nominated(session, data, CloudEvent.wrap(data))
    await session.commit()


async def booked_out(client: httpx.AsyncClient, admin: dict[str, str], slot_id: str, participant_id: str) -> None:
    response = await client.post(
        "/v1/bookings",
        json={
            "slot_id": slot_id,
            "mode": "video",
            "confirm": True,
            "participant": {"id": participant_id, "organisation": "RZZ"},
        },
        headers=admin,
    )
    assert response.status_code == 201, response.text


EXCLUSIONS = {
    "inactive": ({"status": "inactive"}, {}, "inactive"),
    "same-organisation": ({"organisation": "RX1"}, {}, "same_organisation"),
    "declared-organisation": ({"conflicts": {"organisations": ["RX1"], "participants": []}}, {}, "declared_conflict"),
    "declared-person": (
        {"conflicts": {"organisations": [], "participants": ["participant-1"]}},
        {},
        "conflict_of_interest",
    ),
    "expired-accreditation": (
        {"accreditation": {"level": "facilitator", "trained_on": "2028-01-01", "expires_on": "2031-03-01"}},
        {},
        "accreditation_expired",
    ),
    "expired-by-the-session-date": (
        {"accreditation": {"level": "facilitator", "trained_on": "2028-01-01", "expires_on": "2031-03-05"}},
        {},
        "accreditation_expired",
    ),
    "no-capacity": ({"capacity_per_month": 0}, {}, "no_capacity"),
    "wrong-mode": ({"modes": ["video"]}, {"mode": "in_person"}, "mode_not_offered"),
    "slot-in-another-mode-only": ({"slot_modes": ["video"]}, {"mode": "in_person"}, "no_free_slot"),
    "no-slot-in-the-window": (
        {},
        {"window": {"starts_at": "2031-04-01T00:00:00Z", "ends_at": "2031-04-30T00:00:00Z"}},
        "no_free_slot",
    ),
}


@pytest.mark.parametrize(("fields", "preferences", "rule"), EXCLUSIONS.values(), ids=EXCLUSIONS.keys())
async def test_each_hard_rule_excludes_a_facilitator(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    participant: dict[str, str],
    add_facilitator: Any,
    at: Any,
    fields: dict[str, Any],
    preferences: dict[str, Any],
    rule: str,
) -> None:
    control = await add_facilitator(slots=[at(7)])
    excluded = await add_facilitator(slots=[at(6)], **fields)

    result = await admin_match(client, admin, **preferences)
    seen_by_participant = await client.post("/v1/matches", json=preferences, headers=participant)

    eligible = [m["facilitator"]["id"] for m in result["eligible"]]
    ineligible = {m["facilitator"]["id"]: [r["rule"] for r in m["reasons"]] for m in result["ineligible"]}
    assert excluded["id"] not in eligible
    assert rule in ineligible[excluded["id"]]
    if "window" not in preferences:
        assert eligible == [control["id"]]
    assert excluded["id"] not in [m["facilitator"]["id"] for m in seen_by_participant.json()["eligible"]]


async def test_a_facilitator_who_is_one_of_the_participants_raters_is_never_matched(
    client: httpx.AsyncClient, admin: dict[str, str], session: AsyncSession, add_facilitator: Any, at: Any, hash_of: Any
) -> None:
    rater = await add_facilitator(slots=[at(6)], email="Pat.Rater@Trust.example.org")
    other = await add_facilitator(slots=[at(7)])
    await nominate(session, "participant-1", hash_of("  pat.rater@trust.example.org "))

    result = await admin_match(client, admin)

    assert [m["facilitator"]["id"] for m in result["eligible"]] == [other["id"]]
    reasons = {m["facilitator"]["id"]: m["reasons"] for m in result["ineligible"]}
    assert reasons[rater["id"]] == [
        {"rule": "conflict_of_interest", "detail": "a conflict of interest rules this facilitator out"}
    ]


async def test_an_administrator_cannot_tell_a_rater_from_a_declared_conflict_with_the_participant(
    client: httpx.AsyncClient, admin: dict[str, str], session: AsyncSession, add_facilitator: Any, at: Any, hash_of: Any
) -> None:
    rater = await add_facilitator(slots=[at(6)])
    declared = await add_facilitator(
        slots=[at(6)], conflicts={"organisations": [], "participants": [PARTICIPANT["id"]]}
    )
    both = await add_facilitator(slots=[at(6)], conflicts={"organisations": [], "participants": [PARTICIPANT["id"]]})
    await nominate(session, PARTICIPANT["id"], hash_of(rater["email"]))
    await nominate(session, PARTICIPANT["id"], hash_of(both["email"]))

    result = await admin_match(client, admin)

    reasons = {m["facilitator"]["id"]: m["reasons"] for m in result["ineligible"]}
    assert reasons[rater["id"]] == reasons[declared["id"]] == reasons[both["id"]]
    assert reasons[rater["id"]] == [
        {"rule": "conflict_of_interest", "detail": "a conflict of interest rules this facilitator out"}
    ]
    assert "rater" not in str(result)


async def test_a_rater_of_another_participant_is_still_matched(
    client: httpx.AsyncClient, admin: dict[str, str], session: AsyncSession, add_facilitator: Any, at: Any, hash_of: Any
) -> None:
    facilitator = await add_facilitator(slots=[at(6)])
    await nominate(session, "someone-else", hash_of(facilitator["email"]))

    result = await admin_match(client, admin)

    assert [m["facilitator"]["id"] for m in result["eligible"]] == [facilitator["id"]]


async def test_a_full_month_excludes_but_the_next_month_with_room_does_not(
    client: httpx.AsyncClient, admin: dict[str, str], add_facilitator: Any, at: Any
) -> None:
    facilitator = await add_facilitator(capacity_per_month=1, slots=[at(2), at(3), at(30)], slot_modes=["video"])
    await booked_out(client, admin, facilitator["slots"][0]["id"], "p-other")

    march = await admin_match(client, admin, window={"starts_at": at(0).isoformat(), "ends_at": at(20).isoformat()})
    spring = await admin_match(client, admin, window={"starts_at": at(0).isoformat(), "ends_at": at(40).isoformat()})

    assert [r["rule"] for r in march["ineligible"][0]["reasons"]] == ["no_capacity"]
    (match,) = spring["eligible"]
    assert [s["slot_id"] for s in match["slots"]] == [facilitator["slots"][2]["id"]]


async def test_a_held_slot_is_not_offered_until_its_hold_runs_out(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    other_participant: dict[str, str],
    add_facilitator: Any,
    at: Any,
    clock: Any,
    settings: Any,
) -> None:
    facilitator = await add_facilitator(slots=[at(3)], slot_modes=["video"])
    assert (
        await client.post("/v1/bookings", json={"slot_id": facilitator["slots"][0]["id"]}, headers=other_participant)
    ).status_code == 201

    held = await admin_match(client, admin)
    clock.advance(timedelta(seconds=settings.hold_ttl_s))
    released = await admin_match(client, admin)

    assert held["eligible"] == []
    assert [m["facilitator"]["id"] for m in released["eligible"]] == [facilitator["id"]]


# --- ranking -----------------------------------------------------------------------------------------


async def ranked(client: httpx.AsyncClient, participant: dict[str, str], **preferences: Any) -> list[dict[str, Any]]:
    response = await client.post("/v1/matches", json=preferences, headers=participant)
    assert response.status_code == 200, response.text
    eligible: list[dict[str, Any]] = response.json()["eligible"]
    return eligible


def factor(match: dict[str, Any], key: str) -> dict[str, Any]:
    return next(r for r in match["reasons"] if r["factor"] == key)


async def test_ranking_prefers_a_facilitator_of_the_participants_region_for_an_in_person_session(
    client: httpx.AsyncClient,
    participant: dict[str, str],
    auth: AuthHeaders,
    add_facilitator: Any,
    at: Any,
    new_facilitator: Any,
) -> None:
    north = auth("academy_admin", sub="admin-2", region="north_west")
    far = (await client.post("/v1/facilitators", json=new_facilitator(), headers=north)).json()
    await client.post(
        f"/v1/facilitators/{far['id']}/slots",
        json={"slots": [{"starts_at": at(5).isoformat(), "ends_at": at(5, 11).isoformat()}]},
        headers=north,
    )
    near = await add_facilitator(slots=[at(5)])

    matches = await ranked(client, participant, mode="in_person")

    assert [m["facilitator"]["id"] for m in matches] == [near["id"], far["id"]]
    assert factor(matches[0], "place")["detail"] == "in your region (london)"
    assert factor(matches[1], "place")["value"] == 0.0


async def test_ranking_prefers_the_nearer_facilitator_when_both_places_are_known(
    client: httpx.AsyncClient, participant: dict[str, str], add_facilitator: Any, at: Any
) -> None:
    westminster = {"latitude": 51.4995, "longitude": -0.1248}
    croydon = await add_facilitator(slots=[at(5)], location={"latitude": 51.3762, "longitude": -0.0982})
    camden = await add_facilitator(slots=[at(5)], location={"latitude": 51.5390, "longitude": -0.1426})

    matches = await ranked(client, participant, mode="in_person", location=westminster)

    assert [m["facilitator"]["id"] for m in matches] == [camden["id"], croydon["id"]]
    assert factor(matches[0], "place")["detail"] == "5 km away"
    assert factor(matches[1], "place")["detail"] == "14 km away"


async def test_a_facilitator_further_than_the_participant_will_travel_is_excluded(
    client: httpx.AsyncClient, admin: dict[str, str], add_facilitator: Any, at: Any
) -> None:
    await add_facilitator(slots=[at(5)], location={"latitude": 53.48, "longitude": -2.24})

    result = await admin_match(
        client, admin, mode="in_person", location={"latitude": 51.5, "longitude": -0.12}, max_distance_km=50
    )

    assert result["eligible"] == []
    assert result["ineligible"][0]["reasons"][0]["rule"] == "too_far"


async def test_ranking_prefers_the_sooner_session(
    client: httpx.AsyncClient, participant: dict[str, str], add_facilitator: Any, at: Any
) -> None:
    later = await add_facilitator(slots=[at(20)])
    sooner = await add_facilitator(slots=[at(2)])

    matches = await ranked(client, participant)

    assert [m["facilitator"]["id"] for m in matches] == [sooner["id"], later["id"]]
    assert factor(matches[0], "soonest")["value"] > factor(matches[1], "soonest")["value"]


async def test_a_window_of_a_year_reaches_a_session_in_its_last_month(
    client: httpx.AsyncClient, participant: dict[str, str], add_facilitator: Any, at: Any
) -> None:
    # Thirteen calendar months: a facilitator whose only session is in the last is found like any other.
    last_month = await add_facilitator(slots=[at(364)])
    second_month = await add_facilitator(slots=[at(40)])
    window = {"starts_at": at(0).isoformat(), "ends_at": at(365).isoformat()}

    matches = await ranked(client, participant, window=window)

    assert [m["facilitator"]["id"] for m in matches] == [second_month["id"], last_month["id"]]
    assert matches[1]["slots"][0]["slot_id"] == last_month["slots"][0]["id"]


async def test_ranking_prefers_the_less_loaded_facilitator(
    client: httpx.AsyncClient, admin: dict[str, str], participant: dict[str, str], add_facilitator: Any, at: Any
) -> None:
    busy = await add_facilitator(capacity_per_month=4, slots=[at(1), at(5)], slot_modes=["video"])
    free = await add_facilitator(capacity_per_month=4, slots=[at(5)], slot_modes=["video"])
    await booked_out(client, admin, busy["slots"][0]["id"], "p-other")

    matches = await ranked(client, participant)

    assert [m["facilitator"]["id"] for m in matches] == [free["id"], busy["id"]]
    assert factor(matches[1], "load")["detail"] == "1 of 4 sessions booked in March 2031"


async def test_ranking_prefers_a_facilitator_who_speaks_the_participants_language(
    client: httpx.AsyncClient, participant: dict[str, str], add_facilitator: Any, at: Any
) -> None:
    english = await add_facilitator(slots=[at(5)], languages=["en"])
    welsh = await add_facilitator(slots=[at(5)], languages=["en", "cy"])

    matches = await ranked(client, participant, languages=["cy", "en"])

    assert [m["facilitator"]["id"] for m in matches] == [welsh["id"], english["id"]]
    assert factor(matches[0], "language")["detail"] == "speaks cy (your first choice)"
    assert factor(matches[1], "language")["value"] == 0.75


async def test_ranking_prefers_a_facilitator_with_the_wanted_specialisms(
    client: httpx.AsyncClient, participant: dict[str, str], add_facilitator: Any, at: Any
) -> None:
    general = await add_facilitator(slots=[at(5)])
    partial = await add_facilitator(slots=[at(5)], specialisms=["team_360"])
    expert = await add_facilitator(slots=[at(5)], specialisms=["team_360", "mental_health"])

    matches = await ranked(client, participant, specialisms=["team_360", "mental_health"])

    assert [m["facilitator"]["id"] for m in matches] == [expert["id"], partial["id"], general["id"]]
    assert [factor(m, "specialism")["value"] for m in matches] == [1.0, 0.5, 0.0]


async def test_every_match_carries_a_score_its_reasons_and_bookable_sessions(
    client: httpx.AsyncClient, participant: dict[str, str], add_facilitator: Any, at: Any
) -> None:
    await add_facilitator(slots=[at(5), at(6), at(7), at(8)])

    (match,) = await ranked(client, participant, languages=["en"])

    assert {r["factor"] for r in match["reasons"]} == {"place", "soonest", "load", "language", "specialism"}
    assert all(r["detail"] for r in match["reasons"])
    assert match["score"] == pytest.approx(sum(r["contribution"] for r in match["reasons"]), abs=1e-3)
    contributions = [r["contribution"] for r in match["reasons"]]
    assert contributions == sorted(contributions, reverse=True)
    assert len(match["slots"]) == 3
    assert "email" not in match["facilitator"]


async def test_unknown_specialisms_and_bad_windows_are_refused(
    client: httpx.AsyncClient, participant: dict[str, str], assert_problem: Any
) -> None:
    problem = assert_problem(
        await client.post(
            "/v1/matches",
            json={
                "specialisms": ["astrology"],
                "mode": "carrier_pigeon",
                "window": {"starts_at": "2031-03-10T00:00:00Z", "ends_at": "2031-03-09T00:00:00Z"},
            },
            headers=participant,
        ),
        422,
    )

    assert {tuple(e["loc"][:2]) for e in problem["errors"]} == {
        ("body", "specialisms"),
        ("body", "mode"),
        ("body", "window"),
    }


async def test_a_window_that_has_passed_is_refused(
    client: httpx.AsyncClient, participant: dict[str, str], assert_problem: Any
) -> None:
    window = {"starts_at": "2031-01-01T00:00:00Z", "ends_at": "2031-02-01T00:00:00Z"}

    assert_problem(await client.post("/v1/matches", json={"window": window}, headers=participant), 422)


# --- who the participant is --------------------------------------------------------------------------


async def test_a_participant_may_not_see_who_is_excluded_or_match_for_someone_else(
    client: httpx.AsyncClient, participant: dict[str, str], assert_problem: Any
) -> None:
    assert_problem(await client.post("/v1/matches", json={"include_ineligible": True}, headers=participant), 403)
    assert_problem(await client.post("/v1/matches", json={"participant": PARTICIPANT}, headers=participant), 403)


async def test_an_admin_matches_only_participants_of_their_region(
    client: httpx.AsyncClient, admin: dict[str, str], assert_problem: Any
) -> None:
    other = {**PARTICIPANT, "region": "north_west"}

    assert_problem(await client.post("/v1/matches", json={"participant": other}, headers=admin), 403)
    assert_problem(await client.post("/v1/matches", json={}, headers=admin), 422)


async def test_the_participants_organisation_comes_from_their_cycle_when_the_token_lacks_it(
    client: httpx.AsyncClient,
    session: AsyncSession,
    auth: AuthHeaders,
    add_facilitator: Any,
    at: Any,
    assert_problem: Any,
) -> None:
    await add_facilitator(slots=[at(5)], organisation="RX1")
    allowed = await add_facilitator(slots=[at(5)])
    headers = auth("participant", sub="participant-9", org="", region="")
    assert_problem(await client.post("/v1/matches", json={}, headers=headers), 422)

    data = CycleOpenedV1(
        cycle_id=uuid.uuid4(),
        kind=CycleKind.FEEDBACK_360,
        participant_id="participant-9",
        organisation="RX1",
        region="london",
        questionnaire_id=uuid.uuid4(),
        closes_at=datetime(2031, 4, 1, tzinfo=UTC),
    )
    await on_cycle_opened(session, data, CloudEvent.wrap(data))
    await session.commit()
    response = await client.post("/v1/matches", json={}, headers=headers)

    assert response.status_code == 200, response.text
    assert response.json()["participant"] == {"id": "participant-9", "organisation": "RX1", "region": "london"}
    assert [m["facilitator"]["id"] for m in response.json()["eligible"]] == [allowed["id"]]

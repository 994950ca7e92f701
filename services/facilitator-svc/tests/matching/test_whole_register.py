"""A match reads the participant's region whole and another region only for a facilitator who could still
be shown: the ranking, scores, sessions and reasons are those a judgement of the whole register gives."""

from __future__ import annotations

import itertools
import random
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from facilitator_svc.bookings.models import Booking, BookingStatus
from facilitator_svc.config import Settings
from facilitator_svc.facilitators.models import Facilitator
from facilitator_svc.matching import rules
from facilitator_svc.matching.bound import MARGIN, Asked, best_possible_score, best_possible_score_elsewhere, parameters
from facilitator_svc.matching.repository import CandidateFilter, best_scores, rater_hashes
from facilitator_svc.matching.schemas import MatchRequest
from facilitator_svc.matching.service import preferences_of
from facilitator_svc.slots.models import Slot
from hlm_kit.testing.pytest_plugin import AuthHeaders

REGIONS = {"london": (51.507, -0.128), "kent_surrey_sussex": (51.25, -0.15), "north_west": (53.48, -2.24)}
LANGUAGES = [["en"], ["en", "cy"], ["en", "pt-BR"], ["pa"], ["en", "pl", "ur"]]
SPECIALISMS = [[], ["team_360"], ["mental_health", "team_360"], ["primary_care"]]
TRUSTS = ["RX1", "RX2", "RYJ", "RQ3"]
# What facilitators offer: feedback alone mostly, coaching and mentoring beside it or alone.
OFFERS = [["feedback"], ["feedback"], ["feedback", "coaching"], ["coaching", "mentoring"], ["feedback", "mentoring"]]
ROUNDING = 0.5e-4 + 1e-9


async def register(
    client: httpx.AsyncClient, auth: AuthHeaders, new_facilitator: Any, at: Any, seed: int
) -> list[dict[str, Any]]:
    """Some thirty facilitators over three regions, mixed in every way the rules look at."""
    rng = random.Random(seed)
    out = []
    for i in range(30):
        region = list(REGIONS)[i % 3]
        admin = auth("academy_admin", sub=f"admin-{region}", region=region)
        lat, lon = REGIONS[region]
        modes = rng.choice([["in_person", "video"], ["video"], ["in_person"]])
        document = new_facilitator(
            organisation=rng.choice(TRUSTS),
            status="active" if rng.random() < 0.9 else "inactive",
            capacity_per_month=rng.choice([0, 1, 2, 4]),
            modes=modes,
            languages=rng.choice(LANGUAGES),
            specialisms=rng.choice(SPECIALISMS),
            conflicts={"organisations": rng.sample(TRUSTS, 1) if rng.random() < 0.15 else [], "participants": []},
        )
        if rng.random() < 0.8:
            document["location"] = {
                "latitude": round(lat + rng.uniform(-0.3, 0.3), 4),
                "longitude": round(lon + rng.uniform(-0.4, 0.4), 4),
            }
        if rng.random() < 0.15:
            document["accreditation"] = {"level": "trainer", "trained_on": "2028-01-01", "expires_on": "2031-03-20"}
        created = await client.post("/v1/facilitators", json={**document, "region": region}, headers=admin)
        assert created.status_code == 201, created.text
        days = sorted(rng.sample(range(1, 50), rng.randrange(1, 6)))
        starts = [at(d, rng.randrange(8, 16)) for d in days]
        slots = [
            {
                "starts_at": s.isoformat(),
                "ends_at": (s + timedelta(hours=1)).isoformat(),
                "modes": modes if rng.random() < 0.6 else [rng.choice(modes)],
            }
            for s in starts
        ]
        path = f"/v1/facilitators/{created.json()['id']}/slots"
        added = await client.post(path, json={"slots": slots}, headers=admin)
        assert added.status_code == 201, added.text
        # Some offer other kinds too, or only those (their feedback slots then stay, offered to nobody);
        # drawn apart, so the rest of the register stays as it was.
        offers = random.Random(seed * 1000 + i)
        kinds = offers.choice(OFFERS)
        if kinds != ["feedback"]:
            changed = await client.patch(
                f"/v1/facilitators/{created.json()['id']}", json={"session_kinds": kinds}, headers=admin
            )
            assert changed.status_code == 200, changed.text
            more = [at(d, 17) for d in sorted(offers.sample(range(1, 50), offers.randrange(1, 4)))]
            extra = [
                {
                    "starts_at": s.isoformat(),
                    "ends_at": (s + timedelta(hours=1)).isoformat(),
                    "kind": offers.choice(kinds),
                }
                for s in more
            ]
            added_more = await client.post(path, json={"slots": extra}, headers=admin)
            assert added_more.status_code == 201, added_more.text
        out.append(created.json() | {"slots": added.json()["items"]})
    return out


async def book(client: httpx.AsyncClient, auth: AuthHeaders, facilitator: dict[str, Any], n: int) -> None:
    admin = auth("academy_admin", sub="admin-x", region=facilitator["region"])
    slot = facilitator["slots"][0]
    body = {
        "slot_id": slot["id"],
        "mode": slot["modes"][0],
        "confirm": True,
        "participant": {"id": f"booked-{n}", "organisation": "RZZ"},
    }
    # Capacity 0 refuses, as it should: such a facilitator is full anyway.
    await client.post("/v1/bookings", json=body, headers=admin)


def preference_sets(at: Any) -> list[dict[str, Any]]:
    near_london = {"latitude": 51.45, "longitude": -0.1}
    over_the_border = {"latitude": 51.3, "longitude": -0.15}
    combos = itertools.product(
        [None, "video", "in_person"],
        [[], ["pt", "en"], ["cy"]],
        [[], ["team_360", "mental_health"]],
        [None, near_london, over_the_border],
        [None, 30],
        [1, 3, 8],
    )
    rng = random.Random(7)
    kinds = random.Random(11)
    out = []
    for mode, languages, specialisms, location, max_km, limit in rng.sample(list(combos), 40):
        body: dict[str, Any] = {
            "kind": kinds.choice(["feedback", "feedback", "coaching", "mentoring"]),
            "languages": languages,
            "specialisms": specialisms,
            "limit": limit,
            "window": {"starts_at": at(0).isoformat(), "ends_at": at(42).isoformat()},
        }
        if mode:
            body["mode"] = mode
        if location:
            body["location"] = location
        if max_km:
            body["max_distance_km"] = max_km
        out.append(body)
    return out


async def whole_register_ranking(
    session: AsyncSession, settings: Settings, body: dict[str, Any], participant: rules.Participant, now: datetime
) -> tuple[rules.Preferences, list[rules.Verdict]]:
    """The reference, read plainly and apart from matching's own queries: every facilitator of the
    register with every free session in the window and every month's bookings, judged by the rules."""
    preferences = preferences_of(MatchRequest.model_validate(body), settings, now)
    tz = ZoneInfo(settings.timezone)
    bookings = [
        b
        for b in (await session.execute(select(Booking))).scalars()
        if b.status in (BookingStatus.CONFIRMED, BookingStatus.COMPLETED)
        or (b.status == BookingStatus.HELD and b.hold_expires_at is not None and b.hold_expires_at > now)
    ]
    load: dict[Any, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for b in bookings:
        load[b.facilitator_id][rules.month_of(b.starts_at, tz)] += 1
    slots = defaultdict(list)
    for slot in (await session.execute(select(Slot).order_by(Slot.starts_at))).scalars():
        booked = any(
            b.facilitator_id == slot.facilitator_id and b.starts_at < slot.ends_at and slot.starts_at < b.ends_at
            for b in bookings
        )
        if max(preferences.window_starts_at, now) <= slot.starts_at < preferences.window_ends_at and not booked:
            slots[slot.facilitator_id].append(
                rules.FreeSlot(slot.id, slot.starts_at, slot.ends_at, tuple(slot.modes), slot.venue, kind=slot.kind)
            )
    verdicts = [
        rules.judge(
            participant,
            preferences,
            rules.Candidate(
                id=f.id,
                name=f.name,
                organisation=f.organisation,
                region=f.region,
                status=f.status,
                accreditation_level=f.accreditation_level.value,
                accreditation_expires_on=f.accreditation_expires_on,
                capacity_per_month=f.capacity_per_month,
                modes=tuple(f.modes),
                languages=tuple(f.languages),
                specialisms=tuple(f.specialisms),
                email_hash=f.email_hash,
                latitude=f.latitude,
                longitude=f.longitude,
                conflict_organisations=tuple(f.conflict_organisations),
                conflict_participants=tuple(f.conflict_participants),
                slots=tuple(slots[f.id]),
                load=dict(load[f.id]),
                session_kinds=tuple(f.session_kinds),
            ),
            tz=tz,
            reference_km=settings.match_reference_distance_km,
        )
        for f in (await session.execute(select(Facilitator))).scalars()
    ]
    return preferences, verdicts


async def withdraw_move_and_pass(
    client: httpx.AsyncClient, session: AsyncSession, auth: AuthHeaders, facilitators: list[dict[str, Any]], at: Any
) -> None:
    """Some facilitators withdraw their latest session, some have one moved, earlier or later: the register
    rows' last session (migration 0010) must follow, for the match to leave out only those with none ahead."""
    rng = random.Random(17)
    for i, f in enumerate(facilitators):
        latest = f["slots"][-1]
        if i % 3 == 0 and len(f["slots"]) > 1:
            admin = auth("academy_admin", sub="admin-x", region=f["region"])
            withdrawn = await client.delete(f"/v1/facilitators/{f['id']}/slots/{latest['id']}", headers=admin)
            assert withdrawn.status_code == 204, withdrawn.text
        elif i % 3 == 1:
            await session.execute(
                text(
                    "UPDATE facilitator.slot SET starts_at = CAST(:starts AS timestamptz),"
                    " ends_at = CAST(:starts AS timestamptz) + interval '1 hour' WHERE id = :id"
                ),
                {"id": latest["id"], "starts": at(rng.randrange(1, 50), 19)},
            )


@pytest.mark.parametrize(("seed", "later"), [(1, False), (2, False), (3, True)])
async def test_a_match_ranks_as_a_judgement_of_the_whole_register_would(
    client: httpx.AsyncClient,
    session: AsyncSession,
    auth: AuthHeaders,
    new_facilitator: Any,
    at: Any,
    clock: Any,
    settings: Settings,
    seed: int,
    later: bool,
) -> None:
    facilitators = await register(client, auth, new_facilitator, at, seed)
    for n, f in enumerate(facilitators[::4]):
        await book(client, auth, f, n)
    if later:
        # Sessions withdrawn and moved, and a match weeks later, when some facilitators' sessions have all
        # begun: those are left out on their row, and the ranking must not change for it.
        await withdraw_move_and_pass(client, session, auth, facilitators, at)
        clock.now = at(18)
        behind = "SELECT count(*) FROM facilitator.facilitator WHERE last_slot_starts_at < :now"
        assert await session.scalar(text(behind), {"now": clock.now})
    # Of London, of a region with fewer facilitators than some lists ask for, of a region with none.
    callers = [
        (auth("participant", sub="participant-1", org="RX1", region="london"), "RX1", "london"),
        (auth("participant", sub="participant-2", org="RYJ", region="north_west"), "RYJ", "north_west"),
        (auth("participant", sub="participant-3", org="RQ3", region="wales"), "RQ3", "wales"),
    ]
    kinds_shown: set[str] = set()

    for i, body in enumerate(preference_sets(at)):
        headers, organisation, region = callers[i % 3]
        response = await client.post("/v1/matches", json=body, headers=headers)
        assert response.status_code == 200, response.text
        result = response.json()
        participant = rules.Participant(
            result["participant"]["id"], organisation, region, await rater_hashes(session, result["participant"]["id"])
        )
        _, verdicts = await whole_register_ranking(session, settings, body, participant, clock.now)
        expected = rules.rank(verdicts)[: body["limit"]]
        if result["eligible"]:
            kinds_shown.add(body["kind"])

        assert [(m["facilitator"]["id"], m["score"]) for m in result["eligible"]] == [
            (str(v.candidate.id), v.best.score) for v in expected
        ], body
        for shown, verdict in zip(result["eligible"], expected, strict=True):
            options = verdict.options[: settings.match_slots_per_facilitator]
            assert [(s["slot_id"], s["mode"], s["score"]) for s in shown["slots"]] == [
                (str(o.slot.id), o.mode.value, o.score) for o in options
            ], body
            assert {r["factor"]: r["detail"] for r in shown["reasons"]} == {
                f.key: f.detail for f in verdict.best.factors
            }, body
            assert {s["kind"] for s in shown["slots"]} == {body["kind"]}, body
    # Each kind of session was asked for and found someone: the comparison held for all three.
    assert kinds_shown == {"feedback", "coaching", "mentoring"}


async def test_an_administrator_sees_every_excluded_facilitator_of_the_region_with_the_same_ranking(
    client: httpx.AsyncClient,
    session: AsyncSession,
    auth: AuthHeaders,
    new_facilitator: Any,
    at: Any,
    clock: Any,
    settings: Settings,
) -> None:
    await register(client, auth, new_facilitator, at, 3)
    admin = auth("academy_admin", sub="admin-1", org="ACADEMY", region="london")
    participant = {"id": "participant-1", "organisation": "RX1", "region": "london"}

    for body in preference_sets(at)[:12]:
        response = await client.post(
            "/v1/matches", json={**body, "participant": participant, "include_ineligible": True}, headers=admin
        )
        assert response.status_code == 200, response.text
        result = response.json()
        who = rules.Participant("participant-1", "RX1", "london", await rater_hashes(session, "participant-1"))
        _, verdicts = await whole_register_ranking(session, settings, body, who, clock.now)

        assert [m["facilitator"]["id"] for m in result["eligible"]] == [
            str(v.candidate.id) for v in rules.rank(verdicts)[: body["limit"]]
        ], body
        excluded = sorted(
            (v for v in verdicts if not v.is_eligible and v.candidate.region == "london"),
            key=lambda v: (v.candidate.name, str(v.candidate.id)),
        )
        assert [(m["facilitator"]["id"], m["reasons"]) for m in result["ineligible"]] == [
            (str(v.candidate.id), [{"rule": e.rule.value, "detail": e.detail} for e in v.exclusions]) for v in excluded
        ], body


async def test_the_bounds_are_never_below_a_score_the_rules_give(
    client: httpx.AsyncClient,
    session: AsyncSession,
    auth: AuthHeaders,
    new_facilitator: Any,
    at: Any,
    clock: Any,
    settings: Settings,
) -> None:
    facilitators = await register(client, auth, new_facilitator, at, 4)
    for n, f in enumerate(facilitators[::3]):
        await book(client, auth, f, n)
    participant = rules.Participant("participant-1", "RX1", "london")
    reference_km = settings.match_reference_distance_km
    # A score is rounded to four places, so may exceed the unrounded sum by half a unit of the fourth;
    # matching's margin covers that and the database's floating point.
    assert MARGIN > ROUNDING

    for body in preference_sets(at):
        preferences, verdicts = await whole_register_ranking(session, settings, body, participant, clock.now)
        by_row = select(Facilitator.id, best_possible_score(Asked.of(participant, preferences)))
        values = parameters(participant, preferences, reference_km)
        row_bounds = {id: b for id, b in await session.execute(by_row, values)}
        bookable = CandidateFilter(
            participant=participant,
            kind=preferences.kind,
            mode=preferences.mode,
            earliest_date=preferences.window_starts_at.astimezone(ZoneInfo(settings.timezone)).date(),
            bookable_only=True,
        )
        by_session = await best_scores(
            session, bookable, preferences, reference_km=reference_km, now=clock.now, timezone=settings.timezone
        )
        session_bounds = {id: b for b, id in by_session}
        elsewhere = best_possible_score_elsewhere(preferences)
        for verdict in verdicts:
            name = verdict.candidate.name
            if verdict.is_eligible:
                assert row_bounds[verdict.candidate.id] >= verdict.best.score - ROUNDING, (body, name)
                assert session_bounds[verdict.candidate.id] >= verdict.best.score - ROUNDING, (body, name)
            if verdict.candidate.region != participant.region:
                assert elsewhere >= row_bounds[verdict.candidate.id] - 1e-9, (body, name)


async def test_no_facilitator_of_another_region_is_judged_when_none_could_be_shown(
    client: httpx.AsyncClient,
    participant: dict[str, str],
    auth: AuthHeaders,
    add_facilitator: Any,
    new_facilitator: Any,
    at: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    home = [await add_facilitator(slots=[at(1 + i)]) for i in range(3)]
    north = auth("academy_admin", sub="admin-2", region="north_west")
    for _ in range(3):
        far = (await client.post("/v1/facilitators", json=new_facilitator(), headers=north)).json()
        slot = {"starts_at": at(1).isoformat(), "ends_at": at(1, 11).isoformat()}
        await client.post(f"/v1/facilitators/{far['id']}/slots", json={"slots": [slot]}, headers=north)
    judged: list[str] = []
    judge = rules.judge

    def counting(participant: Any, preferences: Any, candidate: rules.Candidate, **kw: Any) -> rules.Verdict:
        judged.append(candidate.region)
        return judge(participant, preferences, candidate, **kw)

    monkeypatch.setattr(rules, "judge", counting)

    # In person, with no place given, a facilitator of another region scores nothing for place: the
    # three of London, sessions days away, cannot be beaten.
    shown = await client.post("/v1/matches", json={"mode": "in_person", "limit": 3}, headers=participant)
    assert [m["facilitator"]["id"] for m in shown.json()["eligible"]] == [f["id"] for f in home]
    assert set(judged) == {"london"}

    # Asked for more than London has, the others are read, and ranked after.
    judged.clear()
    more = await client.post("/v1/matches", json={"mode": "in_person", "limit": 6}, headers=participant)
    assert [m["facilitator"]["region"] for m in more.json()["eligible"]] == ["london"] * 3 + ["north_west"] * 3
    assert set(judged) == {"london", "north_west"}

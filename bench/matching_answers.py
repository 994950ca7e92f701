"""Record what POST /v1/matches answers over a few hundred varied requests, on a fixed clock, so that two
versions of the matching code can be compared answer for answer on the same database.

    uv run python bench/matching_answers.py --database-url URL --setup --out after.json
    (cd <a checkout of the other version> && uv run python .../bench/matching_answers.py --database-url URL \
        --out before.json)
    cmp before.json after.json

``--bodies FILE`` also writes each answer's body as the service sent it, one a line, for a comparison byte for
byte (``--out`` holds them parsed, so two encodings of the same values compare equal there); run this file
with the other checkout's interpreter (``<checkout>/.venv/bin/python bench/matching_answers.py ...``) to
write its bodies the same way.

``--setup`` fills the (migrated, empty) database through the API in-process: three regions of
facilitators, a third of them coaches too, with sessions from ten weeks before the clock to seven weeks
after it, and a history around them: sessions booked and completed in the past, confirmed, cancelled,
rescheduled, and holds that run out a few minutes either side of the clock. The requests vary the
participant (region, trust, raters), the kind of session, mode, languages (regional variants too),
specialisms, place, distance, window and limit, and the clock by up to twenty minutes; one in five is an
administrator asking for the ineligible too. The script runs the service of whatever checkout runs it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from asgi_lifespan import LifespanManager

sys.path.insert(0, str(Path(__file__).resolve().parent))

import facilitator_data

from facilitator_svc.clock import current_time
from facilitator_svc.config import Settings
from facilitator_svc.main import create_app
from hlm_kit.tokens import mint_token

CLOCK = datetime(2031, 3, 3, 8, 0, tzinfo=UTC)
SECRET, ISSUER, AUDIENCE = "matching-answers-secret-0123456789abcdef", "hlm-bench", "hlm-platform"
REGIONS = tuple(facilitator_data.REGIONS)[:3]  # the three that the register below fills


def headers(role: str, sub: str, org: str | None = None, region: str | None = "london") -> dict[str, str]:
    token = mint_token(SECRET, sub=sub, roles=[role], org=org, region=region, issuer=ISSUER, audience=AUDIENCE)
    return {"Authorization": f"Bearer {token}"}


class Clock:
    now = CLOCK


async def setup(client: httpx.AsyncClient, clock: type[Clock], rng: random.Random) -> None:
    specs = facilitator_data.register(7, 3 * 60, 24, CLOCK - timedelta(days=70), days=120, per_region=60)
    clock.now = CLOCK - timedelta(days=75)
    booked: list[tuple[dict[str, Any], dict[str, Any], str]] = []
    for n, spec in enumerate(specs):
        admin = headers("academy_admin", "admin", region=spec.region)
        coach = n % 3 == 0
        document = spec.document() | ({"session_kinds": ["feedback", "coaching"]} if coach else {})
        created = await client.post("/v1/facilitators", json=document, headers=admin)
        assert created.status_code == 201, created.text
        facilitator = created.json()
        slots = [
            {"starts_at": s.starts_at.isoformat(), "ends_at": s.ends_at.isoformat(), "modes": list(s.modes)}
            | ({"kind": "coaching"} if coach and i % 2 else {})
            for i, s in enumerate(spec.slots)
        ]
        added = await client.post(f"/v1/facilitators/{facilitator['id']}/slots", json={"slots": slots}, headers=admin)
        assert added.status_code == 201, added.text
        for slot in added.json()["items"]:
            if rng.random() < 0.35:
                booked.append((facilitator, slot, spec.region))
    rng.shuffle(booked)
    for i, (facilitator, slot, region) in enumerate(booked):
        admin = headers("academy_admin", "admin", region=region)
        starts_at = datetime.fromisoformat(slot["starts_at"])
        fate = rng.choices(["confirmed", "held", "cancelled", "rescheduled", "completed"], [5, 2, 1, 1, 2])[0]
        if fate == "held" and starts_at > CLOCK + timedelta(hours=1):
            # Holds that run out from a quarter of an hour before the clock to a quarter of an hour after it.
            clock.now = CLOCK - timedelta(minutes=rng.randrange(0, 30))
        else:
            clock.now = min(starts_at, CLOCK) - timedelta(days=rng.randrange(1, 5))
        body = {
            "slot_id": slot["id"],
            "mode": slot["modes"][0],
            "kind": slot["kind"],
            "confirm": fate != "held",
            "participant": {"id": f"booked-{i}", "organisation": rng.choice(facilitator_data.TRUSTS)},
        }
        response = await client.post("/v1/bookings", json=body, headers=admin)
        if response.status_code != 201:  # capacity and conflicts refuse some, as they should
            continue
        booking = response.json()
        if fate == "cancelled":
            await client.post(f"/v1/bookings/{booking['id']}/cancel", headers=admin)
        elif fate == "completed" and starts_at < CLOCK:
            clock.now = starts_at + timedelta(minutes=30)
            await client.post(f"/v1/bookings/{booking['id']}/complete", headers=admin)
        elif fate == "rescheduled":
            others = [s for f, s, _ in booked if f["id"] == facilitator["id"] and s["kind"] == slot["kind"]]
            target = rng.choice(others)
            await client.post(f"/v1/bookings/{booking['id']}/reschedule", json={"slot_id": target["id"]}, headers=admin)
    print(f"set up {len(specs)} facilitators, {len(booked)} slots booked or tried", flush=True)


def request(rng: random.Random, participant: facilitator_data.ParticipantSpec) -> tuple[dict[str, Any], bool]:
    body = participant.preferences()
    if body.get("languages") and rng.random() < 0.5:
        body["languages"] = [f"{body['languages'][0]}-GB", *body["languages"][1:]]
    elif rng.random() < 0.2:
        body["languages"] = rng.sample(facilitator_data.LANGUAGES, 2)
    if rng.random() < 0.3:
        body["kind"] = "coaching"
    if body.get("mode") == "in_person" and "location" in body and rng.random() < 0.5:
        body["max_distance_km"] = rng.choice([5, 15, 40])
    if rng.random() < 0.3:
        starts = CLOCK + timedelta(days=rng.randrange(-3, 20))
        body["window"] = {
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(days=rng.randrange(3, 40))).isoformat(),
        }
    if rng.random() < 0.4:
        body["limit"] = rng.randrange(1, 30)
    admin = rng.random() < 0.2
    return body, admin


async def answers(
    client: httpx.AsyncClient, clock: type[Clock], count: int, seed: int, bodies: list[bytes]
) -> list[Any]:
    rng = random.Random(seed)
    specs = facilitator_data.register(7, 3 * 60, 24, CLOCK - timedelta(days=70), days=120, per_region=60)
    participants = facilitator_data.cohort(seed, count, specs)
    out = []
    for participant in participants:
        region = rng.choice(REGIONS)
        body, admin = request(rng, participant)
        if admin:
            body |= {
                "participant": {"id": participant.id, "organisation": participant.organisation, "region": region},
                "include_ineligible": rng.random() < 0.5,
            }
            who = headers("academy_admin", "admin", region=region)
        else:
            who = headers("participant", participant.id, org=participant.organisation, region=region)
        clock.now = CLOCK + timedelta(minutes=rng.randrange(0, 20))
        response = await client.post("/v1/matches", json=body, headers=who)
        bodies.append(response.content)
        out.append({"request": body, "now": clock.now.isoformat(), "status": response.status_code, **response.json()})
    return out


async def main(args: argparse.Namespace) -> int:
    settings = Settings(
        environment="development",
        database_url=args.database_url,
        amqp_url=args.amqp_url,
        jwt_secret=SECRET,
        jwt_issuer=ISSUER,
        jwt_audience=AUDIENCE,
        email_hash_key="matching-answers-email-hash-key-0123456789",
        run_workers=False,
        log_json=False,
        log_level="WARNING",
    )
    app = create_app(settings)
    clock = Clock
    app.dependency_overrides[current_time] = lambda: clock.now
    transport = httpx.ASGITransport(app=app)
    async with LifespanManager(app), httpx.AsyncClient(transport=transport, base_url="http://f", timeout=60) as client:
        if args.setup:
            await setup(client, clock, random.Random(args.seed))
        bodies: list[bytes] = []
        out = await answers(client, clock, args.requests, args.seed, bodies)
    await asyncio.to_thread(Path(args.out).write_text, json.dumps(out, indent=1, sort_keys=True))
    if args.bodies:
        await asyncio.to_thread(Path(args.bodies).write_bytes, b"".join(body + b"\n" for body in bodies))
    statuses: dict[int, int] = {}
    for answer in out:
        statuses[answer["status"]] = statuses.get(answer["status"], 0) + 1
    shown = sum(len(a.get("eligible", ())) for a in out)
    print(f"{len(out)} answers ({statuses}), {shown} facilitators shown, written to {args.out}")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True, help="facilitator-svc's URL of a migrated database")
    parser.add_argument("--amqp-url", default="amqp://guest:guest@127.0.0.1:5672/")
    parser.add_argument("--setup", action="store_true", help="fill the database first (once)")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", required=True)
    parser.add_argument("--bodies", help="also write each answer's body as sent, one a line")
    sys.exit(asyncio.run(main(parser.parse_args())))

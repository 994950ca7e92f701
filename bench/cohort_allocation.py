"""Benchmark: allocate a cohort of 2,000 participants to 250 facilitators (20 slots each), through
facilitator-svc's job, and price a greedy allocation of the very same inputs beside it.

    uv run python bench/cohort_allocation.py [--participants 2000] [--facilitators 250] [--slots 20]
                                             [--window-days 28]

What it does, all on 127.0.0.1 and cleaned up at the end (also on failure or Ctrl-C):

1. creates a database ``hlm_bench_<random>``, migrates it and starts ``facilitator-svc serve`` with
   its workers (relay, consumers, allocation worker) on exchanges and queues of its own;
2. registers the synthetic register of ``bench/facilitator_data.py`` through the API and publishes the
   ``rater.nominated`` events of the participants who named a facilitator as a rater, as survey-svc
   would, waiting until the service has recorded them;
3. posts the cohort to ``POST /v1/allocations`` and polls the job, printing its progress, until the
   proposal is ready: the job's wall time, its solving time and the objective come from the service;
4. loads the same inputs the worker read (same window, same rules) in this process, solves them again
   (the objective must equal the service's) and runs the greedy baseline on them: participants in
   order, each taking the cheapest session still free;
5. prints both costs, their ratio, who was assigned, and writes
   ``bench/results/cohort-allocation-<timestamp>.json``.

The window starts at the next midnight (UTC), so the job and the in-process solve read the same slots.
With the default four-week window the register has fewer places than the cohort has people: the
allocation decides who is left out as well as who goes where.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))

import catalogue
import facilitator_data
import facilitator_setup


async def publish_rater_conflicts(
    amqp_url: str, topology: Any, key: str, cohort: list[facilitator_data.ParticipantSpec], emails: set[str]
) -> int:
    """The nominations survey-svc would announce for raters who are also facilitators."""
    import uuid

    from hlm_contracts import EmailAddress, EmailHashKey, RaterNominatedV1, email_hash
    from hlm_kit.messaging.broker import Broker
    from hlm_kit.messaging.envelope import CloudEvent

    broker = Broker(amqp_url, topology)
    await broker.connect()
    sent = 0
    try:
        for p in cohort:
            for email in p.rater_emails:
                if email in emails:
                    data = RaterNominatedV1(
                        cycle_id=uuid.uuid4(),
                        participant_id=p.id,
                        rater_group="peer",
                        rater_email_hash=email_hash(EmailAddress(email), EmailHashKey(key)),
                    )
                    await broker.publish(CloudEvent.wrap(data))
                    sent += 1
    finally:
        await broker.close()
    return sent


async def wait_for_rows(database_url: str, table: str, expected: int, timeout_s: float = 60) -> None:
    import asyncpg

    from hlm_kit.db import to_plain_url

    connection = await asyncpg.connect(to_plain_url(database_url))
    try:
        deadline = time.monotonic() + timeout_s
        while (count := await connection.fetchval(f"SELECT count(*) FROM facilitator.{table}")) < expected:
            if time.monotonic() > deadline:
                raise catalogue.BenchError(f"{table}: {count} rows after {timeout_s:.0f} s, expected {expected}")
            await asyncio.sleep(0.2)
    finally:
        await connection.close()


async def run_job(service: facilitator_setup.Service, body: dict[str, Any]) -> tuple[dict[str, Any], float]:
    import httpx

    admin = service.token("academy_admin", "bench-admin")
    async with httpx.AsyncClient(base_url=service.base_url, timeout=120, trust_env=False) as client:
        started = time.perf_counter()
        queued = await client.post("/v1/allocations", json=body, headers=admin)
        if queued.status_code != 202:
            raise catalogue.BenchError(f"POST /v1/allocations: {queued.status_code} {queued.text[:500]}")
        id = queued.json()["id"]
        last = None
        while True:
            job = (await client.get(f"/v1/allocations/{id}", headers=admin)).json()
            shown = (job["status"], job["stage"], job["progress"])
            if shown != last:
                elapsed = time.perf_counter() - started
                print(f"  {elapsed:6.1f} s  {job['status']:<9} {job['stage']:<11} {job['progress']:.0%}")
                last = shown
            if job["status"] in ("proposed", "failed"):
                break
            await asyncio.sleep(0.25)
        wall_s = time.perf_counter() - started
    if job["status"] != "proposed":
        raise catalogue.BenchError(f"the allocation failed: {job['error']}")
    return job, wall_s


async def solve_here(database_url: str, allocation_id: str, timezone: str, reference_km: float) -> dict[str, Any]:
    """The worker's inputs, read the worker's way, solved optimally and greedily in this process."""
    import uuid

    from facilitator_svc.allocations import solver
    from facilitator_svc.allocations.repository import AllocationRepository
    from facilitator_svc.allocations.worker import cohort_members
    from facilitator_svc.matching.repository import CandidateFilter, load_candidates
    from hlm_kit.db import create_engine, create_sessionmaker

    engine = create_engine(database_url, pool_size=2)
    tz = ZoneInfo(timezone)
    try:
        async with create_sessionmaker(engine)() as session:
            allocation = await AllocationRepository(session).get_whole(uuid.UUID(allocation_id))
            assert allocation is not None
            now = datetime.now(UTC)
            members = [m for m in await cohort_members(session, allocation, now) if m is not None]
            window_start = max(allocation.window_starts_at, now)
            candidates = await load_candidates(
                session,
                CandidateFilter(region=allocation.region, earliest_date=window_start.astimezone(tz).date()),
                window_starts_at=window_start,
                window_ends_at=allocation.window_ends_at,
                now=now,
                timezone=timezone,
            )
            await session.rollback()
    finally:
        await engine.dispose()
    t0 = time.perf_counter()
    network = solver.build(members, candidates, tz=tz, reference_km=reference_km)
    t1 = time.perf_counter()
    optimal = solver.solve(network)
    t2 = time.perf_counter()
    greedy = solver.greedy(network)
    t3 = time.perf_counter()
    arcs = len(network.fits)
    return {
        "pairs_allowed": arcs,
        "free_slots": sum(len(s) for s in network.usable.values()),
        "build_s": round(t1 - t0, 3),
        "optimal": {"assigned": optimal.assigned_count, "objective": optimal.objective, "solve_s": round(t2 - t1, 3)},
        "greedy": {"assigned": greedy.assigned_count, "objective": greedy.objective, "solve_s": round(t3 - t2, 3)},
    }


def run(args: argparse.Namespace) -> int:
    from hlm_kit.local import own_topology

    tag = secrets.token_hex(4)
    with own_topology(args.amqp_url, f"bench.{tag}") as topology:
        tomorrow = (datetime.now(UTC) + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        register_specs = facilitator_data.register(args.seed, args.facilitators, args.slots, tomorrow, days=56)
        cohort = facilitator_data.cohort(args.seed, args.participants, register_specs)
        started_at = datetime.now(UTC)
        extra_env = {
            "FACILITATOR_EVENTS_EXCHANGE": topology.events_exchange,
            "FACILITATOR_DEAD_LETTER_EXCHANGE": topology.dead_letter_exchange,
            "FACILITATOR_QUEUE_PREFIX": topology.queue_prefix,
            "FACILITATOR_ALLOCATION_POLL_INTERVAL_S": "0.5",
        }
        with (
            tempfile.TemporaryDirectory(prefix="hlm-bench-") as tmp,
            facilitator_setup.running_service(
                args.admin_url, args.amqp_url, Path(tmp), run_workers=True, extra_env=extra_env
            ) as service,
        ):
            database_url = service.env["FACILITATOR_DATABASE_URL"]
            asyncio.run(facilitator_setup.load_register(service, register_specs))
            emails = {f.email for f in register_specs}
            sent = asyncio.run(
                publish_rater_conflicts(
                    args.amqp_url, topology, service.env["FACILITATOR_EMAIL_HASH_KEY"], cohort, emails
                )
            )
            asyncio.run(wait_for_rows(database_url, "rater_conflict", sent))
            print(f"  {sent} participants named a facilitator as a rater (recorded from the events)", flush=True)
            body = {
                "window": {
                    "starts_at": tomorrow.isoformat(),
                    "ends_at": (tomorrow + timedelta(days=args.window_days)).isoformat(),
                },
                "participants": [
                    {"participant_id": p.id, "organisation": p.organisation, **p.preferences()} for p in cohort
                ],
            }
            print(f"  allocating {len(cohort)} participants ...", flush=True)
            job, job_wall_s = asyncio.run(run_job(service, body))
            print("  solving the same inputs in this process, optimally and greedily ...", flush=True)
            here = asyncio.run(solve_here(database_url, job["id"], "Europe/London", 80.0))

    optimal, greedy = here["optimal"], here["greedy"]
    matches = optimal["objective"] == job["objective_cost"] and optimal["assigned"] == job["assigned_count"]
    print()
    print(
        f"{len(cohort)} participants, {args.facilitators} facilitators x {args.slots} slots, "
        f"{args.window_days}-day window: {here['free_slots']} usable sessions, "
        f"{here['pairs_allowed']} (participant, facilitator, mode) pairs allowed by the rules"
    )
    header = f"{'allocation':<22} {'assigned':>9} {'total cost':>11} {'cost/assigned':>14} {'time s':>8}"
    print(header)
    print("-" * len(header))
    rows = [
        ("service job (optimal)", job["assigned_count"], job["objective_cost"], job_wall_s),
        ("in-process optimal", optimal["assigned"], optimal["objective"], here["build_s"] + optimal["solve_s"]),
        ("in-process greedy", greedy["assigned"], greedy["objective"], here["build_s"] + greedy["solve_s"]),
    ]
    for name, assigned, cost, seconds in rows:
        print(f"{name:<22} {assigned:>9} {cost:>11} {cost / max(assigned, 1):>14.1f} {seconds:>8.2f}")
    ratio = greedy["objective"] / optimal["objective"] if optimal["objective"] else None
    print()
    print(
        f"greedy/optimal total cost x{catalogue._fmt(ratio, '.3f')} "
        f"(assigned {greedy['assigned']} vs {optimal['assigned']}); "
        f"the job's own solving took {job['solve_seconds']:.2f} s of {job_wall_s:.2f} s"
    )
    print(f"the in-process optimum {'equals' if matches else 'DIFFERS FROM'} the service's")
    print(
        "note: cost is 10000 x (1 - matching score) per assigned participant (place, date, load, language, "
        "specialism); both allocations obey every hard rule and capacity. Greedy can assign fewer people "
        "than the optimum when early choices use up places later participants needed."
    )

    catalogue.write_results(
        "cohort-allocation",
        started_at,
        {
            "config": vars(args) | {"admin_url": None, "amqp_url": None},
            "service": {
                "assigned": job["assigned_count"],
                "objective": job["objective_cost"],
                "solve_seconds": job["solve_seconds"],
                "wall_seconds": round(job_wall_s, 3),
            },
            "in_process": here,
            "greedy_over_optimal_cost": ratio,
            "optimum_matches_service": matches,
        },
    )
    return 0 if matches else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=2000)
    parser.add_argument("--facilitators", type=int, default=250)
    parser.add_argument("--slots", type=int, default=20, help="slots per facilitator, over eight weeks")
    parser.add_argument("--window-days", type=int, default=28)
    parser.add_argument("--seed", type=int, default=1)
    catalogue.add_platform_urls(parser)
    args = parser.parse_args()

    return catalogue.run_benchmark(run, args)


if __name__ == "__main__":
    sys.exit(main())

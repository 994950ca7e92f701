"""Benchmark: 200 concurrent enrolments into 20 facilitator training courses through facilitator-svc's
REST API, and whether exactly each course's capacity of places was taken.

    uv run python bench/enrolment.py [--courses 20] [--enrolments 200] [--capacity 5] [--warmup 20]

What it does, all on 127.0.0.1 and cleaned up at the end (also on failure or Ctrl-C):

1. creates a database ``hlm_bench_<random>``, runs ``facilitator-svc migrate``, starts
   ``facilitator-svc serve`` (one uvicorn worker, workers off: no relay, so no exchange or queue is
   declared) and waits for ``/health/ready``;
2. as an academy administrator of London, registers ``--courses`` trainers and schedules one facilitator
   training course for each (``--capacity`` places, on the coming days), and a course of its own for
   ``--warmup`` enrolments sent one after another first (connections opened, statements prepared);
3. sends ``--enrolments`` enrolments of new people (``POST /v1/training/courses/{id}/enrolments`` with a
   ``person``), spread evenly over the courses, all at once: each request on its own connection, released
   together, so every course sees its places asked for by more people than it has at the same moment;
4. prints the latency percentiles of the burst, then reads each course and its enrolments back through
   the API and checks that exactly ``capacity`` people have a place, the others are on the waiting list
   at positions 1..n, and nobody was enrolled twice; writes ``bench/results/enrolment-<timestamp>.json``.

The place is decided under the course's row lock (``SELECT … FOR UPDATE``), so the burst queues on 20
rows: what it measures is how long people wait for their answer when a course opens and everyone asks at
once, not the throughput of a steady load.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import catalogue
import facilitator_setup
import goals

REGION = facilitator_setup.REGION


def trainer(n: int) -> dict[str, Any]:
    today = date.today()
    return {
        "name": f"Trainer {n:02d}",
        "email": f"trainer.{n:02d}@academy.example.org",
        "organisation": f"RT{n:03d}",
        "region": REGION,
        "status": "active",
        "accreditation": {
            "level": "trainer",
            "trained_on": (today - timedelta(days=200)).isoformat(),
            "expires_on": (today + timedelta(days=900)).isoformat(),
        },
        "capacity_per_month": 4,
        "modes": ["video"],
    }


def person(n: int) -> dict[str, Any]:
    return {"name": f"Trainee {n:04d}", "email": f"trainee.{n:04d}@trust.example.org", "organisation": "RA1"}


async def schedule(client: Any, admin: dict[str, str], n: int, capacity: int) -> str:
    """A trainer of the region and the one-day video course they run; the course's id."""
    registered = await client.post("/v1/facilitators", json=trainer(n), headers=admin)
    if registered.status_code != 201:
        raise catalogue.BenchError(f"registering trainer {n}: {registered.status_code} {registered.text[:300]}")
    course = {
        "kind": "facilitator_training",
        "title": f"Facilitator training {n:02d}",
        "starts_on": (date.today() + timedelta(days=7 + n)).isoformat(),
        "mode": "video",
        "capacity": capacity,
        "trainer_id": registered.json()["id"],
    }
    created = await client.post("/v1/training/courses", json=course, headers=admin)
    if created.status_code != 201:
        raise catalogue.BenchError(f"scheduling course {n}: {created.status_code} {created.text[:300]}")
    course_id: str = created.json()["id"]
    return course_id


async def enrol(client: Any, admin: dict[str, str], course_id: str, n: int) -> tuple[int, int, dict[str, Any]]:
    """One enrolment: (status code, latency in microseconds, body)."""
    started = time.perf_counter()
    response = await client.post(
        f"/v1/training/courses/{course_id}/enrolments", json={"person": person(n)}, headers=admin
    )
    latency_us = round((time.perf_counter() - started) * 1e6)
    return response.status_code, latency_us, response.json()


async def burst(service: facilitator_setup.Service, args: argparse.Namespace) -> dict[str, Any]:
    import httpx

    admin = service.token("academy_admin", "bench-admin", region=REGION)
    async with httpx.AsyncClient(base_url=service.base_url, timeout=120, trust_env=False) as client:
        courses = [await schedule(client, admin, n, args.capacity) for n in range(args.courses)]
        warmup_course = await schedule(client, admin, args.courses, max(1, args.warmup))
        for n in range(args.warmup):
            status, _, body = await enrol(client, admin, warmup_course, 100_000 + n)
            if status != 201:
                raise catalogue.BenchError(f"warm-up enrolment: {status} {body}")

    # One connection per request, opened before the burst, so the requests leave together.
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    clients = [
        httpx.AsyncClient(base_url=service.base_url, timeout=120, trust_env=False, limits=limits)
        for _ in range(args.enrolments)
    ]
    try:
        await asyncio.gather(*(c.get("/health/live") for c in clients))
        go = asyncio.Event()

        async def one(n: int) -> tuple[str, int, int, dict[str, Any]]:
            course_id = courses[n % len(courses)]
            await go.wait()
            status, latency_us, body = await enrol(clients[n], admin, course_id, n)
            return course_id, status, latency_us, body

        tasks = [asyncio.create_task(one(n)) for n in range(args.enrolments)]
        await asyncio.sleep(0.2)
        started = time.perf_counter()
        go.set()
        answers = await asyncio.gather(*tasks)
        wall_s = time.perf_counter() - started
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))

    errors = Counter(str(status) for _, status, _, _ in answers if status != 201)
    latencies_us = sorted(latency for _, status, latency, _ in answers if status == 201)
    outcome = Counter(body["status"] for _, status, _, body in answers if status == 201)
    async with httpx.AsyncClient(base_url=service.base_url, timeout=60, trust_env=False) as client:
        per_course = [await course_state(client, admin, course_id, args.capacity) for course_id in courses]
    return {
        "requests": len(answers),
        "errors": dict(errors),
        "answered": dict(outcome),
        "wall_s": round(wall_s, 3),
        "throughput_rps": len(latencies_us) / wall_s if wall_s else 0.0,
        "latency_ms": {
            "p50": catalogue._percentile(latencies_us, 50),
            "p90": catalogue._percentile(latencies_us, 90),
            "p99": catalogue._percentile(latencies_us, 99),
            "max": latencies_us[-1] / 1000 if latencies_us else float("nan"),
        },
        "courses": per_course,
    }


async def course_state(client: Any, admin: dict[str, str], course_id: str, capacity: int) -> dict[str, Any]:
    """The course as the API reads it back, and whether its places and waiting list are as they must be."""
    course = (await client.get(f"/v1/training/courses/{course_id}", headers=admin)).json()
    enrolments = (await client.get(f"/v1/training/courses/{course_id}/enrolments", headers=admin)).json()["items"]
    placed = [e for e in enrolments if e["status"] == "enrolled"]
    waiting = [e for e in enrolments if e["status"] == "waiting"]
    emails = [e["email"] for e in enrolments]
    exact = (
        len(placed) == capacity == course["places_taken"]
        and len(waiting) == course["waiting"]
        and sorted(e["waiting_position"] for e in waiting) == list(range(1, len(waiting) + 1))
        and len(set(emails)) == len(emails)
    )
    return {"id": course_id, "placed": len(placed), "waiting": len(waiting), "exact": exact}


def run(args: argparse.Namespace) -> int:
    started_at = datetime.now(UTC)
    print(f"{args.enrolments} enrolments into {args.courses} courses of {args.capacity} places", flush=True)
    with (
        tempfile.TemporaryDirectory(prefix="hlm-bench-") as tmp,
        facilitator_setup.running_service(args.admin_url, args.amqp_url, Path(tmp), run_workers=False) as service,
    ):
        results = asyncio.run(burst(service, args))
    exact = sum(course["exact"] for course in results["courses"])
    placed = sum(course["placed"] for course in results["courses"])
    waiting = sum(course["waiting"] for course in results["courses"])
    latency = results["latency_ms"]
    print()
    print(
        f"{results['requests']} requests at once, {sum(results['errors'].values())} errors, "
        f"{results['wall_s']:.2f} s for the burst ({results['throughput_rps']:.0f} enrolments/s), "
        f"one uvicorn worker, {os.cpu_count()} CPU(s)"
    )
    print(
        f"latency ms: p50 {latency['p50']:.1f}  p90 {latency['p90']:.1f}  p99 {latency['p99']:.1f}  "
        f"max {latency['max']:.1f}"
    )
    print(
        f"places taken {placed} (capacity {args.courses * args.capacity}), waiting list {waiting}; "
        f"{exact} of {args.courses} courses with exactly their capacity taken and the rest waiting in order"
    )
    goals.check("enrolment burst: courses with exactly their capacity taken", exact, at_least=args.courses, unit="")

    catalogue.write_results(
        "enrolment",
        started_at,
        {
            "config": vars(args) | {"admin_url": None, "amqp_url": None},
            "results": results,
        },
    )
    if results["errors"] or exact != args.courses:
        raise catalogue.BenchError(f"places not as their capacity says, or requests failed: {results['errors']}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--courses", type=int, default=20)
    parser.add_argument("--enrolments", type=int, default=200, help="sent at once, spread evenly over the courses")
    parser.add_argument("--capacity", type=int, default=5, help="places per course")
    parser.add_argument("--warmup", type=int, default=20, help="enrolments sent one by one before the burst")
    catalogue.add_platform_urls(parser)
    args = parser.parse_args()

    return catalogue.run_benchmark(run, args)


if __name__ == "__main__":
    sys.exit(main())

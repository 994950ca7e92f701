"""Benchmark: the hot paths with a national year of data in the tables, beside the same on an empty database.

    uv run python bench/national.py [--scale 0.01] [--samples 300] [--keep]

At ``--scale 1.0`` a national year is 1.5 million staff, 150,000 360 cycles with 1.5 million responses
(about 67 million answers), the report read model of all of them, 3,000 facilitators with a year of
slots and bookings, and one million journal observations. The default scale (0.01) runs in a few
minutes on two cores.

1. Two databases ``hlm_bench_<random>`` of their own, empty and national: the bootstrap and every
   service's migrations (as the tests make theirs); dropped at the end unless ``--keep``.
2. The probe: exactly what the measured operations work on, loaded with COPY into the first database:
   open 360s whose raters submit, a closed 360 whose report is built, a London region and a partner
   trust with reports closed this month, a journal of 300 entries, London's facilitators with sessions
   in the coming weeks. A few reports are built by report-svc itself; they are the templates every other
   report's content and published figures are copied from. The second database is a copy of the first.
3. The national year is loaded with COPY into the second database beside the probe (history: closed
   before this month), by a separate process, then VACUUM ANALYZE.
4. survey-svc, report-svc and facilitator-svc run in this process on each database (their apps with
   ``run_workers`` off, called through httpx's ASGI transport). Each operation is timed ``--samples``
   times on each database in turn, one call at a time: a rater's submit, an individual report build, a
   region's group report, matching, a partner's incremental pull, a page of the journal. Each statement
   they sent is then run once more under ``EXPLAIN (ANALYZE, BUFFERS)`` on the national database and its
   plan printed; a sequential scan of a table of more than 1,000 rows that reads it whole (no filter)
   or keeps less than a tenth of what it reads is flagged (``--strict-plans``: any filtered one left
   when the plans are made with sequential scans disabled).
5. Printed: rows and size on disk per table, load time, each operation's p50/p99 on both databases
   with the ratio (goal: within x1.2 of empty), and the resident memory of this process, which holds
   the three services twice, once per database (goal: under 300 MB). ``make bench`` records the goals.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import contextlib
import dataclasses
import math
import multiprocessing
import os
import random
import re
import statistics
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import asyncpg  # noqa: E402
import facilitator_data  # noqa: E402
import goals  # noqa: E402
import national_data as data  # noqa: E402

from hlm_kit.local import exit_on_sigterm, own_topology  # noqa: E402

ADMIN_URL = os.environ.get("HLM_ADMIN_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
AMQP_URL = os.environ.get("HLM_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
SCHEMAS = ("framework", "survey", "report", "facilitator")
SERVICES = ("survey_svc", "report_svc", "facilitator_svc")
PROBE_REGION = "london"
PARTNER = data.organisation(0, 0)
TEMPLATES = 8
GROUP_MEMBERS = 300
JOURNAL_ENTRIES = 300
PROBE_FACILITATORS = 40
BLOCK_CYCLES = 1000
BIG_TABLE_ROWS = 1000
GOAL_RATIO = 1.2
GOAL_RSS_MB = 300
SECRET = "national-bench-secret-0123456789abcdef"
ISSUER, AUDIENCE = "hlm-bench", "hlm-platform"
EMAIL_HASH_KEY = "national-bench-email-hash-key-0123456789"


@dataclass(frozen=True)
class Clock:
    """The probe lives in the last four weeks; the national year is the twelve months before them."""

    now: datetime

    @property
    def period_start(self) -> datetime:
        return self.now - timedelta(days=28)

    @property
    def year_start(self) -> datetime:
        return self.now - timedelta(days=400)

    @property
    def year_end(self) -> datetime:
        return self.now - timedelta(days=30)


# ----------------------------------------------------------------------------------------------------
# The database
# ----------------------------------------------------------------------------------------------------


def plain(url: str) -> str:
    from hlm_kit.db import to_plain_url

    return to_plain_url(url)


def admin_url_of(database: str) -> str:
    from hlm_kit.bootstrap import _with_database

    return plain(_with_database(ADMIN_URL, database))


async def create_database(database: str) -> dict[str, str]:
    """The bootstrap and every service's migrations; returns each service role's URL."""
    from facilitator_svc.cli import MIGRATIONS as FACILITATOR
    from framework_svc.cli import MIGRATIONS as FRAMEWORK
    from hlm_kit import migrations
    from hlm_kit.bootstrap import bootstrap, service_url
    from report_svc.cli import MIGRATIONS as REPORT
    from survey_svc.cli import MIGRATIONS as SURVEY

    await bootstrap(ADMIN_URL, database)
    urls = {}
    for role, script in (
        ("framework_svc", FRAMEWORK),
        ("survey_svc", SURVEY),
        ("report_svc", REPORT),
        ("facilitator_svc", FACILITATOR),
    ):
        urls[role] = service_url(ADMIN_URL, database, role)
        await asyncio.to_thread(migrations.upgrade, script, urls[role])
    return urls


async def clone_database(template: str, database: str) -> dict[str, str]:
    """A copy of ``template`` (the probe, migrated): the same rows, byte for byte, on both sides."""
    from hlm_kit.bootstrap import service_url

    admin = await asyncpg.connect(plain(ADMIN_URL))
    try:
        await admin.execute(f'CREATE DATABASE "{database}" TEMPLATE "{template}"')
    finally:
        await admin.close()
    return {role: service_url(ADMIN_URL, database, role) for role in ("framework_svc", *SERVICES)}


async def drop_database(database: str) -> None:
    admin = await asyncpg.connect(plain(ADMIN_URL))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    finally:
        await admin.close()


@contextlib.asynccontextmanager
async def schema_connections(database: str) -> Any:
    connections = {s: await asyncpg.connect(admin_url_of(database)) for s in ("survey", "report", "facilitator")}
    try:
        yield connections
    finally:
        for c in connections.values():
            await c.close()


# ----------------------------------------------------------------------------------------------------
# The probe: what the measured operations work on, the same in both runs
# ----------------------------------------------------------------------------------------------------


@dataclass
class Probe:
    questionnaire: data.Questionnaire
    variants: list[data.ResponseVariant]
    tokens: list[str] = field(default_factory=list)
    build_cycle: uuid.UUID | None = None
    template_cycles: list[uuid.UUID] = field(default_factory=list)
    participants: list[Any] = field(default_factory=list)  # facilitator_data.ParticipantSpec of London
    journal_author: int = 0


def hlm_360() -> Any:
    import survey_submission

    return survey_submission.questionnaire()


async def store_questionnaire(database: str, q: Any) -> None:
    import json

    connection = await asyncpg.connect(admin_url_of(database))
    try:
        document = json.dumps(q.model_dump(mode="json"))
        await connection.execute(
            "INSERT INTO survey.questionnaire (id, key, version, purpose, framework_key, framework_version, name,"
            " published_at, document) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)",
            q.questionnaire_id, q.key, q.version, q.purpose.value, q.framework_key, q.framework_version, q.name,
            q.published_at, document,
        )  # fmt: skip
    finally:
        await connection.close()


async def load_probe(database: str, urls: dict[str, str], clock: Clock, samples: int, seed: int) -> Probe:
    from hlm_kit.db import create_engine, create_sessionmaker
    from report_svc.cycles.repository import CycleRepository
    from report_svc.questionnaires import service as questionnaire_service
    from report_svc.reports import service as report_service

    rng = random.Random(seed)
    published = hlm_360()
    await store_questionnaire(database, published)
    engine = create_engine(urls["report_svc"], pool_size=2)
    sessionmaker = create_sessionmaker(engine)
    async with sessionmaker() as session, session.begin():
        await questionnaire_service.store(session, published)
    q = data.Questionnaire(
        published.questionnaire_id, tuple(i.key for i in published.items), tuple(d.key for d in published.dimensions)
    )
    probe = Probe(q, data.response_variants(q, rng))
    london = [o for o, region in data.organisations() if region == PROBE_REGION]
    block = data.Block()
    participant = iter(range(10**9))
    # Open 360s whose raters all still have their link: the submits of both runs, with a margin.
    raters = 40
    for _ in range(math.ceil((2 * (samples + warmup_of(samples)) + 10) / raters)):
        opened = clock.now - timedelta(days=3)
        closes = clock.now + timedelta(days=25)
        spec = data.CycleSpec(data._uuid(rng), next(participant), PARTNER, PROBE_REGION, opened, closes, None,
                              "coached", raters=raters, known_tokens=True)  # fmt: skip
        data.cycle_rows(block, spec, q, probe.variants, rng, 10_000, probe.tokens)
    # A closed 360 whose report has not been built: the build that is timed (and rolled back).
    closed = clock.now - timedelta(days=2)
    build = data.CycleSpec(data._uuid(rng), next(participant), PARTNER, PROBE_REGION, closed - timedelta(days=21),
                           closed, closed, "direct")  # fmt: skip
    data.cycle_rows(block, build, q, probe.variants, rng, 10_000)
    probe.build_cycle = build.id
    # London's 360s closed this month: the region's group report, and the partner trust's new reports.
    members = []
    for n in range(GROUP_MEMBERS):
        closed = clock.period_start + (clock.now - clock.period_start - timedelta(days=1)) * rng.random()
        spec = data.CycleSpec(data._uuid(rng), next(participant), PARTNER if n % 2 == 0 else london[n % len(london)],
                              PROBE_REGION, closed - timedelta(days=21), closed, closed, "direct")  # fmt: skip
        data.cycle_rows(block, spec, q, probe.variants, rng, 10_000)
        members.append(spec)
    journal_author = next(participant)
    data.observation_rows(
        block, [journal_author], JOURNAL_ENTRIES, q, (clock.now - timedelta(days=365)).date(), 365, rng
    )
    # London's facilitators with sessions in the coming weeks.
    specs = facilitator_data.register(seed, PROBE_FACILITATORS, 20, clock.now, days=56)
    facilitator_ids = data.facilitator_rows(block, specs, rng)
    probe.participants = facilitator_data.cohort(seed, 50, specs)
    async with schema_connections(database) as connections:
        await data.copy_block(connections, block)
        numbers = await data.numbers_of(connections["facilitator"], facilitator_ids)
        slots = data.Block()
        for facilitator, facilitator_id in zip(specs, facilitator_ids, strict=True):
            data.slot_rows(slots, facilitator_id, numbers[facilitator_id], facilitator.slots, rng)
        await data.copy_block(connections, slots)
        # report-svc builds the first reports itself; the others are copies of those.
        probe.template_cycles = [m.id for m in members[:TEMPLATES]]
        for cycle_id in probe.template_cycles:
            async with sessionmaker() as session, session.begin():
                cycle = await CycleRepository(session).lock(cycle_id)
                await report_service.build_if_complete(session, cycle)
        templates = await data.read_templates(connections["report"], probe.template_cycles)
        reports = data.Block()
        for n, spec in enumerate(members[TEMPLATES:]):
            data.report_rows(reports, spec, q, templates[n % len(templates)], rng, consents=False)
        for spec in members:
            if spec.organisation == PARTNER:
                reports.add(("report", "consent"), (data.staff_id(spec.participant), spec.organisation, spec.opened_at))
        await data.copy_block(connections, reports)
        # The template reports were built just now; as the other members' they changed when their cycle closed.
        await connections["report"].execute(
            "UPDATE report.report r SET updated_at = c.closed_at + interval '1 minute', created_at = c.closed_at"
            " FROM report.cycle c WHERE c.id = r.cycle_id AND r.cycle_id = ANY($1::uuid[])",
            probe.template_cycles,
        )
    await engine.dispose()
    probe.journal_author = journal_author
    return probe


def warmup_of(samples: int) -> int:
    return max(5, samples // 10)


# ----------------------------------------------------------------------------------------------------
# The national year (in a process of its own, so this one's memory is the services')
# ----------------------------------------------------------------------------------------------------


def load_national(
    database: str, scale: float, seed: int, now: datetime, templates: list[Any], q: Any
) -> dict[str, Any]:
    return asyncio.run(_load_national(database, scale, seed, Clock(now), templates, q))


async def _load_national(
    database: str, scale: float, seed: int, clock: Clock, templates: list[data.ReportTemplate], q: data.Questionnaire
) -> dict[str, Any]:
    import bisect

    rng = random.Random(seed + 1000)
    sizes = data.Sizes.at(scale)
    variants = data.response_variants(q, random.Random(seed + 1))
    started = time.perf_counter()
    rows = 0
    async with schema_connections(database) as connections:
        # Facilitators of the other regions (London's register is the probe's), each with a year of
        # sessions behind them, two a week.
        per_region = math.ceil(sizes.facilitators / (len(data.REGIONS) - 1))
        specs = [
            s
            for s in facilitator_data.register(seed + 1, sizes.facilitators + per_region, 0, clock.now,
                                               per_region=per_region)[per_region:]
        ]  # fmt: skip
        specs = [
            dataclasses.replace(
                s, name=f"National facilitator {i:05d}", email=f"national.facilitator{i}@nhs.example.org"
            )
            for i, s in enumerate(specs)
        ]
        block = data.Block()
        ids = data.facilitator_rows(block, specs, rng)
        rows += await data.copy_block(connections, block)
        numbers = await data.numbers_of(connections["facilitator"], ids)
        facilitators = [data.FacilitatorRow(i, s.region, numbers[i]) for s, i in zip(specs, ids, strict=True)]
        free: list[list[tuple[uuid.UUID, datetime, datetime]]] = []
        weeks = (clock.year_end - clock.year_start).days // 7
        block = data.Block()
        for f in facilitators:
            slots = data.year_of_slots(clock.year_start, weeks, 2, rng)
            free.append(data.slot_rows(block, f.id, f.number, slots, rng))
            if len(block.rows.get(("facilitator", "slot"), ())) > 20_000:
                rows += await data.copy_block(connections, block)
                block = data.Block()
        rows += await data.copy_block(connections, block)
        # The year's 360s, in blocks; a closed one has its report and, for two in five, a feedback session
        # on the first free slot after its close of a facilitator of its region.
        by_region: dict[str, list[int]] = {}
        for n, f in enumerate(facilitators):
            by_region.setdefault(f.region, []).append(n)
        starts = [[s[1] for s in slots] for slots in free]
        block = data.Block()
        in_block = 0
        for n, spec in enumerate(data.national_cycles(sizes, clock.year_start, clock.year_end, clock.now, rng)):
            data.cycle_rows(block, spec, q, variants, rng, sizes.staff)
            if spec.closed_at is not None:
                data.report_rows(block, spec, q, templates[n % len(templates)], rng, consents=n % 3 == 0)
                candidates = by_region.get(spec.region) or list(range(len(facilitators)))
                if rng.random() < 0.4:
                    k = candidates[rng.randrange(len(candidates))]
                    i = bisect.bisect_right(starts[k], spec.closed_at)
                    if i < len(free[k]):
                        slot = free[k].pop(i)
                        starts[k].pop(i)
                        data.booking_rows(block, facilitators[k], slot, spec, rng)
            in_block += 1
            if in_block == BLOCK_CYCLES:
                rows += await data.copy_block(connections, block)
                block, in_block = data.Block(), 0
        authors = [sizes.staff - 1 - n for n in range(sizes.cycles)]
        for first in range(0, sizes.observations, 20_000):
            data.observation_rows(block, authors, min(20_000, sizes.observations - first), q,
                                  clock.year_start.date(), (clock.year_end - clock.year_start).days, rng)  # fmt: skip
            rows += await data.copy_block(connections, block)
            block = data.Block()
        copied = time.perf_counter() - started
        analysed_at = time.perf_counter()
        await connections["survey"].execute("VACUUM ANALYZE")
    import resource

    return {
        "rows": rows,
        "copy_s": copied,
        "vacuum_analyze_s": time.perf_counter() - analysed_at,
        "sizes": sizes,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


# ----------------------------------------------------------------------------------------------------
# The services, in this process
# ----------------------------------------------------------------------------------------------------


def settings_for(service: str, url: str, tag: str) -> Any:
    common = {
        "database_url": url,
        "amqp_url": AMQP_URL,
        "jwt_secret": SECRET,
        "jwt_issuer": ISSUER,
        "jwt_audience": AUDIENCE,
        "log_level": "WARNING",
        "run_workers": False,
        "db_pool_size": 4,
        "events_exchange": f"bench.{tag}.events",
        "dead_letter_exchange": f"bench.{tag}.dlx",
        "queue_prefix": f"bench.{tag}.",
    }
    if service == "survey_svc":
        from survey_svc.config import Settings as SurveySettings

        return SurveySettings.model_validate(common | {"email_hash_key": EMAIL_HASH_KEY})
    if service == "report_svc":
        from report_svc.config import Settings as ReportSettings

        return ReportSettings.model_validate(common | {"pdf_render_ahead": False})
    from facilitator_svc.config import Settings as FacilitatorSettings

    return FacilitatorSettings.model_validate(common | {"email_hash_key": EMAIL_HASH_KEY})


@contextlib.asynccontextmanager
async def running_services(urls: dict[str, str], tag: str) -> Any:
    import httpx
    from asgi_lifespan import LifespanManager

    from facilitator_svc.main import create_app as facilitator_app
    from report_svc.main import create_app as report_app
    from survey_svc.main import create_app as survey_app

    factories: dict[str, Callable[[Any], Any]] = {
        "survey_svc": survey_app,
        "report_svc": report_app,
        "facilitator_svc": facilitator_app,
    }
    async with contextlib.AsyncExitStack() as stack:
        clients = {}
        for service, factory in factories.items():
            app = factory(settings_for(service, urls[service], tag))
            await stack.enter_async_context(LifespanManager(app))
            clients[service] = await stack.enter_async_context(
                httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=f"http://{service}")
            )
        yield clients


def bearer(role: str, sub: str, org: str | None = None, region: str | None = None) -> dict[str, str]:
    from hlm_kit.tokens import mint_token

    token = mint_token(
        SECRET, sub=sub, roles=[role], org=org, region=region, issuer=ISSUER, audience=AUDIENCE, ttl_s=6 * 3600
    )
    return {"Authorization": f"Bearer {token}"}


# ----------------------------------------------------------------------------------------------------
# The operations
# ----------------------------------------------------------------------------------------------------

Operation = Callable[[], Awaitable[None]]


def operations(
    clients: dict[str, Any], probe: Probe, clock: Clock, urls: dict[str, str], admin: asyncpg.Connection
) -> dict[str, Operation]:
    from hlm_kit.db import create_engine, create_sessionmaker
    from report_svc.cycles.repository import CycleRepository
    from report_svc.reports import service as report_service

    survey, report, facilitator = clients["survey_svc"], clients["report_svc"], clients["facilitator_svc"]
    tokens = iter(probe.tokens)
    variants = iter(range(10**9))
    engine = create_engine(urls["report_svc"], pool_size=1)
    sessionmaker = create_sessionmaker(engine)
    admin_of_london = bearer("academy_admin", "bench-admin", region=PROBE_REGION)
    partner = bearer("partner", "bench-partner", org=PARTNER)
    author = bearer("participant", data.staff_id(probe.journal_author), org=PARTNER, region=PROBE_REGION)
    participants = [
        (p, bearer("participant", data.staff_id(10**6 + n), org=PARTNER, region=PROBE_REGION))
        for n, p in enumerate(probe.participants)
    ]
    since = clock.period_start.isoformat()
    window = {
        "starts_at": (clock.now + timedelta(days=1)).isoformat(),
        "ends_at": (clock.now + timedelta(days=43)).isoformat(),
    }

    async def submit() -> None:
        body = probe.variants[next(variants) % len(probe.variants)].body
        response = await survey.post(f"/v1/invitations/{next(tokens)}/submit", json=body)
        assert response.status_code == 201, response.text

    async def build() -> None:
        async with sessionmaker() as session, session.begin():
            cycle = await CycleRepository(session).lock(probe.build_cycle)  # type: ignore[arg-type]
            built = await report_service.build_if_complete(session, cycle)
            assert built is not None
            assert built.state == "ready", built.state
            await session.rollback()

    async def group_report() -> None:
        response = await report.get(
            "/v1/group-reports",
            params={"scope": "region", "value": PROBE_REGION, "questionnaire_id": str(probe.questionnaire.id),
                    "closed_from": since},
            headers=admin_of_london,
        )  # fmt: skip
        assert response.status_code == 200, response.text
        assert response.json()["participant_count"] == GROUP_MEMBERS, response.json()["participant_count"]
        # Asking again for the same participants would return the report issued: issue it anew each time.
        await admin.execute("DELETE FROM report.group_report")

    async def match() -> None:
        spec, headers = participants[next(variants) % len(participants)]
        response = await facilitator.post("/v1/matches", json={**spec.preferences(), "window": window}, headers=headers)
        assert response.status_code == 200, response.text

    async def partner_pull() -> None:
        response = await report.get("/v1/partner/reports", params={"updated_since": since}, headers=partner)
        assert response.status_code == 200, response.text
        assert response.json()["items"], "the partner's new reports"

    async def journal_page() -> None:
        response = await survey.get("/v1/observations", params={"limit": 20}, headers=author)
        assert response.status_code == 200, response.text
        assert len(response.json()["items"]) == 20

    return {
        "submit (a rater's)": submit,
        "individual report build": build,
        "region's group report": group_report,
        "matching": match,
        "partner's incremental pull": partner_pull,
        "journal page": journal_page,
    }


@dataclass
class Timing:
    samples: list[float]

    def percentile(self, q: float) -> float:
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, int(len(ordered) * q))]

    @property
    def p50(self) -> float:
        return statistics.median(self.samples)

    @property
    def p99(self) -> float:
        return self.percentile(0.99)


async def time_side_by_side(
    empty: dict[str, Operation], national: dict[str, Operation], samples: int
) -> tuple[dict[str, Timing], dict[str, Timing]]:
    """Each operation on both databases in turn, sample after sample (the order swapped every other time),
    so that whatever else the machine is doing weighs on both sides alike."""
    out: tuple[dict[str, Timing], dict[str, Timing]] = ({}, {})
    for name in empty:
        for _ in range(warmup_of(samples)):
            await empty[name]()
            await national[name]()
        timings: tuple[list[float], list[float]] = ([], [])
        for i in range(samples):
            for side in (0, 1) if i % 2 == 0 else (1, 0):
                op = (empty, national)[side][name]
                started = time.perf_counter()
                await op()
                timings[side].append(time.perf_counter() - started)
        for side in (0, 1):
            out[side][name] = Timing(timings[side])
        e, n = out[0][name], out[1][name]
        print(
            f"  {name:<28} empty p50 {e.p50 * 1000:7.2f} ms p99 {e.p99 * 1000:7.2f} ms   "
            f"national p50 {n.p50 * 1000:7.2f} ms p99 {n.p99 * 1000:7.2f} ms",
            flush=True,
        )
    return out


# ----------------------------------------------------------------------------------------------------
# Plans
# ----------------------------------------------------------------------------------------------------

_captured: list[tuple[str, str, Any]] | None = None


def _capture(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
    if _captured is not None and not executemany:
        _captured.append((conn.engine.url.username, statement, parameters))


def start_capturing() -> None:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    if not event.contains(Engine, "before_cursor_execute", _capture):
        event.listen(Engine, "before_cursor_execute", _capture)


async def statements_of(op: Operation) -> list[tuple[str, str, Any]]:
    global _captured
    _captured = []
    try:
        await op()
        return _captured
    finally:
        _captured = None


# An INSERT ... VALUES has nothing to plan (and would only collide with the row the operation wrote).
EXPLAINED = re.compile(r"^\s*(SELECT|WITH|UPDATE|DELETE)\b", re.IGNORECASE)
PLAN_LINE_CHARS = 240
# A scan node and its table; an index scan without an Index Cond reads the whole index (for its order).
SCAN = re.compile(r"(Seq Scan|Index Scan|Index Only Scan)(?: Backward)?(?: using \S+)? on (\w+)")


async def explain(connection: asyncpg.Connection, statement: str, parameters: Any, strict: bool) -> list[str]:
    transaction = connection.transaction()
    await transaction.start()
    try:
        if strict:
            await connection.execute("SET LOCAL enable_seqscan = off")
        rows = await connection.fetch("EXPLAIN (ANALYZE, BUFFERS) " + statement, *(parameters or ()))
        return [r[0] for r in rows]
    finally:
        await transaction.rollback()


ACTUAL_ROWS = re.compile(r"actual time=\S+ rows=(\d+) loops=(\d+)")
REMOVED = re.compile(r"Rows Removed by Filter: (\d+)")


def _details(plan: list[str], n: int) -> list[str]:
    """The lines that describe plan node ``n`` (up to its first child)."""
    out = []
    for line in plan[n + 1 : n + 8]:
        if "->" in line:
            break
        out.append(line)
    return out


def grows_with_the_table(plan: list[str], n: int, rows: float, strict: bool) -> str | None:
    """The table of a whole-table scan on line ``n`` (sequential, or of a whole index) that grows with the
    table rather than with the work: in a big table, one read whole for its own sake (no filter: a count
    or a dump of everything) or that keeps less than a tenth of what it reads. A small table read whole
    because that is cheaper than an index is neither. ``strict`` (plans made with sequential scans
    disabled): any filtered whole-table scan, whatever the size of the table, since the planner fell back
    to it only for want of an index that serves the filter."""
    scanned = SCAN.search(plan[n])
    if scanned is None:
        return None
    table, details = scanned.group(2), _details(plan, n)
    if any(line.strip().startswith("Index Cond:") for line in details):
        return None
    if strict:
        return table if any(line.strip().startswith("Filter:") for line in details) else None
    kept = ACTUAL_ROWS.search(plan[n])
    if rows <= BIG_TABLE_ROWS or kept is None:  # small, or never executed
        return None
    for line in details:
        if removed := REMOVED.search(line):
            return table if int(removed.group(1)) > 9 * int(kept.group(1)) else None
    return table


async def print_plans(
    ops: dict[str, Operation], urls: dict[str, str], table_rows: dict[str, float], strict: bool
) -> list[str]:
    """Each operation's statements once more under EXPLAIN; returns the sequential scans of big tables."""
    flagged = []
    connections = {role: await asyncpg.connect(plain(url)) for role, url in urls.items()}
    try:
        for name, op in ops.items():
            captured = await statements_of(op)
            print(f"\n=== {name}: {len(captured)} statement(s)")
            seen = set()
            for role, statement, parameters in captured:
                if not EXPLAINED.match(statement) or statement in seen:
                    continue
                seen.add(statement)
                print(f"--- ({role}) {' '.join(statement.split())[:PLAN_LINE_CHARS]}")
                try:
                    plan = await explain(connections[role], statement, parameters, strict)
                except (asyncpg.PostgresError, asyncpg.InterfaceError, TypeError, ValueError) as exc:
                    print(f"    (not explained: {type(exc).__name__}: {exc})")
                    continue
                for n, line in enumerate(plan):
                    scanned = SCAN.search(line)
                    rows = table_rows.get(scanned.group(2), 0.0) if scanned else 0.0
                    table = grows_with_the_table(plan, n, rows, strict)
                    shown = line if len(line) <= PLAN_LINE_CHARS else line[:PLAN_LINE_CHARS] + " ..."
                    print(f"    {shown}{'   <-- reads the table, not the work' if table else ''}")
                    if table:
                        flagged.append(f"{name}: {table}")
    finally:
        for connection in connections.values():
            await connection.close()
    return flagged


# ----------------------------------------------------------------------------------------------------
# Tables and memory
# ----------------------------------------------------------------------------------------------------


async def tables(database: str) -> list[tuple[str, str, float, int]]:
    connection = await asyncpg.connect(admin_url_of(database))
    try:
        rows = await connection.fetch(
            "SELECT n.nspname, c.relname, greatest(c.reltuples, 0) AS rows, pg_total_relation_size(c.oid) AS bytes"
            " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE c.relkind = 'r' AND n.nspname = ANY($1::text[]) ORDER BY 4 DESC",
            list(SCHEMAS),
        )
    finally:
        await connection.close()
    return [(r["nspname"], r["relname"], float(r["rows"]), r["bytes"]) for r in rows]


def print_tables(rows: list[tuple[str, str, float, int]]) -> None:
    print(f"\n{'table':<34} {'rows':>12} {'on disk':>10}")
    for schema, table, count, size in rows:
        if count or size > 64 * 1024:
            print(f"{schema + '.' + table:<34} {count:>12,.0f} {size / 2**20:>8.1f} MB")
    print(f"{'all':<34} {sum(r[2] for r in rows):>12,.0f} {sum(r[3] for r in rows) / 2**20:>8.1f} MB")


def resident_mb(pid: int | str = "self") -> tuple[float, float]:
    """(current, peak) resident set of a process, in MB."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if line.startswith("Vm")
    )
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


# ----------------------------------------------------------------------------------------------------
# The run
# ----------------------------------------------------------------------------------------------------


async def run(args: argparse.Namespace) -> int:
    databases = {side: f"hlm_bench_{uuid.uuid4().hex[:10]}" for side in ("empty", "national")}
    tag = uuid.uuid4().hex[:8]
    clock = Clock(datetime.now(UTC).replace(minute=0, second=0, microsecond=0))
    print(f"national year at scale {args.scale}: databases {databases['empty']} (empty) and {databases['national']}",
          flush=True)  # fmt: skip
    try:
        # The services' own exchanges and queues (settings_for names them), deleted however the run ends.
        with own_topology(AMQP_URL, f"bench.{tag}"):
            urls = {"empty": await create_database(databases["empty"])}
            probe = await load_probe(databases["empty"], urls["empty"], clock, args.samples, args.seed)
            urls["national"] = await clone_database(databases["empty"], databases["national"])

            print(f"loading a national year at scale {args.scale} with COPY ...", flush=True)
            admin = {side: await asyncpg.connect(admin_url_of(database)) for side, database in databases.items()}
            started = time.perf_counter()
            templates = await data.read_templates(admin["national"], probe.template_cycles)
            context = multiprocessing.get_context("spawn")
            with concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
                loaded = await asyncio.get_running_loop().run_in_executor(
                    pool, load_national, databases["national"], args.scale, args.seed, clock.now, templates,
                    probe.questionnaire,
                )  # fmt: skip
            load_s = time.perf_counter() - started
            await admin["empty"].execute("VACUUM ANALYZE")
            sizes = loaded["sizes"]
            print(
                f"loaded {loaded['rows']:,} rows in {load_s:.1f} s (COPY {loaded['copy_s']:.1f} s, VACUUM ANALYZE"
                f" {loaded['vacuum_analyze_s']:.1f} s): {sizes.staff:,} staff, {sizes.cycles:,} cycles,"
                f" {sizes.facilitators:,} facilitators, {sizes.observations:,} observations; the loading process's"
                f" peak resident memory {loaded['peak_mb']:.0f} MB",
                flush=True,
            )
            table_rows = await tables(databases["national"])
            print_tables(table_rows)

            start_capturing()
            async with (
                running_services(urls["empty"], tag) as empty_clients,
                running_services(urls["national"], tag) as national_clients,
            ):
                empty_ops = operations(empty_clients, probe, clock, urls["empty"], admin["empty"])
                ops = operations(national_clients, probe, clock, urls["national"], admin["national"])
                print(f"\n{args.samples} samples of each operation on each database, taken in turn:", flush=True)
                empty, national = await time_side_by_side(empty_ops, ops, args.samples)
                rows_of: dict[str, float] = {}
                for _, table, count, _ in table_rows:  # a plan names the table without its schema
                    rows_of[table] = max(rows_of.get(table, 0.0), count)
                flagged = await print_plans(ops, urls["national"], rows_of, args.strict_plans)
                rss, peak = resident_mb()
            for connection in admin.values():
                await connection.close()

            print(f"\nscale {args.scale}: {sizes.cycles:,} cycles, {loaded['rows']:,} rows loaded in {load_s:.0f} s,"
                  f" {sum(r[3] for r in table_rows) / 2**20:,.0f} MB on disk")  # fmt: skip
            print(
                f"{'operation':<28} {'empty p50':>10} {'p99':>8} {'national p50':>13} {'p99':>8}"
                f" {'x p50':>7} {'x p99':>7}"
            )
            for name in ops:
                e, n = empty[name], national[name]
                print(
                    f"{name:<28} {e.p50 * 1000:>7.2f} ms {e.p99 * 1000:>5.1f} ms {n.p50 * 1000:>10.2f} ms"
                    f" {n.p99 * 1000:>5.1f} ms {n.p50 / e.p50:>7.2f} {n.p99 / e.p99:>7.2f}"
                )
            print(
                f"\nresident memory of this process, which runs survey-svc, report-svc and facilitator-svc on each"
                f" database: {rss:.0f} MB after the run (peak {peak:.0f} MB)"
            )
            print(
                "sequential scans that read the table, not the work"
                f"{' (plans made without sequential scans)' if args.strict_plans else ''}:"
                f" {', '.join(sorted(set(flagged))) or 'none'}"
            )
            scale = f"national scale {args.scale}"
            for name in ops:
                goals.check(f"{scale}: {name} p50 vs empty", national[name].p50 / empty[name].p50, at_most=GOAL_RATIO)
                goals.check(f"{scale}: {name} p99 vs empty", national[name].p99 / empty[name].p99, at_most=GOAL_RATIO)
            goals.check(f"{scale}: resident memory, both sets of services", rss, at_most=GOAL_RSS_MB, unit="MB")
            goals.check(f"{scale}: sequential scans of big tables", len(set(flagged)), at_most=0, unit="")
    finally:
        for database in databases.values():
            if args.keep:
                print(f"kept database {database}")
            else:
                await drop_database(database)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=0.01, help="share of a national year (1.0: all of it)")
    parser.add_argument(
        "--samples",
        type=int,
        default=300,
        help="timed calls of each operation per database (a p99 of 100 is their slowest)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    parser.add_argument(
        "--strict-plans",
        action="store_true",
        help="explain with sequential scans disabled and flag every filtered one left (for tiny scales, where "
        "reading a small table whole is the planner's right choice and hides a missing index)",
    )
    exit_on_sigterm()  # unwinds through the finally blocks: the databases, the topology
    return asyncio.run(run(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())

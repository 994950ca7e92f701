"""Benchmark of report-svc: one individual report build, a group report over ``--participants`` (5,000;
``make bench`` 50,000) beside the bare SQL aggregate of the same rows, and the lag from the last response
to ``report.ready``.

    uv run python bench/report.py [--builds 200] [--participants 5000] [--cycles 40] [--rate 50] [--renders 80]
                                  [--downloads 50] [--rendering-only | --pdf-only | --individual-only | --group-only]

Everything runs on 127.0.0.1 in one process (the service's app with its consumers and relay, driven
through the real broker) against a database ``hlm_bench_<random>`` made with the bootstrap and dropped
at the end, and exchanges and queues of its own, deleted at the end.

1. Individual build: a 360 of 15 raters on a 40-item, 9-dimension questionnaire. ``build_if_complete``
   (load the responses, score, store the version and its published figures, write the outbox row) in a
   transaction that is rolled back, timed ``--builds`` times; and the pure scoring alone.
2. Group report: ``--participants`` ready reports (each standing for 15 responses: 75,000 for 5,000) are
   stored with their published figures (9 dimensions x 5 rater groups), then the group report's aggregate
   (``group_reports.service.aggregate``) is timed beside the bare ``GROUP BY`` over the same
   ``published_score`` rows, in the same run, in wall time and in CPU time (this process's and the
   database backend's, parallel workers off); then the region's group report through the app
   (``GET /v1/group-reports?scope=region``, an academy administrator of the region): finding the members,
   the checks against reports already issued, the aggregate, storing it and the response, one request at a
   time, each issued anew. ``make bench`` runs it at 50,000 participants; ``--group-only`` runs 2 alone.
4. Rendering: the report of a 360 on the HLM 360 questionnaire (45 items, 9 dimensions; self, a line
   manager, 5 peers, 5 direct reports, 3 others, with comments) rendered ``--renders`` times as the HTML
   page and as the PDF/UA document, both from the report's content alone (no database).
5. PDF downloads: that report stored as a released report and fetched through the app
   (``GET /v1/reports/{id}.pdf`` with the participant's token): the first download (renders and stores
   the version's PDF), then ``--downloads`` more (served from ``report_pdf``). ``--pdf-only`` runs 4 and 5.
   ``--individual-only`` runs 1 alone.
3. Event lag: ``--cycles`` cycles submit their responses at ``--rate`` responses per second in all; for
   each, the time from publishing its last ``response.submitted`` (the close went first) to receiving its
   ``hlm.report.report.ready.v1`` on a queue bound to the exchange.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aio_pika
import asyncpg
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "services/report-svc/tests"))
sys.path.insert(0, str(REPO_ROOT / "bench"))

import goals  # noqa: E402

from hlm_contracts import CycleClosedV1, CycleOpenedV1, QuestionnairePublishedV1, ResponseSubmittedV1  # noqa: E402
from hlm_contracts.enums import RaterGroup  # noqa: E402
from hlm_kit import migrations  # noqa: E402
from hlm_kit.bootstrap import bootstrap, service_url  # noqa: E402
from hlm_kit.db import create_engine, to_plain_url  # noqa: E402
from hlm_kit.local import exit_on_sigterm, own_topology  # noqa: E402
from hlm_kit.messaging.envelope import CLOUDEVENTS_CONTENT_TYPE, CloudEvent  # noqa: E402
from report_svc.cli import MIGRATIONS as REPORT_MIGRATIONS  # noqa: E402
from report_svc.config import Settings  # noqa: E402
from report_svc.cycles.repository import CycleRepository  # noqa: E402
from report_svc.group_reports import service as group_report_service  # noqa: E402
from report_svc.main import create_app  # noqa: E402
from report_svc.questionnaires import service as questionnaire_service  # noqa: E402
from report_svc.reports import service as report_service  # noqa: E402
from report_svc.scoring.individual import build_360  # noqa: E402
from report_svc.scoring.inputs import Response, Thresholds  # noqa: E402

HTML_GOAL_P95_S = 0.050
PDF_GOAL_P95_S = 1.5
ADMIN_URL = os.environ.get("HLM_ADMIN_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
AMQP_URL = os.environ.get("HLM_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
NOW = datetime.now(UTC)
GROUPS = (
    [RaterGroup.SELF]
    + [RaterGroup.LINE_MANAGER]
    + [RaterGroup.PEER] * 5
    + [RaterGroup.DIRECT_REPORT] * 5
    + [RaterGroup.OTHER] * 3
)  # 15 responses: self and 14 raters


def questionnaire(questionnaire_id: uuid.UUID) -> QuestionnairePublishedV1:
    dimensions = [{"key": f"d{n}", "name": f"Dimension {n}", "position": n + 1} for n in range(9)]
    items = [{"key": f"i{n}", "dimension_key": f"d{n % 9}", "text": f"Item {n}", "position": n + 1} for n in range(40)]
    return QuestionnairePublishedV1(
        questionnaire_id=questionnaire_id, key="bench", version=1, name="Bench 360", purpose="feedback_360",
        framework_key="hlm", framework_version=1, instructions="Rate.", dimensions=dimensions, items=items,
        performance_scale=[{"value": v, "label": str(v)} for v in range(1, 5)], not_observed_label="n/o",
        importance_scale=[{"value": v, "label": str(v)} for v in range(1, 5)],
        importance_questions=[{"dimension_key": d["key"], "text": "?"} for d in dimensions], published_at=NOW,
    )  # fmt: skip


def responses_of(cycle_id: uuid.UUID, rng: random.Random) -> list[ResponseSubmittedV1]:
    return [
        ResponseSubmittedV1(
            cycle_id=cycle_id,
            response_id=uuid.uuid4(),
            rater_group=group,
            answers=[{"item_key": f"i{n}", "level": rng.choice([1, 2, 3, 4, 4, 3, None])} for n in range(40)],
            importance=[{"dimension_key": f"d{n}", "rating": rng.randint(1, 4)} for n in range(9)],
            comments=[{"dimension_key": "d0", "text": f"comment {rng.random()}"}],
            submitted_at=NOW,
        )
        for group in GROUPS
    ]


def opened(cycle_id: uuid.UUID, questionnaire_id: uuid.UUID, n: int) -> CycleOpenedV1:
    return CycleOpenedV1(
        cycle_id=cycle_id, kind="feedback_360", participant_id=f"bench-{n}", organisation="BENCH",
        region="bench", questionnaire_id=questionnaire_id, closes_at=NOW, release_mode="direct",
    )  # fmt: skip


def closed(cycle_id: uuid.UUID, n: int) -> CycleClosedV1:
    counts: dict[RaterGroup, int] = {}
    for g in GROUPS:
        counts[g] = counts.get(g, 0) + 1
    return CycleClosedV1(
        cycle_id=cycle_id, participant_id=f"bench-{n}", invited=counts, submitted=counts, closed_at=NOW
    )


def p95_of(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def p50_p95(samples: list[float], goal_p95_s: float | None = None) -> str:
    ordered = sorted(samples)
    p95 = p95_of(ordered)
    line = f"p50 {statistics.median(ordered) * 1000:8.2f} ms   p95 {p95 * 1000:8.2f} ms   (n={len(ordered)})"
    if goal_p95_s is not None:
        verdict = "met" if p95 < goal_p95_s else f"missed by x{p95 / goal_p95_s:.2f}"
        line += f"   goal p95 < {goal_p95_s * 1000:.0f} ms: {verdict}"
    return line


def hlm_360_report() -> Any:
    """The ready report of one 360 on the catalogue's HLM 360 questionnaire, as report-svc stores it."""
    import yaml

    from report_svc.reports.models import Report
    from report_svc.scoring.inputs import Dimension, Item, Questionnaire

    data = REPO_ROOT / "services/framework-svc/src/framework_svc/catalogue/data"
    framework = yaml.safe_load((data / "hlm.yaml").read_text())
    document = yaml.safe_load((data / "hlm-360.yaml").read_text())
    dimensions = tuple(Dimension(d["key"], d["name"], n) for n, d in enumerate(framework["dimensions"], 1))
    items = tuple(Item(i["key"], i["dimension"], i["text"], n) for n, i in enumerate(document["items"], 1))
    rng = random.Random(7)
    responses = [
        Response(
            group,
            {i.key: rng.choice([1, 2, 3, 3, 4, 4, None]) for i in items},
            {d.key: rng.randint(2, 4) for d in dimensions},
            {d.key: f"An example comment on {d.name.lower()}, {rng.randint(1, 999)}." for d in dimensions[::2]},
        )
        for group in GROUPS
    ]
    content = build_360(Questionnaire(dimensions, items), responses, Thresholds(), b"bench-order-key!")
    content["questionnaire"] = {
        "id": str(uuid.uuid4()),
        "key": document["key"],
        "version": document["version"],
        "name": document["name"],
        "framework_key": "hlm",
        "framework_version": 1,
    }
    content["cycle"] = {"opened_at": NOW.isoformat(), "closes_at": NOW.isoformat(), "closed_at": NOW.isoformat()}
    assert len(content["items"]) == 45
    return Report(id=uuid.uuid4(), cycle_id=uuid.uuid4(), participant_id="bench-participant", kind="feedback_360",
                  state="ready", status="released", version=1, content=content)  # fmt: skip


def bench_rendering(renders: int) -> None:
    from report_svc.reports import rendering

    report = hlm_360_report()
    rendering.pdf(report)  # the first render loads fonts and compiles the template
    html, pdf = [], []
    for _ in range(renders):
        started = time.perf_counter()
        rendering.html(report)
        html.append(time.perf_counter() - started)
    pdf_cpu = []
    for _ in range(max(renders // 4, 5)):
        started, cpu = time.perf_counter(), time.process_time()
        pages = rendering.pdf(report)
        pdf.append(time.perf_counter() - started)
        pdf_cpu.append(time.process_time() - cpu)
    # CPU time beside wall time: on a shared machine the wall time includes waiting for a core. The goals
    # (issue 16): HTML p95 under 50 ms, PDF p95 under 1.5 s, on a 2-core machine.
    print(f"HLM 360 report (45 items) as HTML:                          {p50_p95(html, HTML_GOAL_P95_S)}")
    print(
        f"HLM 360 report (45 items) as PDF/UA ({len(pages) // 1024} KiB):               {p50_p95(pdf, PDF_GOAL_P95_S)}"
    )
    print(f"HLM 360 report (45 items) as PDF/UA, CPU time:              {p50_p95(pdf_cpu, PDF_GOAL_P95_S)}")
    goals.check("report as HTML p95 (HLM 360)", p95_of(html) * 1000, at_most=HTML_GOAL_P95_S * 1000, unit="ms")
    goals.check("report as PDF/UA p95 (HLM 360)", p95_of(pdf) * 1000, at_most=PDF_GOAL_P95_S * 1000, unit="ms")
    import pypdf

    print(f"HLM 360 report (45 items) as PDF/UA: {len(pypdf.PdfReader(io.BytesIO(pages)).pages)} pages")


async def bench_pdf_downloads(sessionmaker: Any, settings: Settings, downloads: int) -> None:
    """The HLM 360 report's PDF through the app: the first download renders and stores it, the next are
    read from the database."""
    import httpx
    from asgi_lifespan import LifespanManager

    from hlm_kit.tokens import mint_token
    from report_svc.reports.models import ReportVersion

    report = hlm_360_report()
    report.organisation, report.region, report.release_mode = "RX1", "london", "direct"
    async with sessionmaker() as session, session.begin():
        session.add(report)
        await session.flush()
        session.add(ReportVersion(report_id=report.id, version=report.version, content=report.content, built_at=NOW))
    assert settings.jwt_secret is not None
    token = mint_token(
        settings.jwt_secret.get_secret_value(),
        sub=report.participant_id,
        roles=["participant"],
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
    )
    app = create_app(settings.model_copy(update={"run_workers": False}))
    async with (
        LifespanManager(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://report-svc") as client,
    ):
        headers = {"Authorization": f"Bearer {token}"}
        path = f"/v1/reports/{report.id}.pdf"
        started = time.perf_counter()
        first = await client.get(path, headers=headers)
        rendered = time.perf_counter() - started
        assert first.status_code == 200, first.text
        stored = []
        for _ in range(downloads):
            started = time.perf_counter()
            again = await client.get(path, headers=headers)
            stored.append(time.perf_counter() - started)
            assert again.content == first.content
    print(f"HLM 360 report PDF download, first (renders and stores):    {rendered * 1000:8.2f} ms")
    print(f"HLM 360 report PDF download, stored:                        {p50_p95(stored)}")


def percentiles(samples: list[float]) -> str:
    if not samples:
        return "no samples"
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"p50 {statistics.median(ordered) * 1000:8.2f} ms   p99 {p99 * 1000:8.2f} ms   (n={len(ordered)})"


async def bench_individual(sessionmaker: Any, questionnaire_id: uuid.UUID, builds: int) -> None:
    from report_svc.cycles import service as cycle_service

    rng = random.Random(1)
    cycle_id = uuid.uuid4()
    async with sessionmaker() as session, session.begin():
        await cycle_service.on_opened(session, opened(cycle_id, questionnaire_id, -1))
        for r in responses_of(cycle_id, rng):
            await cycle_service.on_response_submitted(session, r)
    closing = closed(cycle_id, -1)
    timings, cpu = [], []
    for _ in range(builds):
        async with sessionmaker() as session, session.begin():
            cycle = await CycleRepository(session).lock(cycle_id)
            cycle.submitted = {g.value: c for g, c in closing.submitted.items()}
            cycle.closed_at = closing.closed_at
            started, cpu_started = time.perf_counter(), time.process_time()
            await report_service.build_if_complete(session, cycle)
            timings.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
            await session.rollback()
    print(f"individual build, in the database (15 responses, 40 items): {percentiles(timings)}")
    # The service's own CPU per build (PostgreSQL's is not counted): on a shared machine the wall time
    # includes waiting for a core.
    print(f"individual build, CPU time of the service's process:        {percentiles(cpu)}")
    ordered = sorted(timings)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    goals.check("individual report build p99 (15 responses, 40 items)", p99 * 1000, at_most=20, unit="ms")
    async with sessionmaker() as session:
        stored = await questionnaire_service.get(session, questionnaire_id)
        assert stored is not None
        q = questionnaire_service.for_scoring(stored.document)
    pure = [
        Response(
            r.rater_group, {a.item_key: a.level for a in r.answers}, {i.dimension_key: i.rating for i in r.importance}
        )
        for r in responses_of(cycle_id, rng)
    ]
    timings = []
    for _ in range(builds):
        started = time.perf_counter()
        build_360(q, pure, Thresholds(), cycle_id.bytes)
        timings.append(time.perf_counter() - started)
    print(f"individual build, scoring alone:                            {percentiles(timings)}")


async def bench_group(sessionmaker: Any, engine: Any, questionnaire_id: uuid.UUID, participants: int) -> None:
    """Stores ``participants`` ready reports as rows with published figures drawn at random in SQL (the
    individual build is timed above; going through it 5,000 times would take minutes of set-up), then times
    the group report's aggregate beside the bare GROUP BY over the same rows."""
    started = time.perf_counter()
    async with sessionmaker() as session, session.begin():
        await session.execute(
            text(
                "INSERT INTO report.report (id, cycle_id, participant_id, organisation, region, kind, state, status,"
                " release_mode, version, content, closed_at)"
                " SELECT gen_random_uuid(), gen_random_uuid(), 'group-' || n, 'BENCHGROUP', 'bench', 'feedback_360',"
                " 'ready', 'released', 'direct', 1, '{}'::jsonb, now() FROM generate_series(1, :n) AS n"
            ),
            {"n": participants},
        )
        await session.execute(
            text(
                "INSERT INTO report.published_score (report_id, dimension_key, rater_group, score, level,"
                " questionnaire_id, organisation, region, closed_at)"
                " SELECT r.id, 'd' || d, g, s, CASE WHEN s < 1.75 THEN 'Essential' WHEN s < 2.5 THEN 'Proficient'"
                " WHEN s < 3.25 THEN 'Strong' ELSE 'Exemplary' END, :q, r.organisation, r.region, r.closed_at"
                " FROM report.report r, generate_series(0, 8) AS d,"
                " unnest(ARRAY['self', 'others', 'line_manager', 'peer', 'direct_report']) AS g,"
                # Referring to every outer row makes the score drawn anew for each (else one per dimension).
                " LATERAL (SELECT round((1 + random() * 3)::numeric, 2) AS s WHERE r.id IS NOT NULL AND d >= 0"
                " AND g IS NOT NULL) AS x"
                " WHERE r.organisation = 'BENCHGROUP'"
            ),
            {"q": questionnaire_id},
        )
    # What autovacuum does to a table that has stopped changing: statistics (without them the planner
    # guesses thousands of groups where there are 45) and the visibility map (index-only scans). Outside a
    # transaction: statistics gathered in one that is rolled back are lost with it.
    async with engine.connect() as connection:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await autocommit.execute(text("VACUUM ANALYZE report.report"))
        await autocommit.execute(text("VACUUM ANALYZE report.published_score"))
    async with sessionmaker() as session:
        ids = sorted(
            (await session.execute(text("SELECT id FROM report.report WHERE organisation = 'BENCHGROUP'")))
            .scalars()
            .all()
        )
        rows = (await session.execute(text("SELECT count(*) FROM report.published_score"))).scalar_one()
    print(f"stored {participants} ready reports ({rows} published figures) in {time.perf_counter() - started:.1f} s")
    group_t, bare_t = [], []
    bare = text(
        "SELECT dimension_key, rater_group, count(*), avg(score) FROM report.published_score"
        " WHERE report_id = ANY(:ids) GROUP BY 1, 2"
    )
    for _ in range(7):
        async with AsyncSession(engine) as session:
            t = time.perf_counter()
            await group_report_service.aggregate(session, questionnaire_id, ids)
            group_t.append(time.perf_counter() - t)
            t = time.perf_counter()
            (await session.execute(bare, {"ids": ids})).all()
            bare_t.append(time.perf_counter() - t)
    g, b = statistics.median(group_t), statistics.median(bare_t)
    print(
        f"group report over {len(ids)} participants: {g * 1000:.1f} ms; bare SQL aggregate of the same rows:"
        f" {b * 1000:.1f} ms; ratio x{g / b:.2f}"
    )
    goals.check(f"group report over {len(ids)} participants vs bare SQL aggregate", g / b, at_most=1.2)
    # CPU time beside wall time: on a shared machine the wall time includes waiting for a core. Both
    # sides' CPU is this process's plus that of the PostgreSQL backend running the statements (read from
    # /proc: the database is on this machine), with parallel workers off so the backend does all the work.
    group_c, bare_c = [], []
    async with AsyncSession(engine) as session:
        await session.execute(text("SET max_parallel_workers_per_gather = 0"))  # undone with the transaction
        backend = (await session.execute(text("SELECT pg_backend_pid()"))).scalar_one()
        if _backend_cpu(backend) is None:
            print("CPU time of the group report: the database's backend is not on this machine; not measured")
            return
        for _ in range(7):
            process, database = time.process_time(), _backend_cpu(backend) or 0.0
            await group_report_service.aggregate(session, questionnaire_id, ids)
            group_c.append(time.process_time() - process + (_backend_cpu(backend) or 0.0) - database)
            process, database = time.process_time(), _backend_cpu(backend) or 0.0
            (await session.execute(bare, {"ids": ids})).all()
            bare_c.append(time.process_time() - process + (_backend_cpu(backend) or 0.0) - database)
    g, b = statistics.median(group_c), statistics.median(bare_c)
    print(
        f"group report over {len(ids)} participants, CPU (service and database): {g * 1000:.0f} ms; bare SQL"
        f" aggregate: {b * 1000:.0f} ms; ratio x{g / b:.2f}"
    )
    goals.check(f"group report over {len(ids)} participants vs bare SQL aggregate, CPU", g / b, at_most=1.2)


def _backend_cpu(pid: int) -> float | None:
    """The CPU seconds a PostgreSQL backend of this machine has used (user and system), or None."""
    try:
        if not Path(f"/proc/{pid}/comm").read_text().startswith("postgres"):
            return None  # a process of this machine that happens to have the remote backend's id
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def bench_group_endpoint(
    sessionmaker: Any, settings: Settings, questionnaire_id: uuid.UUID, participants: int, requests: int = 5
) -> None:
    """The region's group report over the reports ``bench_group`` stored, through the app: one request at a
    time, each issued anew (asking again for the same participants returns the stored report), beside the
    aggregate alone over the same members."""
    import httpx
    from asgi_lifespan import LifespanManager

    from hlm_kit.tokens import mint_token

    assert settings.jwt_secret is not None
    token = mint_token(
        settings.jwt_secret.get_secret_value(),
        sub="bench-admin",
        roles=["academy_admin"],
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        region="bench",
    )
    app = create_app(settings.model_copy(update={"run_workers": False}))
    params = {"scope": "region", "value": "bench", "questionnaire_id": str(questionnaire_id)}
    headers = {"Authorization": f"Bearer {token}"}
    wall, cpu = [], []
    async with (
        LifespanManager(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://report-svc", timeout=120) as client,
    ):
        for _ in range(requests):
            async with sessionmaker() as session, session.begin():
                await session.execute(text("DELETE FROM report.group_report"))
            started, cpu_started = time.perf_counter(), time.process_time()
            response = await client.get("/v1/group-reports", params=params, headers=headers)
            wall.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
            assert response.status_code == 200, response.text
            assert response.json()["participant_count"] == participants, response.json()["participant_count"]
    print(f"region's group report over {participants} participants through the app: {p50_p95(wall)}")
    # The service's own CPU (the client's and PostgreSQL's are not counted apart: httpx runs in-process).
    print(f"region's group report through the app, CPU time of the process:   {p50_p95(cpu)}")


async def bench_lag(app: Any, settings: Settings, questionnaire_id: uuid.UUID, cycles: int, rate: float) -> None:
    rng = random.Random(3)
    connection = await aio_pika.connect(AMQP_URL)
    channel = await connection.channel()
    exchange = await channel.get_exchange(settings.events_exchange)
    ready_queue = await channel.declare_queue(exclusive=True)
    await ready_queue.bind(exchange, routing_key="hlm.report.report.ready.v1")
    received: dict[str, float] = {}

    async def on_ready(message: aio_pika.abc.AbstractIncomingMessage) -> None:
        received[CloudEvent.model_validate_json(message.body).data["cycle_id"]] = time.perf_counter()
        await message.ack()

    await ready_queue.consume(on_ready)

    async def publish(data: Any) -> None:
        event = CloudEvent.wrap(data)
        await exchange.publish(
            aio_pika.Message(event.to_json_bytes(), content_type=CLOUDEVENTS_CONTENT_TYPE, message_id=event.id),
            routing_key=event.type,
        )

    plan = []
    for n in range(cycles):
        cycle_id = uuid.uuid4()
        await publish(opened(cycle_id, questionnaire_id, 100_000 + n))
        await publish(closed(cycle_id, 100_000 + n))
        plan.append((cycle_id, responses_of(cycle_id, rng)))
    # Interleave the cycles' responses, as raters of many cycles answer at once, at a steady rate.
    stream = [(cycle_id, i, r) for cycle_id, rs in plan for i, r in enumerate(rs)]
    stream.sort(key=lambda x: (x[1], rng.random()))
    last_sent: dict[str, float] = {}
    interval = 1 / rate
    began = time.perf_counter()
    for k, (cycle_id, index, response) in enumerate(stream):
        await asyncio.sleep(max(0.0, began + k * interval - time.perf_counter()))
        await publish(response)
        if index == len(GROUPS) - 1:
            last_sent[str(cycle_id)] = time.perf_counter()
    deadline = time.perf_counter() + 60
    while len(received) < cycles and time.perf_counter() < deadline:  # noqa: ASYNC110  (a bench, not a test)
        await asyncio.sleep(0.05)
    lags = [received[c] - t for c, t in last_sent.items() if c in received]
    print(f"lag last response.submitted -> report.ready at {rate:.0f} responses/s: {percentiles(lags)}"
          f"{'' if len(lags) == cycles else f'  ({cycles - len(lags)} not ready within 60 s)'}")  # fmt: skip
    await connection.close()


async def main(args: argparse.Namespace) -> None:
    if not (args.individual_only or args.group_only):
        bench_rendering(args.renders)
    if args.rendering_only:
        return
    database = f"hlm_bench_{uuid.uuid4().hex[:10]}"
    tag = uuid.uuid4().hex[:8]
    await bootstrap(ADMIN_URL, database)
    try:
        # Its own exchanges and queues (the settings below name them), deleted however the run ends.
        with own_topology(AMQP_URL, f"bench.{tag}"):
            url = service_url(ADMIN_URL, database, "report_svc")
            await asyncio.to_thread(migrations.upgrade, REPORT_MIGRATIONS, url)
            settings = Settings.model_validate(
                {
                    "database_url": url,
                    "amqp_url": AMQP_URL,
                    "jwt_secret": "bench-secret-0123456789abcdef0123",
                    "jwt_issuer": "bench",
                    "jwt_audience": "bench",
                    "log_level": "WARNING",
                    "events_exchange": f"bench.{tag}.events",
                    "dead_letter_exchange": f"bench.{tag}.dlx",
                    "queue_prefix": f"bench.{tag}.",
                    "relay_poll_interval_s": 0.5,
                    # The lag is that of building reports; PDFs rendered ahead would take a core beside it.
                    "pdf_render_ahead": False,
                }
            )
            engine = create_engine(url, pool_size=10)
            from hlm_kit.db import create_sessionmaker

            sessionmaker = create_sessionmaker(engine)
            questionnaire_id = uuid.uuid4()
            async with sessionmaker() as session, session.begin():
                await questionnaire_service.store(session, questionnaire(questionnaire_id))
            if args.individual_only:
                await bench_individual(sessionmaker, questionnaire_id, args.builds)
            elif args.group_only:
                await bench_group(sessionmaker, engine, questionnaire_id, args.participants)
                await bench_group_endpoint(sessionmaker, settings, questionnaire_id, args.participants)
            else:
                await bench_pdf_downloads(sessionmaker, settings, args.downloads)
            if not (args.pdf_only or args.individual_only or args.group_only):
                await bench_individual(sessionmaker, questionnaire_id, args.builds)
                await bench_group(sessionmaker, engine, questionnaire_id, args.participants)
                await bench_group_endpoint(sessionmaker, settings, questionnaire_id, args.participants)
                app = create_app(settings)
                from asgi_lifespan import LifespanManager

                async with LifespanManager(app):
                    await app.state.broker.wait_connected()
                    await bench_lag(app, settings, questionnaire_id, args.cycles, args.rate)
            await engine.dispose()
    finally:
        admin = await asyncpg.connect(to_plain_url(ADMIN_URL))
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        finally:
            await admin.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--builds", type=int, default=200)
    parser.add_argument("--participants", type=int, default=5000)
    parser.add_argument("--cycles", type=int, default=40)
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--renders", type=int, default=80)
    parser.add_argument("--downloads", type=int, default=50)
    modes = parser.add_mutually_exclusive_group()
    modes.add_argument("--rendering-only", action="store_true", help="time the HTML and PDF renderings alone")
    modes.add_argument("--pdf-only", action="store_true", help="time the renderings and the PDF downloads alone")
    modes.add_argument("--individual-only", action="store_true", help="time the individual report build alone")
    modes.add_argument("--group-only", action="store_true", help="time the group report alone")
    exit_on_sigterm()  # unwinds through the finally blocks: the database, the topology
    asyncio.run(main(parser.parse_args()))

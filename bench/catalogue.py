"""Benchmark: GET /v1/frameworks/hlm on framework-svc beside a bare FastAPI baseline of the same bytes.

    uv run python bench/catalogue.py [--duration 10] [--concurrency 32] [--warmup 2] [--rounds 1] [--workers 1]
    make bench

What it does, all on 127.0.0.1 and all cleaned up at the end (also on failure or Ctrl-C):

1. creates a database ``hlm_bench_<random>`` with ``hlm-bootstrap``, runs ``framework-svc migrate`` and
   ``framework-svc load-catalogue`` against it, and drops it at the end;
2. starts ``framework-svc serve`` (one uvicorn worker unless ``--workers``, ``FRAMEWORK_RUN_WORKERS=false``,
   log level WARNING) and waits for ``/health/ready``; fetches the framework once with a participant token
   and starts ``bench/baseline_app.py`` (as many uvicorn workers) serving exactly those bytes, no auth;
   waits until every worker of both has started;
3. drives each target from a separate load-generator process (httpx.AsyncClient, HTTP/1.1 keep-alive,
   a fixed number of connections with one client each, a warm-up, then a fixed duration or request
   count), recording the latency of every request. Targets: ``baseline``, ``service`` (200 with the
   body) and ``service-304`` (the conditional path: ``If-None-Match`` with the current ETag). Every target gets the same
   generator code, connections and request headers (the baseline ignores the bearer token), so the
   generator's own cost per request is the same on each side;
4. prints a table with the ratios and writes ``bench/results/catalogue-<timestamp>.json``.

The generator shares the machine's cores with the servers and PostgreSQL. A Python client costs
about as much per request as a bare FastAPI server does, so when the generator runs at a full core
the throughput figures measure the generator, not the server. The table therefore also reports the
server process's CPU time per request (from /proc), which does not depend on how fast the client is.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ctypes
import json
import os
import platform
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import goals  # noqa: E402

REPO_ROOT = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
BIN_DIR = Path(sys.executable).parent  # the workspace's virtualenv when run through ``uv run``
HOST = "127.0.0.1"
FRAMEWORK_KEY = "hlm"
TARGET_PATH = f"/v1/frameworks/{FRAMEWORK_KEY}"
GENERATE_COMMAND = "_generate"  # internal: this file re-run as the load generator
# How long a server may take to answer once started: its workers start together on cores the load generator,
# PostgreSQL and any other work share.
STARTUP_TIMEOUT_S = 180
MAX_ERRORS_PER_PHASE = 1000  # a phase whose target has gone away stops early instead of spinning


# ----------------------------------------------------------------------------------------------------
# The load generator (runs in its own process: ``python bench/catalogue.py _generate < spec.json``)
# ----------------------------------------------------------------------------------------------------


def _process_cpu_s(pid: int) -> float | None:
    """User + system CPU seconds of process ``pid`` (all its threads), or None where /proc is absent."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _process_wait_s(pid: int) -> float | None:
    """Seconds the threads of process ``pid`` have spent ready to run but waiting for a core (the
    scheduler's run-queue delay, /proc/<pid>/task/*/schedstat), or None where the kernel keeps no such
    figure. On a machine busier than its cores, this, not the code, is where a request's wall clock goes."""
    try:
        threads = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return None
    waited_ns, read = 0, False
    for thread in threads:
        try:
            waited_ns += int(Path(f"/proc/{pid}/task/{thread}/schedstat").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue  # a thread that ended meanwhile
        read = True
    return waited_ns / 1e9 if read else None


def _cpu_pressure_s() -> float | None:
    """Seconds since boot in which at least one runnable task of the machine waited for a core (the
    kernel's pressure stall information, /proc/pressure/cpu, "some"), or None where it is not kept."""
    try:
        some = Path("/proc/pressure/cpu").read_text().splitlines()[0]
        return int(some.rsplit("total=", 1)[1]) / 1e6
    except (OSError, IndexError, ValueError):
        return None


def _process_tree_cpus(pid: int) -> dict[int, float]:
    """CPU seconds of process ``pid`` and of every process below it (a server's uvicorn worker processes),
    by process id; empty where /proc is absent."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                parents.setdefault(parent, []).append(int(entry.name))
    found: dict[int, float] = {}
    below = [pid]
    while below:
        process = below.pop()
        if (cpu := _process_cpu_s(process)) is not None:  # None: it ended meanwhile
            found[process] = cpu
        below.extend(parents.get(process, ()))
    return found


def _process_tree_cpu_s(pid: int) -> float | None:
    """CPU seconds of a server: process ``pid`` and its worker processes, or None where /proc is absent."""
    found = _process_tree_cpus(pid)
    return sum(found.values()) if found else None


def process_tree_rss_mb(pid: int) -> float | None:
    """Resident memory of process ``pid`` and every process below it, in MB (shared pages counted in each
    process, as a container's working set roughly counts them), or None where /proc is absent."""
    total = 0
    for process in _process_tree_cpus(pid):
        with contextlib.suppress(OSError, ValueError, IndexError):
            for line in Path(f"/proc/{process}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024 if total else None


def _machine_cpu_s() -> tuple[float, float] | None:
    """(busy, total) CPU seconds of the whole machine since boot, summed over all cores."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
    except (OSError, ValueError, IndexError):
        return None
    tick = os.sysconf("SC_CLK_TCK")
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values) - idle) / tick, sum(values) / tick


@dataclass
class _Phase:
    deadline: float
    max_requests: int | None
    record: bool
    issued: int = 0
    errors: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)
    latencies_us: list[int] = field(default_factory=list)
    body_bytes: int | None = None

    def error(self, kind: str) -> None:
        self.errors += 1
        self.error_kinds[kind] = self.error_kinds.get(kind, 0) + 1


def phase_results(measured: _Phase, warmup: _Phase, wall_s: float) -> dict[str, Any]:
    """What a load generator reports of its measured phase and its warm-up, whatever it sends."""
    return {
        "wall_s": wall_s,
        "requests": len(measured.latencies_us),
        "errors": measured.errors,
        "error_kinds": measured.error_kinds,
        "warmup_requests": warmup.issued,
        "warmup_errors": warmup.errors,
        "warmup_error_kinds": warmup.error_kinds,
        "latencies_us": measured.latencies_us,
    }


async def _run_phase(clients: Sequence[Any], spec: dict[str, Any], phase: _Phase) -> float:
    """Run one closed-loop worker per client until the phase ends; return the wall time."""
    import httpx

    url, expected = spec["url"], spec["expect_status"]
    perf_counter = time.perf_counter

    async def worker(client: Any) -> None:
        while perf_counter() < phase.deadline and phase.errors < MAX_ERRORS_PER_PHASE:
            if phase.max_requests is not None and phase.issued >= phase.max_requests:
                return
            phase.issued += 1
            started = perf_counter()
            try:
                response = await client.get(url)
            except httpx.HTTPError as exc:
                phase.error(type(exc).__name__)
                continue
            elapsed = perf_counter() - started
            if response.status_code != expected:
                phase.error(f"status {response.status_code}")
                continue
            if phase.record:
                phase.latencies_us.append(round(elapsed * 1e6))
                if phase.body_bytes is None:
                    phase.body_bytes = len(response.content)

    started = perf_counter()
    await asyncio.gather(*(worker(client) for client in clients))
    return perf_counter() - started


async def _generate(spec: dict[str, Any]) -> dict[str, Any]:
    import httpx

    # One client per connection. A single AsyncClient shared by all workers spends time per request
    # that grows with the size of its pool (encode/httpx#3215): about 5x more CPU per request at 32
    # connections on these machines, which would make the generator, not the servers, the measurement.
    async with contextlib.AsyncExitStack() as stack:
        clients = [
            await stack.enter_async_context(
                httpx.AsyncClient(
                    http1=True,
                    http2=False,
                    limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
                    timeout=httpx.Timeout(spec["timeout_s"]),
                    headers=spec["headers"],
                    trust_env=False,  # no proxies from the environment: straight to 127.0.0.1
                )
            )
            for _ in range(spec["concurrency"])
        ]
        # Each connection opened on its own, one after the other, as clients arrive over time: opened all at
        # once, the first of several workers to wake would accept every one of them and the others none.
        for client in clients:
            with contextlib.suppress(httpx.HTTPError):
                await client.get(spec["url"])
        warmup = _Phase(deadline=time.perf_counter() + spec["warmup_s"], max_requests=None, record=False)
        await _run_phase(clients, spec, warmup)

        server_before, machine_before = _process_tree_cpu_s(spec["server_pid"]), _machine_cpu_s()
        own_before = time.process_time()
        measured = _Phase(
            deadline=time.perf_counter() + spec["duration_s"],
            max_requests=spec["max_requests"],
            record=True,
        )
        wall_s = await _run_phase(clients, spec, measured)
        own_cpu_s = time.process_time() - own_before
        server_after, machine_after = _process_tree_cpu_s(spec["server_pid"]), _machine_cpu_s()

    server_cpu_s = server_after - server_before if server_before is not None and server_after is not None else None
    machine_busy_s = machine_after[0] - machine_before[0] if machine_before and machine_after else None
    return {
        "wall_s": wall_s,
        "requests": len(measured.latencies_us),
        "errors": measured.errors,
        "error_kinds": measured.error_kinds,
        "warmup_requests": warmup.issued,
        "warmup_errors": warmup.errors,
        "body_bytes": measured.body_bytes,
        "latencies_us": measured.latencies_us,
        "server_cpu_s": server_cpu_s,
        "generator_cpu_s": own_cpu_s,
        "machine_busy_cpu_s": machine_busy_s,
    }


def _generator_main() -> None:
    spec = json.loads(sys.stdin.read())
    try:
        import uvloop
    except ImportError:  # the same loop for every target either way
        result = asyncio.run(_generate(spec))
        result["generator_loop"] = "asyncio"
    else:
        result = uvloop.run(_generate(spec))
        result["generator_loop"] = "uvloop"
    json.dump(result, sys.stdout)


# ----------------------------------------------------------------------------------------------------
# The orchestrator
# ----------------------------------------------------------------------------------------------------


class BenchError(RuntimeError):
    pass


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _die_with_parent() -> None:
    """In the child, before exec: be sent SIGTERM should the benchmark itself be killed (Linux)."""
    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _tool(name: str) -> str:
    path = BIN_DIR / name
    if not path.exists():
        raise BenchError(f"{name} not found beside {sys.executable}: run with `uv run python bench/catalogue.py`")
    return str(path)


def _run(command: Sequence[str], env: dict[str, str], what: str, timeout_s: float = 300) -> None:
    print(f"  {what} ...", flush=True)
    completed = subprocess.run(
        command, env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=timeout_s, check=False
    )
    if completed.returncode != 0:
        raise BenchError(f"{what} failed ({completed.returncode}):\n{completed.stdout}\n{completed.stderr}")


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def log_tail(self, lines: int = 30) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return ""


@contextlib.contextmanager
def _server(name: str, command: Sequence[str], env: dict[str, str], port: int, logs: Path) -> Iterator[Server]:
    """Run ``command`` for the duration of the block; terminate (then kill) it on the way out."""
    log_path = logs / f"{name}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            env=env,
            cwd=REPO_ROOT,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )
    try:
        yield Server(name, process, port, log_path)
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def _wait_until(server: Server, path: str, headers: dict[str, str] | None = None, timeout_s: float = 60) -> None:
    import httpx

    deadline = time.monotonic() + timeout_s
    last = "no answer"
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise BenchError(f"{server.name} exited ({server.process.returncode}):\n{server.log_tail()}")
        try:
            response = httpx.get(server.base_url + path, headers=headers, timeout=2, trust_env=False)
        except httpx.HTTPError as exc:
            last = type(exc).__name__
        else:
            if response.status_code == 200:
                return
            last = f"{response.status_code} {response.text[:200]}"
        time.sleep(0.2)
    raise BenchError(f"{server.name} not ready after {timeout_s:.0f} s ({last}):\n{server.log_tail()}")


def wait_until_idle(server: Server, timeout_s: float = 120) -> None:
    """Wait until ``server`` and its worker processes use under 5% of a core over a second: every worker
    has finished starting (one answering is not enough), so none joins while connections are being made."""
    deadline = time.monotonic() + timeout_s
    before = _process_tree_cpu_s(server.process.pid)
    while before is not None and time.monotonic() < deadline:
        time.sleep(1)
        if server.process.poll() is not None:
            raise BenchError(f"{server.name} exited ({server.process.returncode}):\n{server.log_tail()}")
        after = _process_tree_cpu_s(server.process.pid)
        if after is not None and after - before < 0.05:
            return
        before = after
    if before is not None:
        raise BenchError(f"{server.name} still busy {timeout_s:.0f} s after answering:\n{server.log_tail()}")


def _drop_database(admin_url: str, database: str) -> None:
    import asyncpg

    async def drop() -> None:
        connection = await asyncpg.connect(admin_url, timeout=10)
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        finally:
            await connection.close()

    asyncio.run(drop())


@contextlib.contextmanager
def _bench_database(admin_url: str, env: dict[str, str], database: str) -> Iterator[None]:
    try:
        _run([_tool("hlm-bootstrap"), "--admin-url", admin_url, "--database", database], env, "bootstrap")
        yield
    finally:
        try:
            _drop_database(admin_url, database)
            print(f"  dropped database {database}", flush=True)
        except Exception as exc:
            print(f"  could not drop database {database}: {exc!r}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Target:
    name: str
    server: Server
    headers: dict[str, str]
    expect_status: int


def _measure(target: Target, args: argparse.Namespace) -> dict[str, Any]:
    spec = {
        "url": target.server.base_url + TARGET_PATH,
        "headers": target.headers,
        "expect_status": target.expect_status,
        "concurrency": args.concurrency,
        "warmup_s": args.warmup,
        "duration_s": args.duration if args.requests is None else args.max_seconds,
        "max_requests": args.requests,
        "timeout_s": 10.0,
        "server_pid": target.server.process.pid,
    }
    return run_generator(__file__, spec, target.name, args.warmup + spec["duration_s"] + 60, needs_requests=False)


def run_as_generator(
    argv: Sequence[str] | None, generate: Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]
) -> bool:
    """Whether this process (its arguments ``argv``, by default the command line's) was started by
    :func:`run_generator` as a benchmark's load generator; if so it has run ``generate`` on the spec from its
    stdin and printed the result for the benchmark to read."""
    if list(sys.argv[1:] if argv is None else argv)[:1] != [GENERATE_COMMAND]:
        return False
    print(json.dumps(asyncio.run(generate(json.loads(sys.stdin.read())))))
    return True


def run_generator(
    script: str, spec: dict[str, Any], name: str, timeout_s: float, *, needs_requests: bool = True
) -> dict[str, Any]:
    """Run a benchmark's load generator (``script`` re-run with ``_generate``, ``spec`` on its stdin) in a
    process of its own that dies with the benchmark, and read back its result; a generator that fails, or,
    unless ``needs_requests`` is off, one that got no request through, fails the benchmark on ``name``."""
    completed = subprocess.run(
        [sys.executable, str(Path(script).resolve()), GENERATE_COMMAND],
        input=json.dumps(spec),
        capture_output=True,
        text=True,
        timeout=timeout_s,
        cwd=REPO_ROOT,
        check=False,
        preexec_fn=_die_with_parent if sys.platform == "linux" else None,
    )
    if completed.returncode != 0:
        raise BenchError(f"load generator failed on {name}:\n{completed.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(completed.stdout)
    if needs_requests and result["requests"] == 0:
        raise BenchError(f"no successful request on {name}: {result['error_kinds']} {result['warmup_error_kinds']}")
    return result


def _percentile(ordered: Sequence[int], q: float) -> float:
    """Nearest-rank percentile of an ascending sequence, in milliseconds."""
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1] / 1000


def _summarise(name: str, runs: list[dict[str, Any]], cpus: int) -> dict[str, Any]:
    latencies = sorted(us for run in runs for us in run["latencies_us"])
    requests = len(latencies)
    wall_s = sum(run["wall_s"] for run in runs)

    def total(key: str) -> float | None:
        values = [run[key] for run in runs]
        return None if any(v is None for v in values) else float(sum(values))

    server_cpu_s, generator_cpu_s, machine_s = (
        total("server_cpu_s"),
        total("generator_cpu_s"),
        total("machine_busy_cpu_s"),
    )
    return {
        "target": name,
        "requests": requests,
        "errors": sum(run["errors"] for run in runs),
        "error_kinds": {k: v for run in runs for k, v in run["error_kinds"].items()},
        "wall_s": round(wall_s, 3),
        "throughput_rps": requests / wall_s if wall_s else 0.0,
        "latency_ms": {
            "mean": sum(latencies) / requests / 1000 if requests else float("nan"),
            "p50": _percentile(latencies, 50),
            "p90": _percentile(latencies, 90),
            "p99": _percentile(latencies, 99),
            "p99.9": _percentile(latencies, 99.9),
            "max": latencies[-1] / 1000 if latencies else float("nan"),
        },
        "body_bytes": runs[0]["body_bytes"],
        "server_cpu_us_per_request": server_cpu_s / requests * 1e6 if server_cpu_s and requests else None,
        "server_cpu_percent_of_core": 100 * server_cpu_s / wall_s if server_cpu_s is not None else None,
        "generator_cpu_percent_of_core": 100 * generator_cpu_s / wall_s if generator_cpu_s is not None else None,
        "machine_busy_percent": 100 * machine_s / (wall_s * cpus) if machine_s is not None else None,
        # Everything else that ran meanwhile, in % of one core: PostgreSQL, RabbitMQ, other work.
        "other_cpu_percent_of_core": (
            100 * (machine_s - server_cpu_s - generator_cpu_s) / wall_s
            if machine_s is not None and server_cpu_s is not None and generator_cpu_s is not None
            else None
        ),
        "generator_loop": runs[0]["generator_loop"],
    }


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def _fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def _report(summaries: list[dict[str, Any]], args: argparse.Namespace, cpus: int) -> dict[str, Any]:
    by_name = {s["target"]: s for s in summaries}
    base = by_name["baseline"]
    ratios: dict[str, dict[str, float | None]] = {}
    for name in ("service", "service-304"):
        s = by_name[name]
        ratios[f"{name}/baseline"] = {
            "throughput": _ratio(s["throughput_rps"], base["throughput_rps"]),
            "p50": _ratio(s["latency_ms"]["p50"], base["latency_ms"]["p50"]),
            "p99": _ratio(s["latency_ms"]["p99"], base["latency_ms"]["p99"]),
            "server_cpu_per_request": _ratio(s["server_cpu_us_per_request"], base["server_cpu_us_per_request"]),
        }

    header = (
        f"{'target':<12} {'requests':>9} {'errors':>6} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'body B':>7} {'srv CPU us/req':>14} {'srv CPU %':>9} {'gen CPU %':>9} {'other CPU %':>11}"
    )
    print()
    print(
        f"GET {TARGET_PATH}: {args.concurrency} keep-alive connections, {args.warmup:g} s warm-up, "
        + (f"{args.requests} requests" if args.requests else f"{args.duration:g} s")
        + f" per target x {args.rounds} round(s); {cpus} CPU(s); {args.workers} uvicorn worker(s) per server; "
        + f"generator: httpx on {summaries[0]['generator_loop']}"
    )
    print(header)
    print("-" * len(header))
    for s in summaries:
        latency = s["latency_ms"]
        cells = [
            f"{s['target']:<12}",
            f"{s['requests']:>9}",
            f"{s['errors']:>6}",
            f"{s['throughput_rps']:>8.0f}",
            f"{latency['p50']:>8.2f}",
            f"{latency['p99']:>8.2f}",
            f"{_fmt(s['body_bytes'], 'd'):>7}",
            f"{_fmt(s['server_cpu_us_per_request'], '.0f'):>14}",
            f"{_fmt(s['server_cpu_percent_of_core'], '.0f'):>9}",
            f"{_fmt(s['generator_cpu_percent_of_core'], '.0f'):>9}",
            f"{_fmt(s['other_cpu_percent_of_core'], '.0f'):>11}",
        ]
        print(" ".join(cells))
    print()
    for key, r in ratios.items():
        print(
            f"{key:<20} throughput x{_fmt(r['throughput'], '.2f')}   p50 x{_fmt(r['p50'], '.2f')}   "
            f"p99 x{_fmt(r['p99'], '.2f')}   server CPU/request x{_fmt(r['server_cpu_per_request'], '.2f')}"
        )
    # The goals are set for a server of one worker, the process a pod runs (deploy/k8s/README.md, "Scaling").
    if args.workers == 1:
        goals.check(f"catalogue read: throughput vs bare endpoint, {args.concurrency} connections",
                    ratios["service/baseline"]["throughput"], at_least=0.7)  # fmt: skip
        # The same goal in the figure the generator cannot cap: a server bound by its CPU serves at least 0.7x
        # the bare endpoint's requests when each costs it at most 1/0.7 of the bare endpoint's CPU.
        goals.check("catalogue read: server CPU per request vs bare endpoint",
                    ratios["service/baseline"]["server_cpu_per_request"], at_most=round(1 / 0.7, 2))  # fmt: skip
        goals.check("catalogue 304: server CPU per request vs bare endpoint",
                    ratios["service-304/baseline"]["server_cpu_per_request"], at_most=1.0)  # fmt: skip

    notes = [
        f"The load generator (one Python process, httpx) runs on the same {cpus} core(s) as the servers "
        "and PostgreSQL; every target gets the same generator code, connections and headers, so its "
        "overhead per request is the same on both sides of each ratio.",
        "srv CPU us/req is the server process's own CPU time per request (PostgreSQL's is not in it); "
        "it does not depend on the generator's speed. CPU % columns are in % of one core; other CPU % is "
        "the rest of the machine meanwhile (PostgreSQL for the service, and any unrelated work).",
        "Latencies are closed-loop at fixed concurrency, so they are mostly queueing: p50 ~ connections / throughput.",
        "service-304 answers carry no body, so the generator reads less per request there than on the other targets.",
    ]
    saturated = [s["target"] for s in summaries if (s["generator_cpu_percent_of_core"] or 0) >= 85]
    if saturated:
        notes.append(
            "The generator ran at >= 85% of a core on "
            + ", ".join(saturated)
            + ": there the client, not the server, limits throughput, so throughput ratios understate "
            "the difference; compare srv CPU us/req instead."
        )
    if (base["other_cpu_percent_of_core"] or 0) >= 20:
        notes.append(
            f"Unrelated work used {base['other_cpu_percent_of_core']:.0f}% of a core during the baseline "
            "(which touches no database): the machine was not quiet, so the figures are noisy."
        )
    if any(s["errors"] for s in summaries):
        notes.append("Some requests failed (see errors): the figures of those targets are suspect.")
    if base["body_bytes"] != by_name["service"]["body_bytes"]:
        notes.append("The baseline's body differs in size from the service's: the comparison is not like for like.")
    print()
    for note in notes:
        print(f"note: {note}")
    return {"ratios": ratios, "notes": notes}


def _git(*argv: str) -> str | None:
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        done = subprocess.run(["git", *argv], cwd=REPO_ROOT, capture_output=True, text=True, timeout=10, check=False)
        if done.returncode == 0:
            return done.stdout.strip()
    return None


async def eventually(what: str, check: Callable[[], Awaitable[Any]], timeout_s: float = 90) -> Any:
    """``check``'s first truthy answer, asked four times a second; the benchmark fails after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = await check()
        if value:
            return value
        await asyncio.sleep(0.25)
    raise BenchError(f"timed out waiting for {what}")


def mailed_links(mail: Path, base: str) -> dict[str, str]:
    """The link starting with ``base`` mailed to each address so far, read from the platform's Maildir (the
    latest mail wins)."""
    import mailbox
    import re
    from email.utils import parseaddr

    link = re.compile(re.escape(base) + r"[\w-]+")
    links: dict[str, str] = {}
    if not mail.exists():
        return links
    for message in mailbox.Maildir(mail, create=False):
        for part in message.walk():
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes) and (found := link.search(payload.decode(errors="replace"))):
                links[parseaddr(str(message["To"]))[1]] = found.group(0)
    return links


def write_results(benchmark: str, started_at: datetime, record: dict[str, Any], cpus: int | None = None) -> Path:
    """Keep one run's figures in ``bench/results/<benchmark>-<start>.json``, beside the commit and the machine
    they were measured on (``cpus`` defaults to the machine's count), and say where they are."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out = RESULTS_DIR / f"{benchmark}-{started_at.strftime('%Y%m%dT%H%M%SZ')}.json"
    out.write_text(
        json.dumps(
            {
                "benchmark": benchmark,
                "started_at": started_at.isoformat(),
                "git": {"commit": _git("rev-parse", "HEAD"), "dirty": bool(_git("status", "--porcelain"))},
                "machine": {
                    "cpus": os.cpu_count() if cpus is None else cpus,
                    "platform": platform.platform(),
                    "python": platform.python_version(),
                },
                **record,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"\nresults written to {out.relative_to(REPO_ROOT)}")
    return out


def add_platform_urls(parser: argparse.ArgumentParser) -> None:
    """The PostgreSQL server (its admin database) and the RabbitMQ broker a benchmark starts the platform on."""
    parser.add_argument(
        "--admin-url", default=os.environ.get("HLM_ADMIN_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    )
    parser.add_argument("--amqp-url", default=os.environ.get("HLM_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/"))


def run_benchmark(
    run: Callable[[argparse.Namespace], int], args: argparse.Namespace, *, interrupted_code: int | None = None
) -> int:
    """Run a benchmark so that SIGTERM unwinds it through its ``finally`` blocks (servers stopped, database
    dropped, topology deleted) and a failure it explains ends it with exit status 1 and its reason; with
    ``interrupted_code``, Ctrl-C ends it quietly with that status."""
    from hlm_kit.local import exit_on_sigterm

    exit_on_sigterm()
    try:
        return run(args)
    except BenchError as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        if interrupted_code is None:
            raise
        return interrupted_code


def run(args: argparse.Namespace) -> int:
    import httpx

    from hlm_kit.bootstrap import service_url
    from hlm_kit.tokens import mint_token

    cpus = os.cpu_count() or 1
    database = f"hlm_bench_{secrets.token_hex(4)}"
    secret, issuer, audience = secrets.token_urlsafe(32), "hlm-bench", "hlm-platform"
    env = {
        **os.environ,
        "FRAMEWORK_DATABASE_URL": service_url(args.admin_url, database, "framework_svc"),
        "FRAMEWORK_AMQP_URL": args.amqp_url,
        "FRAMEWORK_JWT_SECRET": secret,
        "FRAMEWORK_JWT_ISSUER": issuer,
        "FRAMEWORK_JWT_AUDIENCE": audience,
        "FRAMEWORK_LOG_LEVEL": "WARNING",
        "FRAMEWORK_RUN_WORKERS": "false",
        "FRAMEWORK_ENVIRONMENT": "development",
        "FRAMEWORK_HTTP_WORKERS": str(args.workers),
    }
    env.pop("FRAMEWORK_JWT_JWKS_URL", None)
    token = mint_token(
        secret,
        sub="bench-participant",
        roles=["participant"],
        org="RX1",
        region="london",
        issuer=issuer,
        audience=audience,
        ttl_s=6 * 3600,
    )
    auth = {"Authorization": f"Bearer {token}"}
    started_at = datetime.now(UTC)

    print(f"setting up database {database}", flush=True)
    with (
        tempfile.TemporaryDirectory(prefix="hlm-bench-") as tmp,
        _bench_database(args.admin_url, env, database),
        contextlib.ExitStack() as servers,
    ):
        logs = Path(tmp)
        _run([_tool("framework-svc"), "migrate"], env, "framework-svc migrate")
        _run([_tool("framework-svc"), "load-catalogue"], env, "framework-svc load-catalogue")

        service_port = _free_port()
        print(f"  starting framework-svc on :{service_port}", flush=True)
        service = servers.enter_context(
            _server(
                "framework-svc",
                [_tool("framework-svc"), "serve", "--host", HOST, "--port", str(service_port)],
                env,
                service_port,
                logs,
            )
        )
        _wait_until(service, "/health/ready", timeout_s=STARTUP_TIMEOUT_S)

        first = httpx.get(service.base_url + TARGET_PATH, headers=auth, timeout=10, trust_env=False)
        if first.status_code != 200:
            raise BenchError(f"GET {TARGET_PATH} answered {first.status_code}: {first.text[:500]}")
        body, etag = first.content, first.headers.get("etag")
        if not etag:
            raise BenchError(f"GET {TARGET_PATH} carries no ETag: the conditional path cannot be measured")
        conditional = httpx.get(
            service.base_url + TARGET_PATH,
            headers={**auth, "If-None-Match": etag},
            timeout=10,
            trust_env=False,
        )
        if conditional.status_code != 304:
            raise BenchError(f"If-None-Match {etag} answered {conditional.status_code}, not 304")

        body_file = logs / "body.json"
        body_file.write_bytes(body)
        baseline_port = _free_port()
        print(f"  starting baseline on :{baseline_port} ({len(body)} bytes of JSON)", flush=True)
        baseline = servers.enter_context(
            _server(
                "baseline",
                [
                    sys.executable,
                    str(BENCH_DIR / "baseline_app.py"),
                    "--host",
                    HOST,
                    "--port",
                    str(baseline_port),
                    "--body-file",
                    str(body_file),
                    "--workers",
                    str(args.workers),
                ],
                env,
                baseline_port,
                logs,
            )
        )
        _wait_until(baseline, TARGET_PATH, timeout_s=STARTUP_TIMEOUT_S)
        for server in (service, baseline):
            wait_until_idle(server)
        if httpx.get(baseline.base_url + TARGET_PATH, timeout=10, trust_env=False).content != body:
            raise BenchError("the baseline does not serve the service's bytes")

        targets = [
            Target("baseline", baseline, auth, 200),  # the same headers; the baseline ignores the token
            Target("service", service, auth, 200),
            Target("service-304", service, {**auth, "If-None-Match": etag}, 304),
        ]
        runs: dict[str, list[dict[str, Any]]] = {t.name: [] for t in targets}
        for round_number in range(1, args.rounds + 1):
            for target in targets:
                print(f"  round {round_number}/{args.rounds}: {target.name} ...", flush=True)
                result = _measure(target, args)
                if result["requests"] == 0:
                    raise BenchError(f"no successful request on {target.name}: {result['error_kinds']}")
                runs[target.name].append(result)
                for server in (service, baseline):
                    if server.process.poll() is not None:
                        raise BenchError(f"{server.name} exited during the run:\n{server.log_tail()}")

    summaries = [_summarise(name, target_runs, cpus) for name, target_runs in runs.items()]
    reading = _report(summaries, args, cpus)

    write_results(
        "catalogue",
        started_at,
        {
            "config": {
                "path": TARGET_PATH,
                "concurrency": args.concurrency,
                "warmup_s": args.warmup,
                "duration_s": args.duration if args.requests is None else None,
                "requests": args.requests,
                "rounds": args.rounds,
                "servers": f"{args.workers} uvicorn worker(s) each; framework-svc with FRAMEWORK_RUN_WORKERS=false",
                "workers": args.workers,
                "generator": (
                    "httpx.AsyncClient per connection, HTTP/1.1 keep-alive, closed loop, "
                    "one process per target and round"
                ),
            },
            "results": summaries,
            **reading,
        },
        cpus=cpus,
    )
    return 0


def _positive(kind: type[int] | type[float]) -> Any:
    def parse(text: str) -> int | float:
        value = kind(text)
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be > 0: {text}")
        return value

    return parse


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == [GENERATE_COMMAND]:
        _generator_main()
        return 0

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=_positive(float), default=10.0, help="seconds measured per target")
    parser.add_argument(
        "--requests",
        type=_positive(int),
        default=None,
        help="measure this many requests per target instead of a duration",
    )
    parser.add_argument(
        "--max-seconds",
        type=_positive(float),
        default=120.0,
        help="with --requests: stop a target after this long regardless",
    )
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of unrecorded warm-up per target")
    parser.add_argument("--concurrency", type=_positive(int), default=32, help="keep-alive connections")
    parser.add_argument(
        "--rounds",
        type=_positive(int),
        default=1,
        help="run every target this many times, back to back, and pool the results",
    )
    parser.add_argument(
        "--workers",
        type=_positive(int),
        default=1,
        help="uvicorn worker processes of framework-svc (FRAMEWORK_HTTP_WORKERS) and of the baseline alike",
    )
    add_platform_urls(parser)
    args = parser.parse_args(argv)
    if args.warmup < 0:
        parser.error("--warmup must be >= 0")

    return run_benchmark(run, args)


if __name__ == "__main__":
    sys.exit(main())

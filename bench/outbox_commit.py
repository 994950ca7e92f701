"""Benchmark: how fast PostgreSQL commits outbox writes, with a NOTIFY in each transaction and without.

    uv run python bench/outbox_commit.py [--duration 6] [--concurrency 32] [--rounds 2]

What it does, against the admin database and cleaned up at the end:

1. creates a schema ``bench_outbox_<random>`` holding a table shaped like ``outbox_message``;
2. for each variant, ``--concurrency`` connections each commit one transaction after another, each
   inserting one outbox row of about 400 bytes, for ``--duration`` seconds:
   - ``notify-in-transaction``: the row and a ``pg_notify`` in the same transaction, as the outbox did:
     PostgreSQL takes one lock on its notification queue for the commit of every transaction that
     notified, so those commits (WAL flush included) happen one at a time;
   - ``no-notify``: the row alone, as the outbox writes it now;
   - ``coalesced-notifier``: the row alone, and after each commit a wake-up of one separate connection
     that sends ``pg_notify`` in a transaction of its own, commits landing meanwhile collapsing into
     the next one: what ``OutboxNotifier`` does in a process without a relay;
3. prints commits per second for each, in rounds (the variants alternate, so a busy machine weighs on
   each alike).

The database alone, with no Python service in front: the ceiling the outbox puts on a service's writes.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import secrets
import sys
import time
import uuid
from collections.abc import Sequence

import asyncpg

VARIANTS = ("notify-in-transaction", "no-notify", "coalesced-notifier")
ENVELOPE = json.dumps({"specversion": "1.0", "type": "hlm.survey.response.submitted.v1", "data": {"x": "y" * 300}})


async def measure(url: str, schema: str, variant: str, concurrency: int, duration_s: float) -> float:
    """Commits per second of ``concurrency`` connections writing outbox rows for ``duration_s``."""
    channel = f"{schema}_outbox"
    insert = f'INSERT INTO "{schema}".outbox_message (event_id, type, envelope) VALUES ($1, $2, $3::jsonb)'
    pool = await asyncpg.create_pool(url, min_size=concurrency, max_size=concurrency)
    notifier = await asyncpg.connect(url, server_settings={"synchronous_commit": "off"})
    wake = asyncio.Event()
    committed = 0

    async def notify_coalesced() -> None:
        while True:
            await wake.wait()
            wake.clear()
            await notifier.execute("SELECT pg_notify($1, '')", channel)

    async def write(deadline: float) -> None:
        nonlocal committed
        async with pool.acquire() as connection:
            while time.perf_counter() < deadline:
                async with connection.transaction():
                    await connection.execute(insert, uuid.uuid4().hex, "bench", ENVELOPE)
                    if variant == "notify-in-transaction":
                        await connection.execute("SELECT pg_notify($1, '')", channel)
                committed += 1
                if variant == "coalesced-notifier":
                    wake.set()

    notifying = asyncio.create_task(notify_coalesced())
    try:
        started = time.perf_counter()
        await asyncio.gather(*(write(started + duration_s) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    finally:
        notifying.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await notifying
        await notifier.close()
        await pool.close()
    return committed / elapsed


async def run(args: argparse.Namespace) -> None:
    url = args.admin_url.replace("postgresql+asyncpg://", "postgresql://")
    schema = f"bench_outbox_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(url)
    try:
        await admin.execute(
            f'CREATE SCHEMA "{schema}"; CREATE TABLE "{schema}".outbox_message '
            "(id bigserial PRIMARY KEY, event_id text NOT NULL UNIQUE, type text NOT NULL, envelope jsonb NOT NULL)"
        )
        print(f"{args.concurrency} connections, {args.duration:g} s per variant and round; {os.cpu_count()} CPU(s)")
        results: dict[str, list[float]] = {variant: [] for variant in VARIANTS}
        for round_number in range(args.rounds):
            for variant in VARIANTS:
                rate = await measure(url, schema, variant, args.concurrency, args.duration)
                results[variant].append(rate)
                print(f"  round {round_number + 1}: {variant:<22} {rate:7.0f} commits/s", flush=True)
        print()
        for variant, rates in results.items():
            print(f"{variant:<22} {min(rates):7.0f}-{max(rates):.0f} commits/s")
    finally:
        await admin.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        await admin.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--duration", type=float, default=6.0, help="seconds per variant and round")
    parser.add_argument("--concurrency", type=int, default=32, help="connections committing at once")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--admin-url", default=os.environ.get("HLM_ADMIN_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    )
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run(args))
        return 0
    return 130


if __name__ == "__main__":
    raise SystemExit(main())

"""The national benchmark runs end to end at a tiny scale, and an index serves every statement of the hot
paths it measures: the plans are made with sequential scans disabled, so a table read whole is one that no
index can serve. Timings are the benchmark's business (``make bench``), not this test's."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
VERDICT = "sequential scans that read the table, not the work"
# Matching reads the register beyond the participant's region whole, by design: a bound on what each
# facilitator could still score prunes it, and it grows with the facilitators (some 3,000 nationally), not
# with the years of history the other tables hold.
BY_DESIGN = {"matching: facilitator"}


def test_a_tiny_national_year_loads_and_its_hot_paths_read_through_indexes(
    postgres_admin_url: str, amqp_url: str
) -> None:
    env = {**os.environ, "HLM_ADMIN_DATABASE_URL": postgres_admin_url, "HLM_AMQP_URL": amqp_url}
    env.pop("HLM_BENCH_GOALS", None)
    done = subprocess.run(
        [sys.executable, "bench/national.py", "--scale", "0.0005", "--samples", "3", "--strict-plans"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=280,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    assert "loaded" in done.stdout
    assert "=== region's group report" in done.stdout
    (verdict,) = [line for line in done.stdout.splitlines() if line.startswith(VERDICT)]
    found = verdict.split(": ", 1)[1]
    flagged = set() if found == "none" else set(found.split(", "))
    assert flagged <= BY_DESIGN, verdict

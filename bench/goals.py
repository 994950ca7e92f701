"""The goals the benchmarks measure against, printed beside each figure, and the summary ``make bench`` ends with.

A benchmark calls ``check(name, value, at_most=... | at_least=...)`` for each figure that has a goal: the
line is printed at once, and when ``HLM_BENCH_GOALS`` names a file (``make bench`` sets it) appended to it
as one JSON line, so the summary can be printed after every benchmark has run:

    uv run python bench/goals.py bench/results/goals.jsonl
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class Goal:
    name: str
    value: float | None
    limit: float
    at_most: bool
    unit: str

    @property
    def met(self) -> bool:
        if self.value is None:
            return False
        return self.value <= self.limit if self.at_most else self.value >= self.limit

    def _format(self, value: float | None) -> str:
        if value is None:
            return "n/a"
        if self.unit == "x":
            return f"x{value:.2f}"
        return f"{value:.{0 if float(value).is_integer() else 2}f}{(' ' + self.unit) if self.unit else ''}"

    @property
    def figure(self) -> str:
        return self._format(self.value)

    @property
    def target(self) -> str:
        return f"{'<=' if self.at_most else '>='} {self._format(self.limit)}"

    @property
    def verdict(self) -> str:
        return "met" if self.met else "NOT met"


def check(
    name: str, value: float | None, *, at_most: float | None = None, at_least: float | None = None, unit: str = "x"
) -> Goal:
    """Print ``value`` beside its goal (``unit`` "x" for a ratio) and record it for the summary."""
    if (at_most is None) == (at_least is None):
        raise ValueError("a goal is either at_most or at_least")
    limit = at_most if at_most is not None else at_least
    assert limit is not None
    goal = Goal(name, value, limit, at_most is not None, unit)
    print(f"goal  {name}: {goal.figure} (goal {goal.target}): {goal.verdict}", flush=True)
    if path := os.environ.get("HLM_BENCH_GOALS"):
        with Path(path).open("a") as out:
            out.write(json.dumps(asdict(goal)) + "\n")
    return goal


def summary(path: Path) -> int:
    """Print every recorded goal as a table; returns how many are not met."""
    goals = (
        [Goal(**json.loads(line)) for line in path.read_text().splitlines() if line.strip()] if path.exists() else []
    )
    if not goals:
        print("no goals were recorded")
        return 0
    width = max(len(g.name) for g in goals)
    print(f"\n{'goal':<{width}} {'measured':>12} {'goal':>14}  verdict")
    print("-" * (width + 38))
    for g in goals:
        print(f"{g.name:<{width}} {g.figure:>12} {g.target:>14}  {g.verdict}")
    missed = sum(not g.met for g in goals)
    print(f"\n{len(goals) - missed} of {len(goals)} goals met")
    return missed


if __name__ == "__main__":
    summary(Path(sys.argv[1]))

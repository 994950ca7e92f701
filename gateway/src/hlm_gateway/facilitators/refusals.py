"""facilitator-svc's problem documents read for typed refusals: what the app shows and acts on.

Nothing is added to what the service said: a participant refused because of a conflict of interest
reads the one generic conflict the service words for everybody, never which conflict it is.
"""

from __future__ import annotations

from typing import Any

from hlm_gateway.cycles.types import FieldProblem


def refusal_message(problem: dict[str, Any], fallback: str) -> str:
    message = problem.get("detail") or problem.get("title")
    return message if isinstance(message, str) and message else fallback


def refusal_code(problem: dict[str, Any]) -> str | None:
    """The service's machine code, the last part of the problem's ``type`` (``slot-taken``, ...)."""
    kind = problem.get("type")
    if not isinstance(kind, str) or kind == "about:blank":
        return None
    return kind.rstrip("/").rsplit("/", 1)[-1] or None


def field_problems(problem: dict[str, Any]) -> list[FieldProblem]:
    return [
        FieldProblem(location=[str(part) for part in e.get("loc", [])], message=e["msg"], type=e["type"])
        for e in problem.get("errors") or []
    ]

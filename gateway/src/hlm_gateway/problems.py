"""The services' problem documents (RFC 9457) read for the gateway's typed refusals: what the app shows
and acts on.

Nothing is added to what a service said: a participant refused because of a conflict of interest reads
the one generic conflict facilitator-svc words for everybody, never which conflict it is.
"""

from __future__ import annotations

import re
from typing import Any

import strawberry


@strawberry.type
class FieldProblem:
    """One reason a request was refused: where (``location``), what, and a machine code."""

    location: list[str]
    message: str
    type: str


def refusal_message(problem: dict[str, Any], fallback: str) -> str:
    message = problem.get("detail") or problem.get("title")
    return message if isinstance(message, str) and message else fallback


def refusal_code(problem: dict[str, Any]) -> str | None:
    """The service's machine code, the last part of the problem's ``type`` (``slot-taken``, ...)."""
    kind = problem.get("type")
    if not isinstance(kind, str) or kind == "about:blank":
        return None
    return kind.rstrip("/").rsplit("/", 1)[-1] or None


def field_problems(problem: dict[str, Any], *, sent_as: tuple[str, ...] | None = None) -> list[FieldProblem]:
    """Every reason listed in the problem's ``errors``. With ``sent_as``, a location in the service's
    request body is given as the app sent it, in GraphQL's names: ``sent_as=("response",)`` turns
    ``body.answers.3.item_key`` into ``response.answers.3.itemKey`` (the mutation's ``response``
    argument); ``sent_as=()`` is for a body whose fields are the mutation's own arguments."""
    return [
        FieldProblem(location=_location(e.get("loc", []), sent_as), message=e["msg"], type=e["type"])
        for e in problem.get("errors") or []
    ]


_SNAKE = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)+")


def _location(loc: list[Any], sent_as: tuple[str, ...] | None) -> list[str]:
    parts = [str(part) for part in loc]
    if sent_as is None or parts[:1] != ["body"]:
        return parts
    return [*sent_as, *(_camel(part) if _SNAKE.fullmatch(part) else part for part in parts[1:])]


def _camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(word.capitalize() for word in rest)

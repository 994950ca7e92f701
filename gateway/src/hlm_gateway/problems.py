"""The services' problem documents (RFC 9457) read for the gateway's typed refusals: what the app shows
and acts on.

Nothing is added to what a service said: a participant refused because of a conflict of interest reads
the one generic conflict facilitator-svc words for everybody, never which conflict it is.
"""

from __future__ import annotations

import re

import strawberry

from hlm_kit.errors import Problem


@strawberry.type
class FieldProblem:
    """One reason a request was refused: where (``location``), what, and a machine code."""

    location: list[str]
    message: str
    type: str


def refusal_message(problem: Problem, fallback: str) -> str:
    return problem.detail or problem.title or fallback


def refusal_code(problem: Problem) -> str | None:
    """The service's machine code, the last part of the problem's ``type`` (``slot-taken``, ...)."""
    kind = problem.type
    if kind == "about:blank":
        return None
    return kind.rstrip("/").rsplit("/", 1)[-1] or None


def field_problems(problem: Problem, *, sent_as: tuple[str, ...] | None = None) -> list[FieldProblem]:
    """Every reason listed in the problem's ``errors``. With ``sent_as``, a location in the service's
    request body is given as the app sent it, in GraphQL's names: ``sent_as=("response",)`` turns
    ``body.answers.3.item_key`` into ``response.answers.3.itemKey`` (the mutation's ``response``
    argument); ``sent_as=()`` is for a body whose fields are the mutation's own arguments."""
    return [FieldProblem(location=_location(e.loc, sent_as), message=e.msg, type=e.type) for e in problem.errors or []]


_SNAKE = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)+")


def _location(loc: list[str | int], sent_as: tuple[str, ...] | None) -> list[str]:
    parts = [str(part) for part in loc]
    if sent_as is None or parts[:1] != ["body"]:
        return parts
    return [*sent_as, *(_camel(part) if _SNAKE.fullmatch(part) else part for part in parts[1:])]


def _camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(word.capitalize() for word in rest)

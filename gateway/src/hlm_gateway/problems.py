"""The services' problem documents (RFC 9457) read for the gateway's typed refusals: what the app shows
and acts on.

Nothing is added to what a service said: a participant refused because of a conflict of interest reads
the one generic conflict facilitator-svc words for everybody, never which conflict it is.
"""

from __future__ import annotations

import inspect
import re
from typing import Protocol, TypeVar, cast, overload

import strawberry

from hlm_kit.errors import Problem


@strawberry.type
class FieldProblem:
    """One reason a request was refused: where (``location``), what, and a machine code."""

    location: list[str]
    message: str
    type: str


Refused = TypeVar("Refused", covariant=True)
Reason = TypeVar("Reason")
Reason_co = TypeVar("Reason_co", covariant=True)


class RefusalType(Protocol[Refused]):
    """A refusal type made of what every service's problem gives: a message, its machine code and the
    listed problems (``CycleRefused``, ``ReportReleaseRefused``, ...)."""

    def __call__(self, *, message: str, code: str | None, problems: list[FieldProblem]) -> Refused: ...


class LocatedRefusalType(Protocol[Refused]):
    """A refusal type that shows the message and the listed problems, without the code (``GoalRejected``,
    ``ThresholdNotMet``, ...)."""

    def __call__(self, *, message: str, problems: list[FieldProblem]) -> Refused: ...


class ToldRefusalType(Protocol[Refused]):
    """A refusal type that shows the message alone (``ReportSharingRefused``, ``NoEarlierReport``, ...)."""

    def __call__(self, *, message: str) -> Refused: ...


class ReasonedRefusalType(Protocol[Refused, Reason]):
    """A refusal type that lists the problem's reasons unlocated, each as ``reasons_as`` makes it
    (``NotEligible``, ``CompletionRefused``)."""

    def __call__(self, *, message: str, reasons: list[Reason]) -> Refused: ...


class ReasonType(Protocol[Reason_co]):
    def __call__(self, *, type: str, message: str) -> Reason_co: ...


@overload
def refused_as(
    kind: ReasonedRefusalType[Refused, Reason], problem: Problem, *, fallback: str, reasons_as: ReasonType[Reason]
) -> Refused: ...


@overload
def refused_as(
    kind: RefusalType[Refused], problem: Problem, *, fallback: str, sent_as: tuple[str, ...] | None = None
) -> Refused: ...


@overload
def refused_as(
    kind: LocatedRefusalType[Refused], problem: Problem, *, fallback: str, sent_as: tuple[str, ...] | None = None
) -> Refused: ...


@overload
def refused_as(kind: ToldRefusalType[Refused], problem: Problem, *, fallback: str) -> Refused: ...


def refused_as(
    kind: RefusalType[Refused]
    | LocatedRefusalType[Refused]
    | ToldRefusalType[Refused]
    | ReasonedRefusalType[Refused, Reason],
    problem: Problem,
    *,
    fallback: str,
    sent_as: tuple[str, ...] | None = None,
    reasons_as: ReasonType[Reason] | None = None,
) -> Refused:
    """The one mapping from a service's problem document to a typed refusal. A refusal type shows what it
    declares of: ``message``, the problem's ``detail`` (or ``title``, or ``fallback``); ``code``, the last
    part of its ``type``; ``problems``, every listed reason located as :func:`field_problems` says; and
    ``reasons``, every listed reason unlocated, each made by ``reasons_as`` from its type and message."""
    shows = inspect.signature(kind).parameters
    facts: dict[str, object] = {"message": refusal_message(problem, fallback)}
    if "code" in shows:
        facts["code"] = refusal_code(problem)
    if "problems" in shows:
        facts["problems"] = field_problems(problem, sent_as=sent_as)
    if reasons_as is not None:
        facts["reasons"] = [reasons_as(type=e.type, message=e.msg) for e in problem.errors or []]
    return cast("_MadeOf[Refused]", kind)(**facts)


class _MadeOf(Protocol[Refused]):
    def __call__(self, **facts: object) -> Refused: ...


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

"""Answers to a questionnaire, as a participant gives their own and a rater theirs: what the app sends
(mirroring survey-svc's ResponseIn), the answers it reads back, and the results of saving or submitting."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Final, Literal, TypedDict, TypeVar

import strawberry
from strawberry.types.arguments import InputContext

from hlm_gateway.catalogue.types import Questionnaire, questionnaire_from
from hlm_gateway.problems import FieldProblem
from hlm_gateway.upstream.survey import AnswerIn, ResponseIn
from hlm_gateway.upstream.survey import QuestionnaireOut as SurveyQuestionnaire

# survey-svc's wire value for an item the rater could not observe.
NOT_OBSERVED: Final = "not_observed"


@strawberry.input(description="One item's answer: exactly one of a level (1 Essential ... 4 Exemplary) or notObserved.")
class AnswerInput:
    item_key: str
    level: int | None = None
    not_observed: bool = False


@strawberry.input(description="How important a dimension is for the participant's role, 1 to 4.")
class ImportanceInput:
    dimension_key: str
    rating: int


@strawberry.input
class CommentInput:
    dimension_key: str
    text: str


@strawberry.input(description="A whole response (to submit) or any part of one (a draft).")
class ResponseInput:
    answers: list[AnswerInput] = strawberry.field(default_factory=list)
    importance: list[ImportanceInput] = strawberry.field(default_factory=list)
    comments: list[CommentInput] = strawberry.field(default_factory=list)


class _AnswerValue(TypedDict):
    itemKey: str
    level: int | None
    notObserved: bool


class _ImportanceValue(TypedDict):
    dimensionKey: str
    rating: int


class _CommentValue(TypedDict):
    dimensionKey: str
    text: str


class _ResponseValue(TypedDict):
    """A ResponseInput as graphql-core coerced it: keyed by the schema's names, its defaults filled in."""

    answers: list[_AnswerValue]
    importance: list[_ImportanceValue]
    comments: list[_CommentValue]


def _response_input(cls: type[ResponseInput], value: _ResponseValue, context: InputContext) -> ResponseInput:
    """A ResponseInput from the value graphql-core coerced (its defaults filled in, every field and item of the
    type the schema says): built here rather than by strawberry, which works out each answer's type again
    for each of its fields, and took longer over a page's answers than all else a page saved did."""
    return cls(
        answers=[
            AnswerInput(item_key=a["itemKey"], level=a["level"], not_observed=a["notObserved"])
            for a in value["answers"]
        ],
        importance=[ImportanceInput(dimension_key=r["dimensionKey"], rating=r["rating"]) for r in value["importance"]],
        comments=[CommentInput(dimension_key=c["dimensionKey"], text=c["text"]) for c in value["comments"]],
    )


# strawberry's hook for an input type that builds its own value (StrawberryObjectDefinition.from_input).
ResponseInput.__strawberry_definition__.from_input = _response_input  # type: ignore[attr-defined]


@strawberry.type
class Answer:
    item_key: str
    level: int | None
    not_observed: bool


@strawberry.type
class ImportanceRating:
    dimension_key: str
    rating: int


@strawberry.type
class DimensionComment:
    dimension_key: str
    text: str


_Keyed = TypeVar("_Keyed")


def _only(items: list[_Keyed], keys: list[str] | None, key_of: Callable[[_Keyed], str]) -> list[_Keyed]:
    """``items`` whose key is one of ``keys``, in their order; all of them when no keys are given."""
    if keys is None:
        return items
    wanted = set(keys)
    return [item for item in items if key_of(item) in wanted]


def _answer(data: AnswerIn) -> Answer:
    # The level is a Level or survey-svc's NOT_OBSERVED, the only text it may be: a type test, not a
    # comparison, which pydantic's RootModel makes slow for every answer of a draft.
    level = data.level
    if isinstance(level, str):
        return Answer(item_key=data.item_key, level=None, not_observed=True)
    return Answer(item_key=data.item_key, level=level.root, not_observed=False)


@strawberry.type(
    description="Answers as they were saved (a draft) or submitted. Each list takes an optional filter, so a "
    "client showing one page of the questionnaire asks for that page's answers only (the items and the "
    "dimension it shows, from the questionnaire it holds), and one choosing the next page for which items are "
    "answered (answeredItemKeys) rather than every answer whole. A filter left out, or null, means everything."
)
class Response:
    # survey-svc's answers as it sent them (validated). Each list is filtered here, and only what is left is
    # made into the schema's objects and completed field by field: the cost of a GraphQL answer grows with
    # each object and field in it, and a page saved, which asks for the answered items' keys alone, would
    # otherwise make an object of every answer of the draft for nothing.
    saved: strawberry.Private[ResponseIn]

    @strawberry.field(
        description="The answers, in the order they were saved; with itemKeys, only the answers to those items "
        "(an item not answered, or not in the questionnaire, is simply absent)."
    )
    def answers(self, item_keys: list[str] | None = None) -> list[Answer]:
        return [_answer(a) for a in _only(self.saved.answers or [], item_keys, lambda a: a.item_key)]

    @strawberry.field(
        description="How important each dimension was rated; with dimensionKeys, only those dimensions' ratings."
    )
    def importance(self, dimension_keys: list[str] | None = None) -> list[ImportanceRating]:
        return [
            ImportanceRating(dimension_key=r.dimension_key, rating=r.rating)
            for r in _only(self.saved.importance or [], dimension_keys, lambda r: r.dimension_key)
        ]

    @strawberry.field(description="The comment on each dimension; with dimensionKeys, only those dimensions' comments.")
    def comments(self, dimension_keys: list[str] | None = None) -> list[DimensionComment]:
        return [
            DimensionComment(dimension_key=c.dimension_key, text=c.text)
            for c in _only(self.saved.comments or [], dimension_keys, lambda c: c.dimension_key)
        ]

    @strawberry.field(
        description="The keys of the items answered (a level or notObserved), in the order they were saved: with "
        "importance's dimensionKeys, enough to tell which dimensions are complete, without every answer's level."
    )
    def answered_item_keys(self) -> list[str]:
        return [a.item_key for a in self.saved.answers or []]


@strawberry.type
class ResponseSubmitted:
    submitted_at: datetime


@strawberry.type
class DraftSaved:
    saved_at: datetime


@strawberry.type(
    description="Nothing was stored. Each problem with the answers is listed, located in the response as the "
    'app sent it (e.g. ["response", "answers", "3", "itemKey"]); a response no longer accepted (already '
    "submitted, cycle closed) has a message alone."
)
class ResponseRejected:
    message: str
    problems: list[FieldProblem]


SubmitResponseResult = Annotated[ResponseSubmitted | ResponseRejected, strawberry.union("SubmitResponseResult")]
SaveDraftResult = Annotated[DraftSaved | ResponseRejected, strawberry.union("SaveDraftResult")]


class AnswerBody(TypedDict):
    """survey-svc's AnswerIn."""

    item_key: str
    level: int | Literal["not_observed"]


class ImportanceBody(TypedDict):
    """survey-svc's ImportanceIn."""

    dimension_key: str
    rating: int


class CommentBody(TypedDict):
    """survey-svc's CommentIn."""

    dimension_key: str
    text: str


class ResponseBody(TypedDict):
    """survey-svc's ResponseIn, as the gateway sends it (every list given)."""

    answers: list[AnswerBody]
    importance: list[ImportanceBody]
    comments: list[CommentBody]


def response_body(response: ResponseInput) -> ResponseBody | ResponseRejected:
    """survey-svc's ResponseIn, or the refusal when an answer gives both or neither of level and
    notObserved (which GraphQL's types cannot say)."""
    problems = [
        FieldProblem(
            location=["response", "answers", str(n)],
            message=f"item {answer.item_key!r} needs exactly one of level or notObserved",
            type="level_or_not_observed",
        )
        for n, answer in enumerate(response.answers)
        if (answer.level is None) != answer.not_observed
    ]
    if problems:
        return ResponseRejected(message=f"{len(problems)} problem(s) with the answers", problems=problems)
    return {
        "answers": [
            {"item_key": a.item_key, "level": NOT_OBSERVED if a.level is None else a.level} for a in response.answers
        ],
        "importance": [{"dimension_key": r.dimension_key, "rating": r.rating} for r in response.importance],
        "comments": [{"dimension_key": c.dimension_key, "text": c.text} for c in response.comments],
    }


def response_from(data: ResponseIn) -> Response:
    return Response(saved=data)


def answered_questionnaire_from(data: SurveyQuestionnaire) -> Questionnaire:
    """The questionnaire a cycle is pinned to, as survey-svc keeps it."""
    return questionnaire_from(data)

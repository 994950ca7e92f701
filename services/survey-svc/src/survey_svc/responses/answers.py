"""Checking answers against the questionnaire a cycle is pinned to."""

from __future__ import annotations

from collections import Counter
from typing import Any

from hlm_contracts import QuestionnairePublishedV1
from hlm_kit.errors import FieldError, UnprocessableContent
from survey_svc.responses.schemas import NOT_OBSERVED, ResponseIn


def check(questionnaire: QuestionnairePublishedV1, body: ResponseIn, *, complete: bool) -> None:
    """Raise 422 listing every problem: items or dimensions the questionnaire does not have, an item
    or dimension given twice, "not observed" where the questionnaire has no such answer and, when
    ``complete``, every item and importance rating that is missing."""
    items = {item.key for item in questionnaire.items}
    dimensions = {d.key for d in questionnaire.dimensions}
    errors: list[FieldError] = []

    def error(loc: list[str | int], msg: str, type: str) -> None:
        errors.append(FieldError(loc=["body", *loc], msg=msg, type=type))

    for i, answer in enumerate(body.answers):
        if answer.item_key not in items:
            error(["answers", i, "item_key"], f"the questionnaire has no item {answer.item_key!r}", "unknown_item")
        if answer.level == NOT_OBSERVED and questionnaire.not_observed_label is None:
            error(["answers", i, "level"], "this questionnaire asks for a level on every item", "not_observed")
    for field, keys in (
        ("importance", [r.dimension_key for r in body.importance]),
        ("comments", [c.dimension_key for c in body.comments]),
    ):
        for i, key in enumerate(keys):
            if key not in dimensions:
                error([field, i, "dimension_key"], f"the questionnaire has no dimension {key!r}", "unknown_dimension")
    for field, key_name, keys in (
        ("answers", "item_key", [a.item_key for a in body.answers]),
        ("importance", "dimension_key", [r.dimension_key for r in body.importance]),
        ("comments", "dimension_key", [c.dimension_key for c in body.comments]),
    ):
        repeated = {key for key, n in Counter(keys).items() if n > 1}
        seen: set[str] = set()
        for i, key in enumerate(keys):
            if key in repeated and key in seen:
                error([field, i, key_name], f"{key!r} is given more than once", "duplicate")
            seen.add(key)
    if complete:
        answered = {a.item_key for a in body.answers}
        for item in questionnaire.items:
            if item.key not in answered:
                error(["answers"], f"item {item.key!r} has no answer", "missing_answer")
        rated = {r.dimension_key for r in body.importance}
        for dimension in questionnaire.dimensions:
            if dimension.key not in rated:
                error(["importance"], f"dimension {dimension.key!r} has no importance rating", "missing_importance")
    if errors:
        raise UnprocessableContent(f"{len(errors)} problem(s) with the answers", errors=errors)


def stored_parts(body: ResponseIn) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """The answers as the response.submitted event carries them (``level`` null when not observed).
    ``body`` is already validated, so plain dicts are built here rather than a model per answer."""
    answers = [{"item_key": a.item_key, "level": None if a.level == NOT_OBSERVED else a.level} for a in body.answers]
    importance = [{"dimension_key": r.dimension_key, "rating": r.rating} for r in body.importance]
    comments = [{"dimension_key": c.dimension_key, "text": c.text} for c in body.comments]
    return answers, importance, comments


def as_input(
    answers: list[dict[str, Any]], importance: list[dict[str, Any]], comments: list[dict[str, Any]]
) -> ResponseIn:
    """A stored response in the form the API takes and returns."""
    return ResponseIn.model_validate(
        {
            "answers": [
                {"item_key": a["item_key"], "level": NOT_OBSERVED if a["level"] is None else a["level"]}
                for a in answers
            ],
            "importance": importance,
            "comments": comments,
        }
    )

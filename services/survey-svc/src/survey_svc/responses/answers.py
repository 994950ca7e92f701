"""Checking answers against the questionnaire a cycle is pinned to."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from hlm_contracts import QuestionnairePublishedV1
from hlm_kit.errors import FieldError, UnprocessableContent
from survey_svc.responses.schemas import NOT_OBSERVED, PlainResponse, ResponseIn


@dataclass(frozen=True)
class AnswerKeys:
    """What answers are checked against: a published questionnaire's item and dimension keys, in its
    order and as sets. Made once per questionnaire (``questionnaire_service.answer_keys``): a published
    one never changes."""

    items: tuple[str, ...]
    dimensions: tuple[str, ...]
    item_set: frozenset[str]
    dimension_set: frozenset[str]
    not_observed: bool  # whether "not observed" is an answer
    # Each dimension's items: a page of the questionnaire, as a rater's page sent is checked and merged.
    items_of: Mapping[str, frozenset[str]]

    @classmethod
    def of(cls, questionnaire: QuestionnairePublishedV1) -> AnswerKeys:
        items = tuple(item.key for item in questionnaire.items)
        dimensions = tuple(d.key for d in questionnaire.dimensions)
        not_observed = questionnaire.not_observed_label is not None
        items_of = {
            dimension: frozenset(item.key for item in questionnaire.items if item.dimension_key == dimension)
            for dimension in dimensions
        }
        return cls(items, dimensions, frozenset(items), frozenset(dimensions), not_observed, items_of)


def check(keys: AnswerKeys, body: ResponseIn, *, complete: bool) -> None:
    """Raise 422 listing every problem: items or dimensions the questionnaire does not have, an item
    or dimension given twice, "not observed" where the questionnaire has no such answer and, when
    ``complete``, every item and importance rating that is missing."""
    _check(
        keys,
        GivenKeys.read(
            [a.item_key for a in body.answers],
            [i for i, a in enumerate(body.answers) if a.level == NOT_OBSERVED],
            [r.dimension_key for r in body.importance],
            [c.dimension_key for c in body.comments],
        ),
        complete=complete,
    )


@dataclass(frozen=True, slots=True)
class GivenKeys:
    """The keys a response gives, read once for the checks: the items answered, importance rated and
    dimensions commented, in order and as sets, whether each is given once, and the positions of the
    answers "not observed"."""

    answered: list[str]
    rated: list[str]
    commented: list[str]
    unobserved: list[int]
    items: frozenset[str]
    rated_set: frozenset[str]
    commented_set: frozenset[str]

    @classmethod
    def read(cls, answered: list[str], unobserved: list[int], rated: list[str], commented: list[str]) -> GivenKeys:
        return cls(answered, rated, commented, unobserved, frozenset(answered), frozenset(rated), frozenset(commented))

    @classmethod
    def of(cls, body: PlainResponse) -> GivenKeys:
        """Of a whole response validated into plain dicts (``hlm_kit.json_body.PlainJsonBody``)."""
        answers = body["answers"]
        return cls.read(
            [a["item_key"] for a in answers],
            [i for i, a in enumerate(answers) if a["level"] == NOT_OBSERVED],
            [r["dimension_key"] for r in body["importance"]],
            [c["dimension_key"] for c in body["comments"]],
        )

    def are_right_for(self, keys: AnswerKeys, *, complete: bool) -> bool:
        """Whether these keys answer ``keys``'s questionnaire rightly (completely, when ``complete``): the one
        test of a right body, which ``check`` passes without looking for problems and a rater's submit asks
        before it stores."""
        return (
            len(self.items) == len(self.answered)
            and len(self.rated_set) == len(self.rated)
            and len(self.commented_set) == len(self.commented)
            and self.items <= keys.item_set
            and self.rated_set <= keys.dimension_set
            and self.commented_set <= keys.dimension_set
            and (keys.not_observed or not self.unobserved)
            and (not complete or (len(self.items) == len(keys.items) and len(self.rated_set) == len(keys.dimensions)))
        )


def complete_for(known: Mapping[UUID, AnswerKeys], given: GivenKeys) -> list[UUID]:
    """Those of the questionnaires ``known`` that ``given`` answers completely and rightly: the ones
    ``check(keys, body, complete=True)`` passes."""
    return [id for id, keys in known.items() if given.are_right_for(keys, complete=True)]


def _check(keys: AnswerKeys, given: GivenKeys, *, complete: bool) -> None:
    """``check`` of the keys a response gives."""
    # A response as a rater's page sends it is right; tell that in a few set operations, and look for
    # each problem only when there is one.
    if given.are_right_for(keys, complete=complete):
        return
    answered, rated, commented = given.answered, given.rated, given.commented
    answered_set, rated_set = given.items, given.rated_set
    errors: list[FieldError] = []

    def error(loc: list[str | int], msg: str, type: str) -> None:
        errors.append(FieldError(loc=["body", *loc], msg=msg, type=type))

    not_observed_at = set(given.unobserved)
    for i, item_key in enumerate(answered):
        if item_key not in keys.item_set:
            error(["answers", i, "item_key"], f"the questionnaire has no item {item_key!r}", "unknown_item")
        if i in not_observed_at and not keys.not_observed:
            error(["answers", i, "level"], "this questionnaire asks for a level on every item", "not_observed")
    for field, listed in (("importance", rated), ("comments", commented)):
        for i, key in enumerate(listed):
            if key not in keys.dimension_set:
                error([field, i, "dimension_key"], f"the questionnaire has no dimension {key!r}", "unknown_dimension")
    for field, key_name, listed in (
        ("answers", "item_key", answered),
        ("importance", "dimension_key", rated),
        ("comments", "dimension_key", commented),
    ):
        repeated = {key for key, n in Counter(listed).items() if n > 1}
        seen: set[str] = set()
        for i, key in enumerate(listed):
            if key in repeated and key in seen:
                error([field, i, key_name], f"{key!r} is given more than once", "duplicate")
            seen.add(key)
    if complete:
        for item in keys.items:
            if item not in answered_set:
                error(["answers"], f"item {item!r} has no answer", "missing_answer")
        for dimension in keys.dimensions:
            if dimension not in rated_set:
                error(["importance"], f"dimension {dimension!r} has no importance rating", "missing_importance")
    if errors:
        raise UnprocessableContent(f"{len(errors)} problem(s) with the answers", errors=errors)


def check_page(keys: AnswerKeys, dimension_key: str, body: ResponseIn) -> None:
    """Raise 422 listing every part of ``body`` that is not dimension ``dimension_key``'s (an item of
    another dimension, another dimension's importance or comment), or when the questionnaire has no such
    dimension."""
    items = keys.items_of.get(dimension_key)
    if items is None:
        raise UnprocessableContent(
            f"the questionnaire has no dimension {dimension_key!r}",
            errors=[FieldError(loc=["path", "dimension_key"], msg="no such dimension", type="unknown_dimension")],
        )
    errors = [
        FieldError(loc=["body", "answers", i, "item_key"], msg=f"not an item of {dimension_key!r}", type="other_page")
        for i, answer in enumerate(body.answers)
        if answer.item_key not in items
    ]
    for field, given in (
        ("importance", [r.dimension_key for r in body.importance]),
        ("comments", [c.dimension_key for c in body.comments]),
    ):
        errors += [
            FieldError(loc=["body", field, i, "dimension_key"], msg=f"not {dimension_key!r}", type="other_page")
            for i, key in enumerate(given)
            if key != dimension_key
        ]
    if errors:
        raise UnprocessableContent(f"{len(errors)} problem(s) with the answers", errors=errors)


def replace_page(keys: AnswerKeys, dimension_key: str, draft: ResponseIn | None, page: ResponseIn) -> ResponseIn:
    """``draft`` with what it held for dimension ``dimension_key`` (one of ``keys``' dimensions) replaced by
    ``page``."""
    items = keys.items_of[dimension_key]
    kept = draft or ResponseIn()
    return ResponseIn(
        answers=[a for a in kept.answers if a.item_key not in items] + page.answers,
        importance=[r for r in kept.importance if r.dimension_key != dimension_key] + page.importance,
        comments=[c for c in kept.comments if c.dimension_key != dimension_key] + page.comments,
    )


def stored_parts(body: ResponseIn) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """The answers as the response.submitted event carries them (``level`` null when not observed).
    ``body`` is already validated, so plain dicts are built here rather than a model per answer."""
    answers = [{"item_key": a.item_key, "level": None if a.level == NOT_OBSERVED else a.level} for a in body.answers]
    importance = [{"dimension_key": r.dimension_key, "rating": r.rating} for r in body.importance]
    comments = [{"dimension_key": c.dimension_key, "text": c.text} for c in body.comments]
    return answers, importance, comments


def plain_stored_parts(
    body: PlainResponse, unobserved: list[int]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """``stored_parts`` of a body validated into plain dicts, whose answers at ``unobserved`` are "not
    observed": its own dicts, those answers' replaced (the body itself is left as it was)."""
    answers = body["answers"]
    if unobserved:
        answers = list(answers)
        for i in unobserved:
            answers[i] = {"item_key": answers[i]["item_key"], "level": None}
    return answers, body["importance"], body["comments"]


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

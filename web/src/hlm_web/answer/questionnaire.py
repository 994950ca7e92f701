"""The questionnaire a rater's link opens and their answers so far, as the pages need them.

The gateway keeps the draft; these types read it, merge one page's answers into it, and write it back
whole (saving a draft replaces the previous one)."""

from __future__ import annotations

import functools
import hashlib
import math
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any
from zoneinfo import ZoneInfo

NOT_OBSERVED = "not-observed"
# Closing dates are shown as the raters' clocks read them.
UK = ZoneInfo("Europe/London")
# A considered answer to one statement, from the time raters take over paper versions of such forms.
SECONDS_PER_STATEMENT = 20


@dataclass(frozen=True)
class ScalePoint:
    value: int
    label: str


@dataclass(frozen=True)
class Item:
    key: str
    text: str

    @property
    def field(self) -> str:
        """The form field of this statement's radios; also the id the error summary links to."""
        return f"item-{self.key}"


@dataclass(frozen=True)
class Dimension:
    key: str
    name: str
    items: tuple[Item, ...]
    importance_question: str

    @property
    def slug(self) -> str:
        """The dimension's part of the page URL: its key, hyphenated as URLs are."""
        return self.key.replace("_", "-")

    @functools.cached_property
    def item_keys(self) -> frozenset[str]:
        """Its statements' keys, as a set made once: a page sent tests every dimension for completeness."""
        return frozenset(item.key for item in self.items)


@dataclass(frozen=True)
class Questionnaire:
    instructions: str
    dimensions: tuple[Dimension, ...]
    performance_scale: tuple[ScalePoint, ...]
    importance_scale: tuple[ScalePoint, ...]
    not_observed_label: str

    @functools.cached_property
    def _hash(self) -> int:
        return hash(
            (self.instructions, self.dimensions, self.performance_scale, self.importance_scale, self.not_observed_label)
        )

    def __hash__(self) -> int:
        # Worked out once: a page's fragments are kept by their questionnaire (templating.FragmentCache), and
        # hashing its statements afresh on every page would cost more than the lookup saves.
        return self._hash

    @classmethod
    def from_graphql(cls, data: Mapping[str, Any]) -> Questionnaire:
        questions = {q["dimensionKey"]: q["text"] for q in data["importanceQuestions"]}
        items = sorted(data["items"], key=lambda i: i["position"])
        dimensions = tuple(
            Dimension(
                key=d["key"],
                name=d["name"],
                items=tuple(Item(i["key"], i["text"]) for i in items if i["dimensionKey"] == d["key"]),
                importance_question=questions.get(d["key"], f"How important is {d['name'].lower()} to their role?"),
            )
            for d in sorted(data["dimensions"], key=lambda d: d["position"])
        )
        return cls(
            instructions=data["instructions"],
            dimensions=dimensions,
            performance_scale=tuple(ScalePoint(p["value"], p["label"]) for p in data["performanceScale"]),
            importance_scale=tuple(ScalePoint(p["value"], p["label"]) for p in data["importanceScale"]),
            not_observed_label=data.get("notObservedLabel") or "Not observed",
        )

    @functools.cached_property
    def _by_slug(self) -> dict[str, Dimension]:
        return {d.slug: d for d in reversed(self.dimensions)}  # the first of any two alike, as before

    def dimension(self, slug: str) -> Dimension | None:
        # Asked several times a page (the route, the page's questions): one lookup, not a walk over the
        # dimensions making each one's slug.
        return self._by_slug.get(slug)

    @functools.cached_property
    def _positions(self) -> dict[str, int]:
        positions: dict[str, int] = {}
        for number, dimension in enumerate(self.dimensions):
            positions.setdefault(dimension.key, number)
        return positions

    def position(self, dimension: Dimension) -> int:
        """Where ``dimension`` is among the dimensions, as ``dimensions.index`` finds it: found by its key,
        rather than compared field by field with each dimension before it, several times a page."""
        number = self._positions.get(dimension.key)
        if number is not None and (self.dimensions[number] is dimension or self.dimensions[number] == dimension):
            return number
        return self.dimensions.index(dimension)

    def after(self, dimension: Dimension) -> Dimension | None:
        index = self.position(dimension)
        return self.dimensions[index + 1] if index + 1 < len(self.dimensions) else None

    def before(self, dimension: Dimension) -> Dimension | None:
        index = self.position(dimension)
        return self.dimensions[index - 1] if index > 0 else None

    @property
    def minutes(self) -> int:
        """About how long the whole questionnaire takes, rounded up to five minutes."""
        statements = sum(len(d.items) for d in self.dimensions)
        return max(5, math.ceil(statements * SECONDS_PER_STATEMENT / 60 / 5) * 5)

    def level_label(self, value: int | str | None) -> str:
        if value == NOT_OBSERVED:
            return self.not_observed_label
        return next((p.label for p in self.performance_scale if p.value == value), "")

    def importance_label(self, value: int | None) -> str:
        return next((p.label for p in self.importance_scale if p.value == value), "")


class Status(Enum):
    NOT_STARTED = "Not yet started"
    IN_PROGRESS = "In progress"
    COMPLETED = "Completed"


@dataclass
class Answers:
    """A rater's answers: a level (1-4) or NOT_OBSERVED per statement, importance and a comment per dimension."""

    levels: dict[str, int | str] = field(default_factory=dict)
    importance: dict[str, int] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_graphql(cls, draft: Mapping[str, Any] | None) -> Answers:
        if not draft:
            return cls()
        levels: dict[str, int | str] = {}
        for answer in draft["answers"]:
            if answer["notObserved"]:
                levels[answer["itemKey"]] = NOT_OBSERVED
            elif answer["level"] is not None:
                levels[answer["itemKey"]] = answer["level"]
        return cls(
            levels=levels,
            importance={i["dimensionKey"]: i["rating"] for i in draft["importance"]},
            comments={c["dimensionKey"]: c["text"] for c in draft["comments"] if c["text"]},
        )

    def as_input(self) -> dict[str, Any]:
        """The gateway's ResponseInput."""
        return {
            "answers": [
                {"itemKey": key, "notObserved": True} if value == NOT_OBSERVED else {"itemKey": key, "level": value}
                for key, value in self.levels.items()
            ],
            "importance": [{"dimensionKey": key, "rating": rating} for key, rating in self.importance.items()],
            "comments": [{"dimensionKey": key, "text": text} for key, text in self.comments.items() if text.strip()],
        }

    def status(self, dimension: Dimension) -> Status:
        answered = sum(item.key in self.levels for item in dimension.items) + (dimension.key in self.importance)
        if answered == 0 and dimension.key not in self.comments:
            return Status.NOT_STARTED
        return Status.COMPLETED if answered == len(dimension.items) + 1 else Status.IN_PROGRESS

    def is_complete(self, questionnaire: Questionnaire) -> bool:
        return all(self.status(d) is Status.COMPLETED for d in questionnaire.dimensions)

    def first_unfinished(self, questionnaire: Questionnaire) -> Dimension | None:
        return next((d for d in questionnaire.dimensions if self.status(d) is not Status.COMPLETED), None)

    def next_unfinished(self, questionnaire: Questionnaire, *, after: Dimension) -> Dimension | None:
        """The next dimension not yet complete after ``after``, going round to the first ones."""
        return next((d for d in _round_after(questionnaire, after) if self.status(d) is not Status.COMPLETED), None)

    def replace_page(self, dimension: Dimension, page: PageAnswers) -> None:
        """Put one page's answers in place of what the draft held for that dimension."""
        for item in dimension.items:
            self.levels.pop(item.key, None)
        self.levels.update(page.levels)
        self.importance.pop(dimension.key, None)
        if page.importance is not None:
            self.importance[dimension.key] = page.importance
        self.comments.pop(dimension.key, None)
        if page.comment:
            self.comments[dimension.key] = page.comment


def _round_after(questionnaire: Questionnaire, after: Dimension) -> tuple[Dimension, ...]:
    index = questionnaire.position(after)
    return questionnaire.dimensions[index + 1 :] + questionnaire.dimensions[: index + 1]


@dataclass(frozen=True)
class Progress:
    """Which statements are answered and which dimensions' importance is rated: what tells a dimension
    complete (as ``Answers.status`` does), all a saved page needs to choose the next one, read from the
    draft's ``answeredItemKeys`` and ``importance { dimensionKey }`` rather than every answer whole."""

    answered: frozenset[str]
    rated: frozenset[str]

    @classmethod
    def from_graphql(cls, draft: Mapping[str, Any]) -> Progress:
        return cls(frozenset(draft["answeredItemKeys"]), frozenset(i["dimensionKey"] for i in draft["importance"]))

    def is_complete(self, dimension: Dimension) -> bool:
        return dimension.key in self.rated and dimension.item_keys <= self.answered

    def next_unfinished(self, questionnaire: Questionnaire, *, after: Dimension) -> Dimension | None:
        """The next dimension not yet complete after ``after``, going round to the first ones."""
        return next((d for d in _round_after(questionnaire, after) if not self.is_complete(d)), None)


@dataclass
class PageAnswers:
    """What one dimension's page sent, and what is missing from it."""

    levels: dict[str, int | str]
    importance: int | None
    comment: str
    # (field, message) in the order of the page, for the error summary and each field's message.
    errors: list[tuple[str, str]]

    @classmethod
    def read(cls, questionnaire: Questionnaire, dimension: Dimension, form: Mapping[str, Any]) -> PageAnswers:
        levels: dict[str, int | str] = {}
        errors: list[tuple[str, str]] = []
        allowed = {str(p.value): p.value for p in questionnaire.performance_scale}
        for number, item in enumerate(dimension.items, start=1):
            raw = form.get(item.field)
            if raw == NOT_OBSERVED:
                levels[item.key] = NOT_OBSERVED
            elif isinstance(raw, str) and raw in allowed:
                levels[item.key] = allowed[raw]
            else:
                errors.append(
                    (
                        item.field,
                        f"Select an answer to statement {number}, or {questionnaire.not_observed_label.lower()}",
                    )
                )
        importance_allowed = {str(p.value): p.value for p in questionnaire.importance_scale}
        raw_importance = form.get("importance")
        importance = importance_allowed.get(raw_importance) if isinstance(raw_importance, str) else None
        if importance is None:
            errors.append(("importance", f"Select how important {dimension.name.lower()} is to their role"))
        comment = form.get("comment")
        return cls(levels, importance, comment.strip() if isinstance(comment, str) else "", errors)

    @property
    def error_for(self) -> dict[str, str]:
        return dict(self.errors)

    def as_input(self, dimension: Dimension) -> dict[str, Any]:
        """The gateway's ResponseInput holding this page alone (``saveInvitationPage``)."""
        importance = {dimension.key: self.importance} if self.importance is not None else {}
        comments = {dimension.key: self.comment} if self.comment else {}
        return Answers(levels=dict(self.levels), importance=importance, comments=comments).as_input()


class KnownQuestionnaires:
    """The questionnaire behind each link this process has opened lately, parsed once per questionnaire.

    A published questionnaire never changes and an invitation stays pinned to the one it was opened with,
    so a page needs the gateway only for what does change (the invitation's state and draft). Whether the
    link still opens anything is asked of the gateway on every page as before; this only spares sending,
    executing and parsing the same statements again. Links are kept as digests of their tokens, never the
    tokens themselves; both maps are bounded, least recently used first out."""

    def __init__(self, *, links: int = 4096, questionnaires: int = 64) -> None:
        self._links: OrderedDict[bytes, Questionnaire] = OrderedDict()
        self._parsed: OrderedDict[str, Questionnaire] = OrderedDict()
        self._max_links, self._max_questionnaires = links, questionnaires

    @staticmethod
    def _digest(token: str) -> bytes:
        return hashlib.sha256(token.encode()).digest()

    def for_link(self, token: str) -> Questionnaire | None:
        key = self._digest(token)
        questionnaire = self._links.get(key)
        if questionnaire is not None:
            self._links.move_to_end(key)
        return questionnaire

    def remember_known(self, token: str, questionnaire_id: str | None) -> Questionnaire | None:
        """The questionnaire ``questionnaire_id`` when it is parsed already (another link opened on it), now
        kept for ``token``'s link too; None when it is not."""
        if questionnaire_id is None or (questionnaire := self._parsed.get(questionnaire_id)) is None:
            return None
        self._parsed.move_to_end(questionnaire_id)
        self._keep(token, questionnaire)
        return questionnaire

    def remember(self, token: str, data: Mapping[str, Any]) -> Questionnaire:
        """The questionnaire the gateway sent for ``token``'s link, parsed (once per questionnaire id)."""
        questionnaire = self._parsed.get(data["id"])
        if questionnaire is None:
            questionnaire = Questionnaire.from_graphql(data)
            self._parsed[data["id"]] = questionnaire
            if len(self._parsed) > self._max_questionnaires:
                self._parsed.popitem(last=False)
        self._keep(token, questionnaire)
        return questionnaire

    def _keep(self, token: str, questionnaire: Questionnaire) -> None:
        self._links[self._digest(token)] = questionnaire
        if len(self._links) > self._max_links:
            self._links.popitem(last=False)


@functools.lru_cache(maxsize=1024)
def closing_date(closes_at: str | None) -> str | None:
    """The closing date as a person reads it: 18 December 2026. Kept per value: every page of a rater's
    link shows it, and a cycle's raters share one."""
    if not closes_at:
        return None
    moment = datetime.fromisoformat(closes_at).astimezone(UK)
    return f"{moment.day} {moment:%B %Y}"

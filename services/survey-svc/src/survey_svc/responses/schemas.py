"""Answers as raters and participants send them: a level 1-4 or ``not_observed`` per item, an
importance rating 1-4 per dimension, and optional comments per dimension."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StringConstraints

from hlm_contracts.base import Key

NOT_OBSERVED = "not_observed"
Level = Annotated[StrictInt, Field(ge=1, le=4)] | Literal["not_observed"]
CommentText = Annotated[str, StringConstraints(min_length=1, max_length=5000, pattern=r"\S")]


class AnswerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    item_key: Key
    level: Level = Field(description='1 Essential ... 4 Exemplary, or "not_observed"')


class ImportanceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dimension_key: Key
    rating: Annotated[StrictInt, Field(ge=1, le=4)]


class CommentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dimension_key: Key
    text: CommentText


class ResponseIn(BaseModel):
    """A whole response (to submit) or part of one (a draft)."""

    model_config = ConfigDict(extra="forbid")

    answers: list[AnswerIn] = Field(default_factory=list, max_length=500)
    importance: list[ImportanceIn] = Field(default_factory=list, max_length=100)
    comments: list[CommentIn] = Field(default_factory=list, max_length=100)


PlainResponse = dict[str, list[dict[str, Any]]]
"""A ``ResponseIn`` validated into plain dicts (``hlm_kit.json_body.PlainJsonBody``), for the submit."""


class DraftSaved(BaseModel):
    saved_at: datetime


class Submitted(BaseModel):
    submitted_at: datetime

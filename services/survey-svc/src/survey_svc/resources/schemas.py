from __future__ import annotations

from pydantic import BaseModel, Field


class LinkedResource(BaseModel):
    """A published development resource, as the journal points to it beside a dimension."""

    key: str
    title: str
    kind: str = Field(description="reading, e_learning, course, programme, coaching, mentoring or tool")
    link: str | None = Field(description="Where to find it, when it is online.")

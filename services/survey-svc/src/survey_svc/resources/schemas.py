from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class LinkedResource(BaseModel):
    """A published development resource, as the journal points to it beside a dimension."""

    key: str
    title: str
    kind: str = Field(description="reading, e_learning, course, programme, coaching, mentoring or tool")
    link: str | None = Field(description="Where to find it, when it is online.")


class SavedResource(BaseModel):
    """A development resource the author saved to a goal."""

    key: str
    title: str = Field(description="Its title now; for a retired resource, the title it had when it was saved.")
    kind: str = Field(description="reading, e_learning, course, programme, coaching, mentoring or tool")
    link: str | None = Field(description="Where to find it, when it is online; none once it is retired.")
    status: Literal["published", "retired"] = Field(
        description="retired: no longer published (it stays on the goal until its author removes it)."
    )
    saved_at: datetime

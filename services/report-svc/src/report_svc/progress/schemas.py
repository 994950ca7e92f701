from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel


class ProgressOut(BaseModel):
    """A participant's progress between two released reports on the same framework.

    ``content`` holds ``then`` and ``now`` (each cycle's questionnaire, dates and shown groups),
    ``groups`` (the rater groups shown on their own in either cycle) and ``dimensions``: per dimension
    ``self``, ``others`` and ``groups`` (by rater group), each ``{"then", "now", "change"}``, where
    ``then`` and ``now`` are that cycle's published figure (``score``, ``level``, and ``n`` for raters)
    or null where that cycle does not publish it, and ``change`` is now minus then where both do.
    """

    report_id: uuid.UUID
    since_report_id: uuid.UUID
    participant_id: str
    content: dict[str, Any]

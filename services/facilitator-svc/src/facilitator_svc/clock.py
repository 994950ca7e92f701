"""The current time as a request dependency, so every rule that depends on "now" reads one value and
tests can set it (a session can only be completed after it started; a hold expires)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends


def current_time() -> datetime:
    return datetime.now(UTC)


Now = Annotated[datetime, Depends(current_time)]

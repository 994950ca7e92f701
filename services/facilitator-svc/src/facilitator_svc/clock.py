"""The current time as a request dependency, so every rule that depends on "now" reads one value and
tests can set it (a session can only be completed after it started; a hold expires)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends


def utc_now() -> datetime:
    return datetime.now(UTC)


async def current_time() -> datetime:
    """The request's "now". Async so that FastAPI calls it on the event loop: a plain function
    dependency would be sent to the thread pool, a hand-off that costs more than reading the clock."""
    return utc_now()


Now = Annotated[datetime, Depends(current_time)]

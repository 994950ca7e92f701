"""Slowing down anyone who guesses rater tokens.

Failed look-ups are counted per client address in fixed windows, in Postgres rather than in the
process: every replica sees the same count, so spreading guesses over replicas gains nothing, and a
restart does not reset it. Only failures count, so raters opening their own link are never slowed;
once an address has failed too often in the current window, every token request from it is refused
with 429 until the window ends, valid or not, so a guesser cannot keep trying. A 256-bit token cannot
be found by guessing anyway; the limit keeps such attempts from loading the service. The address is
kept only as a hash, and windows older than a day are deleted by the housekeeping task.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import HTTPException
from sqlalchemy import ScalarSelect
from sqlalchemy.ext.asyncio import AsyncSession

from hlm_kit.db import keep
from survey_svc.config import Settings
from survey_svc.invitations.repository import TokenFailureRepository


def client_hash(address: str) -> bytes:
    return hashlib.sha256(address.encode()).digest()


def _window(settings: Settings, now: datetime) -> tuple[datetime, datetime]:
    size = settings.token_failure_window_s
    start = datetime.fromtimestamp(int(now.timestamp()) // size * size, UTC)
    return start, start + timedelta(seconds=size)


async def ensure_allowed(session: AsyncSession, client: bytes, settings: Settings) -> None:
    """429 (with Retry-After) when ``client`` has failed too often in the current window."""
    start, _ = _window(settings, datetime.now(UTC))
    ensure_below_limit(await TokenFailureRepository(session).failures(client, start), settings)


def failures_query(client: bytes, settings: Settings) -> tuple[ScalarSelect[int], dict[str, Any]]:
    """``client``'s failures in the current window, to read in the same statement as the link (one round
    trip for a rater opening their own link): the subquery and its parameters. Give what it read to
    ``ensure_below_limit``."""
    start, _ = _window(settings, datetime.now(UTC))
    return TokenFailureRepository.failures_query(client, start)


def seconds_left_in_window(settings: Settings) -> float:
    """How long the current window has to run; its count starts again from nothing after that."""
    now = datetime.now(UTC)
    _, end = _window(settings, now)
    return (end - now).total_seconds()


def ensure_below_limit(failures: int | None, settings: Settings) -> None:
    """429 (with Retry-After) when ``failures`` in the current window reach the limit."""
    if (failures or 0) >= settings.token_failures_per_window:
        retry_after = max(1, int(seconds_left_in_window(settings)) + 1)
        raise HTTPException(
            status_code=429,
            detail="too many invalid invitation links from this address; try again later",
            headers={"Retry-After": str(retry_after)},
        )


def record_failure(session: AsyncSession, client: bytes, settings: Settings) -> None:
    """Count one failed look-up, kept past the request's rollback (``hlm_kit.db.keep``): the request that
    failed answers with an error and keeps none of its own writes, but the count must stay or a guesser is
    never slowed."""
    start, _ = _window(settings, datetime.now(UTC))
    keep(session, lambda own: TokenFailureRepository(own).count(client, start))


async def forget_old_windows(session: AsyncSession) -> None:
    await TokenFailureRepository(session).forget_older_than(timedelta(days=1))

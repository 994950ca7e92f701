"""The ``Idempotency-Key`` header of writes a client may retry (bookings, allocations)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        description="Repeat the request with the same key to get the first answer again instead of a second booking.",
    ),
]

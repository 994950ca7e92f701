"""Saving and submitting a response, the same way for a participant's own answers and a rater's."""

from __future__ import annotations

from datetime import datetime

from hlm_gateway.responses.types import (
    DraftSaved,
    ResponseInput,
    ResponseRejected,
    ResponseSubmitted,
    rejected_from,
    response_body,
)
from hlm_gateway.upstream import Upstream


async def save_draft(upstream: Upstream, path: str, response: ResponseInput) -> DraftSaved | ResponseRejected:
    """PUT the draft whole; a refusal (422 problems, 409 no longer accepted) stores nothing."""
    body = response_body(response)
    if isinstance(body, ResponseRejected):
        return body
    status, result = await upstream.send_outcome("PUT", path, body)
    return DraftSaved(saved_at=datetime.fromisoformat(result["saved_at"])) if status < 400 else rejected_from(result)


async def submit(upstream: Upstream, path: str, response: ResponseInput) -> ResponseSubmitted | ResponseRejected:
    """POST the whole response, once; a refusal stores nothing."""
    body = response_body(response)
    if isinstance(body, ResponseRejected):
        return body
    status, result = await upstream.send_outcome("POST", path, body)
    if status >= 400:
        return rejected_from(result)
    return ResponseSubmitted(submitted_at=datetime.fromisoformat(result["submitted_at"]))

"""Saving and submitting a response, the same way for a participant's own answers and a rater's."""

from __future__ import annotations

from hlm_gateway.responses.types import (
    DraftSaved,
    ResponseInput,
    ResponseRejected,
    ResponseSubmitted,
    rejected_from,
    response_body,
)
from hlm_gateway.upstream import Refusal, Upstream
from hlm_gateway.upstream.survey import DraftSaved as DraftSavedOut
from hlm_gateway.upstream.survey import Submitted


async def save_draft(upstream: Upstream, path: str, response: ResponseInput) -> DraftSaved | ResponseRejected:
    """PUT the draft whole; a refusal (422 problems, 409 no longer accepted) stores nothing."""
    body = response_body(response)
    if isinstance(body, ResponseRejected):
        return body
    result = await upstream.send_outcome("PUT", path, DraftSavedOut, body)
    return rejected_from(result.problem) if isinstance(result, Refusal) else DraftSaved(saved_at=result.saved_at)


async def submit(upstream: Upstream, path: str, response: ResponseInput) -> ResponseSubmitted | ResponseRejected:
    """POST the whole response, once; a refusal stores nothing."""
    body = response_body(response)
    if isinstance(body, ResponseRejected):
        return body
    result = await upstream.send_outcome("POST", path, Submitted, body)
    if isinstance(result, Refusal):
        return rejected_from(result.problem)
    return ResponseSubmitted(submitted_at=result.submitted_at)

"""Saving and submitting a response, the same way for a participant's own answers and a rater's."""

from __future__ import annotations

from hlm_gateway.problems import refused_as
from hlm_gateway.responses.types import (
    DraftSaved,
    ResponseInput,
    ResponseRejected,
    ResponseSubmitted,
    response_body,
)
from hlm_gateway.upstream import Refusal, Upstream
from hlm_gateway.upstream.survey import DraftPageSaved as DraftPageSavedOut
from hlm_gateway.upstream.survey import DraftSaved as DraftSavedOut
from hlm_gateway.upstream.survey import Submitted

_NOT_ACCEPTED = "the answers were not accepted"


async def save_draft(upstream: Upstream, path: str, response: ResponseInput) -> DraftSaved | ResponseRejected:
    """PUT the draft whole; a refusal (422 problems, 409 no longer accepted) stores nothing."""
    body = response_body(response)
    if isinstance(body, ResponseRejected):
        return body
    result = await upstream.send_outcome("PUT", path, DraftSavedOut, body)
    return (
        refused_as(ResponseRejected, result.problem, fallback=_NOT_ACCEPTED, sent_as=("response",))
        if isinstance(result, Refusal)
        else DraftSaved(saved_at=result.saved_at)
    )


async def save_page(
    upstream: Upstream, path: str, response: ResponseInput
) -> tuple[DraftPageSavedOut, None] | tuple[None, ResponseRejected]:
    """PUT one page of a draft (survey-svc merges it into the stored draft, under the invitation's lock);
    survey-svc's answer with the whole draft, or the refusal (nothing stored)."""
    body = response_body(response)
    if isinstance(body, ResponseRejected):
        return None, body
    result = await upstream.send_outcome("PUT", path, DraftPageSavedOut, body)
    if isinstance(result, Refusal):
        return None, refused_as(ResponseRejected, result.problem, fallback=_NOT_ACCEPTED, sent_as=("response",))
    return result, None


async def submit(upstream: Upstream, path: str, response: ResponseInput) -> ResponseSubmitted | ResponseRejected:
    """POST the whole response, once; a refusal stores nothing."""
    body = response_body(response)
    if isinstance(body, ResponseRejected):
        return body
    result = await upstream.send_outcome("POST", path, Submitted, body)
    if isinstance(result, Refusal):
        return refused_as(ResponseRejected, result.problem, fallback=_NOT_ACCEPTED, sent_as=("response",))
    return ResponseSubmitted(submitted_at=result.submitted_at)


async def submit_stored(upstream: Upstream, path: str, located_as: str) -> ResponseSubmitted | ResponseRejected:
    """POST to submit what the service holds (a saved draft), once; a refusal stores nothing, and its
    problems are located in that stored response, ``located_as``."""
    result = await upstream.send_outcome("POST", path, Submitted)
    if isinstance(result, Refusal):
        return refused_as(ResponseRejected, result.problem, fallback=_NOT_ACCEPTED, sent_as=(located_as,))
    return ResponseSubmitted(submitted_at=result.submitted_at)

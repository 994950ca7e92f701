"""A cycle's progress, live: the counts survey-svc shows, re-read whenever an event says they may have
changed. Events only wake the stream; what is sent is always survey-svc's answer to the caller's own
token, so a subscriber sees exactly what ``cycle(id) { progress }`` would show them, and no more."""

from __future__ import annotations

import uuid
from collections.abc import AsyncGenerator
from datetime import datetime

import strawberry

from hlm_contracts import CycleClosedV1, CycleOpenedV1, EventData, ResponseSubmittedV1
from hlm_gateway.errors import ErrorCode, GatewayError
from hlm_gateway.journey.types import GroupProgress
from hlm_gateway.live.hub import EventHub
from hlm_gateway.upstream import Upstream
from hlm_gateway.upstream.survey import CycleOut

# The events after which a cycle's progress may read differently. Only their cycle id is used: nothing
# of an event is sent or kept (``response.submitted`` also carries the answers, never who gave them).
# ``rater.nominated`` is left out on purpose: it carries a keyed hash of the rater's email, which the
# gateway has no use for, and a nomination is made by the participant in the app, which reads the cycle
# again itself. A decline publishes no event, so it shows with the next change.
PROGRESS_EVENTS: tuple[type[EventData], ...] = (CycleOpenedV1, ResponseSubmittedV1, CycleClosedV1)

CLOSED = "closed"


@strawberry.type(description="A cycle's progress: counts per rater group, never who has answered.")
class CycleProgress:
    cycle_id: strawberry.ID
    status: str
    self_status: str
    minimums_met: bool = strawberry.field(description="Enough raters have submitted to close the cycle.")
    closes_at: datetime | None
    groups: list[GroupProgress]


def progress_from(data: CycleOut) -> CycleProgress:
    """Only the counts of survey-svc's cycle: nothing else of it reaches a subscriber."""
    return CycleProgress(
        cycle_id=strawberry.ID(str(data.id)),
        status=data.status.value,
        self_status=data.self_status.value,
        minimums_met=data.minimums_met,
        closes_at=data.closes_at,
        groups=[
            GroupProgress(
                rater_group=p.rater_group.value, invited=p.invited, submitted=p.submitted, declined=p.declined
            )
            for p in data.progress
        ],
    )


def cycle_uuid(cycle_id: str) -> uuid.UUID:
    try:
        return uuid.UUID(cycle_id)
    except ValueError as exc:
        raise GatewayError("cycleId is not a cycle id", ErrorCode.BAD_USER_INPUT) from exc


async def stream_progress(hub: EventHub, survey: Upstream, cycle_id: uuid.UUID) -> AsyncGenerator[CycleProgress, None]:
    """The current progress first, then each change, until the cycle closes. ``survey`` carries the
    subscriber's own token: the first read is the authorization (a cycle they may not see is refused
    as survey-svc refuses it), and every later read is checked again, so access lost ends the stream."""
    if not hub.is_bound:
        raise GatewayError("live updates are unavailable just now", ErrorCode.UPSTREAM_UNAVAILABLE)
    path = f"/v1/cycles/{cycle_id}"

    def concerns_cycle(event: EventData) -> bool:
        return isinstance(event, PROGRESS_EVENTS) and getattr(event, "cycle_id", None) == cycle_id

    # Listen before the first read, so a change made between the read and the subscription is not lost.
    async with hub.subscribe(concerns_cycle) as events:
        last = progress_from(await survey.get(path, CycleOut))
        yield last
        while last.status != CLOSED:
            await events.get()
            # Several events already waiting need one read: it shows the effect of all of them.
            while not events.empty():
                events.get_nowait()
            current = progress_from(await survey.get(path, CycleOut))
            if current != last:
                last = current
                yield current

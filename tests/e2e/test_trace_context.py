"""One trace from a request to everything it causes: the app's traceparent goes through the gateway into
survey-svc, onto the events survey-svc publishes, into report-svc's handling of them, and onto the events
report-svc publishes while handling them, each hop a span of its own in the caller's trace."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import AsyncIterator
from typing import Any

import aio_pika
import pytest_asyncio
from aio_pika.abc import AbstractQueue

from hlm_contracts import ReportReleasedV1, ResponseSubmittedV1
from hlm_kit.messaging.envelope import CloudEvent
from hlm_kit.testing.pytest_plugin import wait_for

from .harness import Platform
from .steps import Gateway, Organisation, answers, create_cycle, everywhere, questionnaire, submit_self, user


@pytest_asyncio.fixture
async def every_event(amqp_url: str, platform: Platform) -> AsyncIterator[AbstractQueue]:
    """A queue of this test alone that gets every event published on the run's exchange; it goes with the
    connection."""
    connection = await aio_pika.connect_robust(amqp_url)
    try:
        channel = await connection.channel()
        queue = await channel.declare_queue(exclusive=True, auto_delete=True)
        await queue.bind(platform.topology.events_exchange, routing_key="#")
        yield queue
    finally:
        await connection.close()


async def events_of(queue: AbstractQueue, cycle_id: str, seen: dict[str, CloudEvent]) -> dict[str, CloudEvent]:
    """The events about ``cycle_id`` taken off ``queue`` so far, by type (kept in ``seen``)."""
    while (message := await queue.get(no_ack=True, fail=False)) is not None:
        event = CloudEvent.model_validate_json(message.body)
        if event.data.get("cycle_id") == cycle_id:
            seen[event.type] = event
    return seen


def trace_of(event: CloudEvent) -> tuple[str, str]:
    """(trace id, parent span id) of the span that published ``event``."""
    assert event.traceparent is not None, f"{event.type} carries no traceparent"
    version, trace_id, span_id, _flags = event.traceparent.split("-")
    assert version == "00"
    return trace_id, span_id


async def test_the_events_a_request_causes_and_those_their_consumers_publish_carry_its_trace(
    platform: Platform, gateway: Gateway, every_event: AbstractQueue
) -> None:
    me = user(platform, "participant", Organisation())
    self_wording = await questionnaire(gateway, me, "hlm-self")
    cycle_id = await create_cycle(
        gateway, me, kind="SELF_ASSESSMENT", questionnaireId=self_wording.id, participantName="Alex Morgan"
    )
    trace_id, app_span_id = uuid.uuid4().hex, uuid.uuid4().hex[:16]
    traced = dataclasses.replace(me, headers={**me.headers, "traceparent": f"00-{trace_id}-{app_span_id}-01"})

    await submit_self(gateway, traced, cycle_id, answers(self_wording, everywhere(3)))

    seen: dict[str, Any] = {}

    async def released() -> bool:
        return ReportReleasedV1.type in await events_of(every_event, cycle_id, seen)

    await wait_for(released, timeout_s=60, interval_s=0.2)
    submitted, release = seen[ResponseSubmittedV1.type], seen[ReportReleasedV1.type]
    # survey-svc's event, written while it served the request the gateway passed on...
    assert trace_of(submitted)[0] == trace_id
    # ...and report-svc's, written while it handled survey-svc's events: its consumer continued the trace.
    assert trace_of(release)[0] == trace_id
    spans = {app_span_id, trace_of(submitted)[1], trace_of(release)[1]}
    assert len(spans) == 3, "each hop publishes from a span of its own"

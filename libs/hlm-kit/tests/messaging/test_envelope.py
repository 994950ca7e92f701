"""The envelope an outbox row stores on a hot path (``CloudEvent.wrap_as_json``) is the one ``CloudEvent.wrap``
makes, as JSON: the same members and values, in the same formats, with or without a subject, correlation id
and trace."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from typing import Any

import pytest
from opentelemetry.sdk.trace import TracerProvider

from hlm_contracts import ParticipantErasedV1
from hlm_kit.messaging import envelope
from hlm_kit.messaging.envelope import CloudEvent
from hlm_kit.observability import bind_correlation_id


def _without_id_and_time(envelope: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in envelope.items() if key not in ("id", "time")}


@pytest.mark.parametrize("subject", [None, "cycle-1"])
@pytest.mark.parametrize("correlation_id", [None, "correlation-1"])
@pytest.mark.parametrize("traced", [False, True])
def test_the_envelope_as_json_is_the_wrapped_events(
    subject: str | None, correlation_id: str | None, traced: bool
) -> None:
    data = ParticipantErasedV1(participant_id="participant-1", erased_at=datetime.now(UTC))
    bind_correlation_id(correlation_id)
    try:
        tracer = TracerProvider().get_tracer("test")
        with tracer.start_as_current_span("request") if traced else contextlib.nullcontext():
            as_json = CloudEvent.wrap_as_json(data, subject=subject)
            wrapped = CloudEvent.wrap(data, subject=subject).model_dump(mode="json", exclude_none=True)
    finally:
        bind_correlation_id(None)

    assert _without_id_and_time(as_json) == _without_id_and_time(wrapped)
    assert ("traceparent" in as_json) is traced
    # Read back as the relay reads it and written again: the same document, its time in the same format.
    assert CloudEvent.model_validate(as_json).model_dump(mode="json", exclude_none=True) == as_json


@pytest.mark.parametrize(
    "moment", [datetime(2026, 12, 7, 15, 0, tzinfo=UTC), datetime(2026, 12, 7, 15, 0, 0, 120, UTC)]
)
def test_the_time_is_written_as_the_model_writes_it(moment: datetime) -> None:
    data = ParticipantErasedV1(participant_id="participant-1", erased_at=moment)
    event = CloudEvent.wrap(data).model_copy(update={"time": moment})

    assert envelope._TIME.dump_python(moment, mode="json") == event.model_dump(mode="json")["time"]

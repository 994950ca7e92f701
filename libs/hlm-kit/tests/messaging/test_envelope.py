"""The envelope the outbox stores is the CloudEvent's own document: built directly, it is what validating
the model and dumping it in JSON mode gives, correlation and trace included, unset attributes left out."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider

from hlm_contracts import ParticipantErasedV1
from hlm_kit.messaging.envelope import CloudEvent
from hlm_kit.observability import bind_correlation_id


@pytest.mark.parametrize(("subject", "correlation_id", "traced"), [(None, None, False), ("a-cycle", "c-1", True)])
def test_an_envelopes_document_is_the_models_json(
    subject: str | None, correlation_id: str | None, traced: bool
) -> None:
    data = ParticipantErasedV1(participant_id=str(uuid.uuid4()), erased_at=datetime.now(UTC))
    bind_correlation_id(correlation_id)
    try:
        if traced:
            with TracerProvider().get_tracer(__name__).start_as_current_span("producing"):
                document = CloudEvent.document(data, subject=subject)
        else:
            with trace.use_span(trace.INVALID_SPAN):  # no trace, whatever other tests left current
                document = CloudEvent.document(data, subject=subject)
    finally:
        bind_correlation_id(None)

    assert document == CloudEvent.model_validate(document).model_dump(mode="json", exclude_none=True)
    assert (document.get("subject"), document.get("correlationid")) == (subject, correlation_id)
    assert ("traceparent" in document) is traced
    assert document["data"] == data.model_dump(mode="json")
    assert CloudEvent.wrap(data, subject=subject).type == document["type"] == ParticipantErasedV1.type

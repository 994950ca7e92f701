"""The CloudEvents 1.0 envelope (structured JSON mode) every event travels in."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, Literal

from opentelemetry import propagate
from pydantic import AwareDatetime, BaseModel, ConfigDict, TypeAdapter

from hlm_contracts import EventData
from hlm_kit.observability import current_correlation_id

CLOUDEVENTS_CONTENT_TYPE = "application/cloudevents+json"

# An event's time as the envelope's JSON writes it (pydantic's format for an aware datetime).
_TIME: TypeAdapter[datetime] = TypeAdapter(AwareDatetime)


class CloudEvent(BaseModel):
    """One event as it goes over the wire; ``data`` is the event type's contract model, as JSON."""

    # CloudEvents allows extension attributes; keep any a producer adds.
    model_config = ConfigDict(extra="allow", frozen=True)

    specversion: Literal["1.0"] = "1.0"
    id: str
    source: str
    type: str
    time: AwareDatetime
    subject: str | None = None
    datacontenttype: Literal["application/json"] = "application/json"
    data: dict[str, Any]
    correlationid: str | None = None
    traceparent: str | None = None

    @classmethod
    def wrap(cls, data: EventData, *, subject: str | None = None) -> CloudEvent:
        """Envelope ``data`` as its producer, stamped now, with the current correlation and trace."""
        carrier: dict[str, str] = {}
        propagate.inject(carrier)
        return cls(
            id=str(uuid.uuid4()),
            source=data.source,
            type=data.type,
            time=datetime.now(UTC),
            subject=subject,
            data=data.model_dump(mode="json"),
            correlationid=current_correlation_id(),
            traceparent=carrier.get("traceparent"),
        )

    @classmethod
    def wrap_as_json(cls, data: EventData, *, subject: str | None = None) -> dict[str, Any]:
        """What ``wrap(data, subject=subject).model_dump(mode="json", exclude_none=True)`` gives, without
        building the model: for an outbox row written on a hot path (a rater's submit), where the model was
        validated and dumped again only to be stored as JSON. The same members, values and time format."""
        carrier: dict[str, str] = {}
        propagate.inject(carrier)
        envelope: dict[str, Any] = {
            "specversion": "1.0",
            "id": str(uuid.uuid4()),
            "source": data.source,
            "type": data.type,
            "time": _TIME.dump_python(datetime.now(UTC), mode="json"),
            "datacontenttype": "application/json",
            "data": data.model_dump(mode="json"),
        }
        if subject is not None:
            envelope["subject"] = subject
        if (correlation_id := current_correlation_id()) is not None:
            envelope["correlationid"] = correlation_id
        if (traceparent := carrier.get("traceparent")) is not None:
            envelope["traceparent"] = traceparent
        return envelope

    def to_json_bytes(self) -> bytes:
        return self.model_dump_json(exclude_none=True).encode()

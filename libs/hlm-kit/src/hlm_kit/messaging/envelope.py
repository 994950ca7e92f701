"""The CloudEvents 1.0 envelope (structured JSON mode) every event travels in."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, Literal

from opentelemetry import propagate
from pydantic import AwareDatetime, BaseModel, ConfigDict

from hlm_contracts import EventData
from hlm_kit.observability import current_correlation_id

CLOUDEVENTS_CONTENT_TYPE = "application/cloudevents+json"


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

    def to_json_bytes(self) -> bytes:
        return self.model_dump_json(exclude_none=True).encode()

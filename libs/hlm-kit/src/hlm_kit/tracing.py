"""W3C trace context through the platform: a server span per request, continued from the caller's
``traceparent``, and carried by every event into the handlers that consume it (see ``messaging``).

FastAPI makes the server span itself (its native OpenTelemetry support), once the process has an SDK
``TracerProvider``: :func:`configure_tracing` sets one, so spans are real, and the ``traceparent`` an
event carries names the request that caused it, whether or not anything exports them. Every app passes
:data:`TELEMETRY` to ``FastAPI(telemetry=...)``. Spans are exported over OTLP only when
``OTEL_EXPORTER_OTLP_ENDPOINT`` (or ``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``) is set and the image has
``fastapi[opentelemetry]``; otherwise FastAPI logs a warning and the process runs on without export.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from fastapi.telemetry import TelemetryConfig
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import Span, SpanProcessor, TracerProvider

_UNTRACED_PATHS = frozenset({"/health/live", "/health/ready", "/metrics"})


def _untraced(scope: MutableMapping[str, Any]) -> bool:
    # Probes and scrapes arrive every few seconds from every replica; their spans would only bury the
    # requests of users.
    return scope.get("path") in _UNTRACED_PATHS


TELEMETRY: TelemetryConfig = {
    # One server span per request and nothing more: no spans per dependency, endpoint and serialisation,
    # and no OpenTelemetry metrics or logs (metrics are Prometheus's, logs structlog's).
    "tracing": True,
    "operation_spans": False,
    "metrics": False,
    "logs": False,
    "auto_configure": True,  # adds an OTLP exporter only when an OTEL_EXPORTER_OTLP_*ENDPOINT is set
    "exclude": _untraced,
}
"""The ``telemetry`` argument of every ``FastAPI`` app of the platform."""


URL_PATH = "url.path"
UNROUTED_PATH = "~unrouted~"


class RawPathRedaction(SpanProcessor):
    """Takes the raw request path off every span as it starts, before any exporter can see it.

    A rater's link carries their token in its path, and the server span is opened before routing, so it
    would record that path as it came. Here it becomes a placeholder; once the route is known, the
    request middleware puts back the path rebuilt from the route with its sensitive parameters
    redacted (``observability.redacted_path``). Exporters see spans only when they end, by which time
    the redacted path is in place.
    """

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        if span.attributes and URL_PATH in span.attributes:
            span.set_attribute(URL_PATH, UNROUTED_PATH)


def configure_tracing(service: str) -> None:
    """Make an SDK ``TracerProvider`` for ``service`` the process's own, once: a process serves one
    service, and OpenTelemetry refuses to replace the provider after it is set. Its sampler follows the
    caller's sampled flag (parent-based, always on for a new trace)."""
    if isinstance(trace.get_tracer_provider(), TracerProvider):
        return
    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: service}))
    provider.add_span_processor(RawPathRedaction())
    trace.set_tracer_provider(provider)

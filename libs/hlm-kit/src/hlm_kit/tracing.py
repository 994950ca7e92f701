"""W3C trace context through the platform: a server span per request, continued from the caller's
``traceparent``, and carried by every event into the handlers that consume it (see ``messaging``).

The request middleware (``observability.RequestContextMiddleware``) makes the server span, once the process
has this module's ``TracerProvider``: :func:`configure_tracing` sets one, so every span has a real trace and
span id, and the ``traceparent`` an event or an upstream call carries names the request that caused it.
Every app passes :data:`TELEMETRY` to ``FastAPI(telemetry=...)``, which turns FastAPI's own spans off: the
middleware's span is the one server span. Spans are exported over OTLP only when
``OTEL_EXPORTER_OTLP_ENDPOINT`` (or ``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``) is set and the image has
``opentelemetry-exporter-otlp-proto-http`` (``fastapi[opentelemetry]`` brings it); otherwise a warning is
logged and the process runs on without export.

A span that nothing will ever read costs nothing to record: while no span processor but the path redaction
is registered (no exporter, no test collecting spans), the provider's tracers hand out non-recording spans
that still carry their own span id in the caller's trace, sampled as the SDK's sampler decides. The trace
context every hop passes on is the same either way; only attributes, timings and status are not kept.
"""

from __future__ import annotations

import contextlib
import importlib
import os
from collections.abc import Iterator, Mapping, MutableMapping, Sequence
from typing import Any

import structlog
from fastapi.telemetry import TelemetryConfig
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import Span, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.sampling import Decision
from opentelemetry.trace import Link, NonRecordingSpan, SpanContext, SpanKind, TraceFlags
from opentelemetry.util.types import Attributes

log = structlog.get_logger(__name__)

UNTRACED_PATHS = frozenset({"/health/live", "/health/ready", "/metrics"})
"""Probes and scrapes arrive every few seconds from every replica; their spans would only bury the requests
of users."""


def untraced(scope: MutableMapping[str, Any]) -> bool:
    return scope.get("path") in UNTRACED_PATHS


TELEMETRY: TelemetryConfig = {
    # The server span is the request middleware's (one per request, nothing more); metrics are
    # Prometheus's, logs structlog's. Export is configured by configure_tracing, not by FastAPI.
    "tracing": False,
    "operation_spans": False,
    "metrics": False,
    "logs": False,
    "auto_configure": False,
}
"""The ``telemetry`` argument of every ``FastAPI`` app of the platform."""


URL_PATH = "url.path"
UNROUTED_PATH = "~unrouted~"


class RawPathRedaction(SpanProcessor):
    """Takes the raw request path off every span as it starts, before any exporter can see it.

    A rater's link carries their token in its path, and a server span is opened before routing, so one
    made by any instrumentation would record that path as it came. Here it becomes a placeholder; the
    request middleware never sets the raw path and, once the route is known, puts on its span the path
    rebuilt from the route with its sensitive parameters redacted (``observability.redacted_path``).
    Exporters see spans only when they end, by which time the redacted path is in place.
    """

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        if span.attributes and URL_PATH in span.attributes:
            span.set_attribute(URL_PATH, UNROUTED_PATH)


class PlatformTracerProvider(TracerProvider):
    """The SDK's provider, whose tracers record spans only once some processor besides the path redaction
    is registered (an exporter, or a test collecting spans): until then each span they start is a
    non-recording one with a span id of its own, in its parent's trace or a new one, sampled as the
    provider's sampler decides, so propagation is exactly what it would be."""

    def __init__(self, *, resource: Resource) -> None:
        super().__init__(resource=resource)
        super().add_span_processor(RawPathRedaction())
        self._exporting = False

    @property
    def exporting(self) -> bool:
        """Whether anything reads the spans: then they are recorded in full."""
        return self._exporting

    def add_span_processor(self, span_processor: SpanProcessor) -> None:
        super().add_span_processor(span_processor)
        self._exporting = True

    def get_tracer(
        self,
        instrumenting_module_name: str,
        instrumenting_library_version: str | None = None,
        schema_url: str | None = None,
        attributes: Attributes = None,
    ) -> trace.Tracer:
        tracer = super().get_tracer(instrumenting_module_name, instrumenting_library_version, schema_url, attributes)
        if isinstance(tracer, trace.NoOpTracer):  # OTEL_SDK_DISABLED
            return tracer
        return _PlatformTracer(tracer, self)


class _PlatformTracer(trace.Tracer):
    def __init__(self, recording: trace.Tracer, provider: PlatformTracerProvider) -> None:
        self._recording = recording
        self._provider = provider

    def start_span(
        self,
        name: str,
        context: Context | None = None,
        kind: SpanKind = SpanKind.INTERNAL,
        attributes: Attributes = None,
        links: Sequence[Link] | None = (),
        start_time: int | None = None,
        record_exception: bool = True,
        set_status_on_exception: bool = True,
    ) -> trace.Span:
        provider = self._provider
        if provider.exporting:
            return self._recording.start_span(
                name, context, kind, attributes, links, start_time, record_exception, set_status_on_exception
            )
        # The ids and flags the SDK's tracer would give the span (its start_span, without recording).
        parent = trace.get_current_span(context).get_span_context()
        ids = provider.id_generator
        if parent.is_valid:
            trace_id, random_trace_id = parent.trace_id, parent.trace_flags.random_trace_id
        else:
            trace_id, random_trace_id = ids.generate_trace_id(), ids.is_trace_id_random()
        sampled = provider.sampler.should_sample(context, trace_id, name, kind, attributes, links)
        flags = TraceFlags.SAMPLED if sampled.decision is Decision.RECORD_AND_SAMPLE else TraceFlags.DEFAULT
        if random_trace_id:
            flags |= TraceFlags.RANDOM_TRACE_ID
        span_id, trace_flags = ids.generate_span_id(), TraceFlags(flags)
        return NonRecordingSpan(SpanContext(trace_id, span_id, False, trace_flags, sampled.trace_state))

    # The API declares its own context-manager type, which also decorates coroutines; the platform only
    # enters these spans with ``with``, which a plain context manager does as well.
    @contextlib.contextmanager
    def start_as_current_span(  # type: ignore[override]
        self,
        name: str,
        context: Context | None = None,
        kind: SpanKind = SpanKind.INTERNAL,
        attributes: Attributes = None,
        links: Sequence[Link] | None = (),
        start_time: int | None = None,
        record_exception: bool = True,
        set_status_on_exception: bool = True,
        end_on_exit: bool = True,
    ) -> Iterator[trace.Span]:
        span = self.start_span(
            name, context, kind, attributes, links, start_time, record_exception, set_status_on_exception
        )
        with trace.use_span(
            span,
            end_on_exit=end_on_exit,
            record_exception=record_exception,
            set_status_on_exception=set_status_on_exception,
        ) as current:
            yield current


def _otlp_endpoint(environ: Mapping[str, str]) -> str | None:
    """The endpoint spans go to, when the environment asks for OTLP export (as FastAPI read it)."""
    if environ.get("OTEL_SDK_DISABLED", "").lower() == "true":
        return None
    if (environ.get("OTEL_TRACES_EXPORTER") or "otlp").strip().lower() != "otlp":
        return None
    return environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") or environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or None


def _export_over_otlp(provider: TracerProvider) -> None:
    endpoint = _otlp_endpoint(os.environ)
    if endpoint is None:
        return
    try:
        # Optional: only images that export spans install it. The exporter reads its endpoint, protocol
        # details and headers from the same OTEL_EXPORTER_OTLP_* variables.
        exporter_module = importlib.import_module("opentelemetry.exporter.otlp.proto.http.trace_exporter")
    except ImportError:
        log.warning(
            "OTEL_EXPORTER_OTLP_ENDPOINT is set but the OTLP exporter is not installed; spans are not exported",
            endpoint=endpoint,
        )
        return
    provider.add_span_processor(BatchSpanProcessor(exporter_module.OTLPSpanExporter()))


def configure_tracing(service: str) -> None:
    """Make a :class:`PlatformTracerProvider` for ``service`` the process's own, once: a process serves one
    service, and OpenTelemetry refuses to replace the provider after it is set. Its sampler follows the
    caller's sampled flag (parent-based, always on for a new trace), unless ``OTEL_TRACES_SAMPLER`` says
    otherwise; spans go out over OTLP when the environment names an endpoint."""
    if isinstance(trace.get_tracer_provider(), TracerProvider):
        return
    provider = PlatformTracerProvider(resource=Resource.create({SERVICE_NAME: service}))
    _export_over_otlp(provider)
    trace.set_tracer_provider(provider)

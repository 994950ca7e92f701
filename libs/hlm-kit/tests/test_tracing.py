"""The trace context a service passes on is the same whether or not anything reads its spans: a span nobody
reads is not recorded, but it still has its own id in its caller's trace, so the events and calls it causes
carry a ``traceparent`` naming it."""

from __future__ import annotations

import uuid

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from hlm_kit.tracing import PlatformTracerProvider

PROPAGATOR = TraceContextTextMapPropagator()


def _caller(flags: str = "01") -> tuple[str, str, trace.Span]:
    trace_id, span_id = uuid.uuid4().hex, uuid.uuid4().hex[:16]
    context = PROPAGATOR.extract({"traceparent": f"00-{trace_id}-{span_id}-{flags}"})
    return trace_id, span_id, trace.get_current_span(context)


def _traceparent_inside(span: trace.Span) -> str:
    carrier: dict[str, str] = {}
    with trace.use_span(span, end_on_exit=True):
        PROPAGATOR.inject(carrier)
    return carrier["traceparent"]


def test_a_span_nothing_reads_is_not_recorded_yet_continues_its_callers_trace() -> None:
    tracer = PlatformTracerProvider(resource=Resource.create({})).get_tracer("test")
    for flags in ("01", "00"):
        trace_id, caller_span_id, caller = _caller(flags)

        span = tracer.start_span("GET", context=trace.set_span_in_context(caller), kind=SpanKind.SERVER)

        assert not span.is_recording()
        version, passed_trace_id, passed_span_id, passed_flags = _traceparent_inside(span).split("-")
        assert (version, passed_trace_id, passed_flags) == ("00", trace_id, flags)
        assert passed_span_id not in (caller_span_id, "0" * 16)


def test_a_span_nothing_reads_starts_a_trace_as_the_sdk_would() -> None:
    tracer = PlatformTracerProvider(resource=Resource.create({})).get_tracer("test")
    recorded = TracerProvider().get_tracer("test").start_span("GET")

    span = tracer.start_span("GET")
    other = tracer.start_span("GET")

    assert span.get_span_context().is_valid
    assert span.get_span_context().trace_id != other.get_span_context().trace_id
    assert span.get_span_context().trace_flags == recorded.get_span_context().trace_flags


def test_spans_are_recorded_once_something_reads_them() -> None:
    provider = PlatformTracerProvider(resource=Resource.create({}))
    tracer = provider.get_tracer("test")
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace_id, caller_span_id, caller = _caller()

    with tracer.start_as_current_span("process", context=trace.set_span_in_context(caller)) as span:
        assert span.is_recording()

    [finished] = exporter.get_finished_spans()
    assert finished.context is not None
    assert finished.parent is not None
    assert (f"{finished.context.trace_id:032x}", f"{finished.parent.span_id:016x}") == (trace_id, caller_span_id)

"""JSON logs with a correlation id, the server span and Prometheus metrics of every HTTP request."""

from __future__ import annotations

import functools
import io
import logging
import re
import sys
import time
import uuid
from contextvars import ContextVar
from typing import Any, TextIO, cast

import structlog
from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.propagators.textmap import Getter
from opentelemetry.trace import SpanKind, StatusCode
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Histogram, generate_latest
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hlm_kit.tracing import UNROUTED_PATH, URL_PATH, untraced

CORRELATION_HEADER = "X-Correlation-ID"
_correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)


def current_correlation_id() -> str | None:
    """The correlation id of the request or event being handled, if any."""
    return _correlation_id.get()


def bind_correlation_id(value: str | None) -> None:
    """Make ``value`` the correlation id of this task: logs and published events carry it."""
    _correlation_id.set(value)


class _ServiceName:
    """Processor: the service's name on every line, whichever task or context logs it."""

    def __init__(self, service: str) -> None:
        self.service = service

    def __call__(self, logger: Any, method_name: str, event_dict: Any) -> Any:
        event_dict.setdefault("service", self.service)
        return event_dict


def _add_correlation_id(logger: Any, method_name: str, event_dict: Any) -> Any:
    """Processor: the correlation id of the request or event being handled, on each of its lines. Read from
    the one context variable every part of the kit reads it from, so a request binds it once, cheaply."""
    correlation_id = _correlation_id.get()
    if correlation_id is not None:
        event_dict.setdefault("correlation_id", correlation_id)
    return event_dict


class _CurrentStdout(io.TextIOBase):
    """``sys.stdout`` as it is at each write, not as it was when logging was configured: a process
    that replaces it later (as a test capturing the output does) still gets every line."""

    def write(self, text: str) -> int:
        return sys.stdout.write(text)

    def flush(self) -> None:
        sys.stdout.flush()


def configure_logging(service: str, *, level: str = "INFO", json: bool = True) -> None:
    """One JSON object per line on stdout, with the service name and the correlation id."""
    renderer: structlog.types.Processor = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer()
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            _ServiceName(service),
            _add_correlation_id,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(cast(TextIO, _CurrentStdout())),
        # Not cached: a logger picks up the configuration in force when it logs, not the one of its
        # first use, so the level and format a process (or a test) sets apply to every module alike.
        # It costs a few microseconds per line, next to a request's hundreds.
        cache_logger_on_first_use=False,
    )


# Metrics live in the process-wide default registry: one process serves one service.
HTTP_REQUESTS = Counter("http_requests_total", "HTTP requests", ["method", "route", "status"])
HTTP_LATENCY = Histogram("http_request_duration_seconds", "HTTP request latency", ["method", "route"])


# The labelled series of each (method, route, status), looked up once: ``labels()`` builds and locks on
# every call, a few microseconds per request next to a catalogue read's couple of hundred. Bounded, since a
# client chooses the method: past the bound, series are looked up as before.
_SERIES_KEPT = 1024
_request_series: dict[tuple[str, str, str], Any] = {}
_latency_series: dict[tuple[str, str], Any] = {}


def _record_request(method: str, route: str, status: str, seconds: float) -> None:
    counter = _request_series.get((method, route, status))
    if counter is None:
        counter = HTTP_REQUESTS.labels(method, route, status)
        if len(_request_series) < _SERIES_KEPT:
            _request_series[(method, route, status)] = counter
    histogram = _latency_series.get((method, route))
    if histogram is None:
        histogram = HTTP_LATENCY.labels(method, route)
        if len(_latency_series) < _SERIES_KEPT:
            _latency_series[(method, route)] = histogram
    counter.inc()
    histogram.observe(seconds)


_CORRELATION_HEADER_KEY = CORRELATION_HEADER.lower().encode()


def _incoming_correlation_id(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == _CORRELATION_HEADER_KEY:
            return cast(bytes, value).decode("latin-1")
    return None


_propagation_fields: tuple[object, frozenset[bytes]] | None = None


def _propagation_headers() -> frozenset[bytes]:
    """The headers the process's propagator reads a caller's trace context from (``traceparent``,
    ``tracestate``, ``baggage`` unless ``OTEL_PROPAGATORS`` says otherwise), as ASGI names them."""
    global _propagation_fields
    propagator = propagate.get_global_textmap()
    if _propagation_fields is None or _propagation_fields[0] is not propagator:
        _propagation_fields = (propagator, frozenset(f.lower().encode("latin-1") for f in propagator.fields))
    return _propagation_fields[1]


def _carries_trace_context(scope: Scope) -> bool:
    fields = _propagation_headers()
    return any(name in fields for name, _ in scope["headers"])


def metrics_response() -> Response:
    """The Prometheus exposition of every metric of this process."""
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)


def route_template(scope: Scope) -> str:
    """The template of the route ``scope`` matched (``/v1/cycles/{id}``), or ``unmatched``."""
    # The router records the route it matched in the scope; its path is the template (/v1/x/{id}).
    return str(getattr(scope.get("route"), "path", "unmatched"))


# Path parameters that carry a credential: a rater's invitation token opens their questionnaire to
# whoever holds it, so it must never reach a log line, a metric, a trace or an error document.
SENSITIVE_PATH_PARAMS = frozenset({"token"})
_PARAMETER = re.compile(r"{([^}:]+)(?::[^}]*)?}")


def redacted_path(scope: Scope) -> str | None:
    """The path of the request, safe to log or echo: rebuilt from the route it matched, with the value
    of every sensitive path parameter (:data:`SENSITIVE_PATH_PARAMS`) replaced by ``~name~``.

    ``None`` when no route matched (an unknown path, or a request refused before routing): such a path
    may still hold a token (a mistyped rater link), and nothing tells which part of it would be one.
    Everything that logs or echoes a request's path uses this, never ``scope["path"]``.
    """
    route = scope.get("route")
    template = getattr(route, "path", None)
    if not isinstance(template, str):
        return None
    params = scope.get("path_params") or {}
    parts = _template_parts(template)
    if len(parts) == 1:
        return parts[0]
    return "".join(
        part if index % 2 == 0 else (str(params[part]) if part in params else f"~{part}~")
        for index, part in enumerate(parts)
    )


@functools.lru_cache(maxsize=1024)
def _template_parts(template: str) -> tuple[str, ...]:
    """A route template split once into literal text (even places) and the names of the parameters to
    print (odd places); a sensitive parameter is literal ``~name~`` text from the start."""
    parts: list[str] = []
    position = 0
    for match in _PARAMETER.finditer(template):
        name = match.group(1)
        if name in SENSITIVE_PATH_PARAMS:
            continue  # left in the literal text, replaced below
        parts += [template[position : match.start()], name]
        position = match.end()
    parts.append(template[position:])
    return tuple(
        _PARAMETER.sub(lambda m: f"~{m.group(1)}~", part) if i % 2 == 0 else part for i, part in enumerate(parts)
    )


class _ScopeHeaders(Getter[Scope]):
    """Reads a propagated header (``traceparent``, ``tracestate``, ``baggage``) straight from an ASGI scope's
    raw headers, all of its values joined as one (as the W3C formats allow)."""

    def get(self, carrier: Scope, key: str) -> list[str] | None:
        name = key.lower().encode("latin-1")
        values = [value.decode("latin-1") for header, value in carrier["headers"] if header == name]
        if not values:
            return None
        return [",".join(values)] if len(values) > 1 else values

    def keys(self, carrier: Scope) -> list[str]:
        return [header.decode("latin-1") for header, _ in carrier["headers"]]


_SCOPE_HEADERS = _ScopeHeaders()
_NO_PARENT = otel_context.Context()  # what extracting from no trace context gives: no parent, a new trace
_http_tracer = trace.get_tracer("hlm_kit.observability")
_KNOWN_METHODS = frozenset({"CONNECT", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "TRACE"})


def _span_method(scope: Scope) -> str:
    return scope["method"] if scope["method"] in _KNOWN_METHODS else "HTTP"


def _start_server_span(scope: Scope) -> trace.Span:
    """The request's server span, continuing the caller's ``traceparent``. Its attributes (the semantic
    conventions' for an HTTP server) are worked out only when the span records them."""
    method = scope["method"] if scope["method"] in _KNOWN_METHODS else "_OTHER"
    # A request without any header the propagator reads starts a new trace: nothing to extract.
    parent = propagate.extract(scope, getter=_SCOPE_HEADERS) if _carries_trace_context(scope) else _NO_PARENT
    span = _http_tracer.start_span(_span_method(scope), context=parent, kind=SpanKind.SERVER)
    if span.is_recording():
        attributes: dict[str, Any] = {
            "url.scheme": scope.get("scheme", "http"),
            "http.request.method": method,
            URL_PATH: UNROUTED_PATH,  # never the raw path: see tracing.RawPathRedaction
        }
        if method != scope["method"]:
            attributes["http.request.method_original"] = scope["method"]
        if scope.get("http_version"):
            attributes["network.protocol.version"] = scope["http_version"]
        if scope.get("query_string"):
            attributes["url.query"] = scope["query_string"].decode("latin-1")
        server = scope.get("server")
        if server and server[0] is not None:
            attributes["server.address"] = server[0]
            if server[1] is not None:
                attributes["server.port"] = server[1]
        span.set_attributes(attributes)
    return span


def _error_type(error: BaseException) -> str:
    kind = type(error)
    return kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"


def _end_server_span(span: trace.Span, scope: Scope, status: int | None, error: BaseException | None) -> None:
    if span.is_recording():
        route = getattr(scope.get("route"), "path", None)
        if isinstance(route, str):
            span.set_attribute("http.route", route)
            span.update_name(f"{_span_method(scope)} {route}")
        if status is not None:
            span.set_attribute("http.response.status_code", status)
        if error is not None or status is None or status >= 500:
            failure = _error_type(error) if error is not None else str(status or "incomplete_response")
            span.set_attribute("error.type", failure)
            span.set_status(StatusCode.ERROR)
    span.end()


class RequestContextMiddleware:
    """Pure ASGI middleware, the one every request passes through: the correlation id in and out, the
    server span (continuing the caller's trace; none for probes and scrapes), and request metrics."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = _incoming_correlation_id(scope)
        # An incoming id is kept only when it is short and plain, so logs cannot be forged through it.
        correlation_id = incoming if incoming and len(incoming) <= 64 and incoming.isprintable() else None
        correlation_id = correlation_id or str(uuid.uuid4())
        correlation_header = (_CORRELATION_HEADER_KEY, correlation_id.encode())
        bind_correlation_id(correlation_id)
        started = time.perf_counter()
        status: int | None = None
        span = None if untraced(scope) else _start_server_span(scope)
        token = None if span is None else otel_context.attach(trace.set_span_in_context(span))

        async def send_with_header(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message = {**message, "headers": [*message.get("headers", ()), correlation_header]}
                # The server span ends after the response's last byte; before that, it gets the path it
                # may keep.
                if span is not None and span.is_recording():
                    span.set_attribute(URL_PATH, redacted_path(scope) or UNROUTED_PATH)
            await send(message)

        error: BaseException | None = None
        try:
            await self.app(scope, receive, send_with_header)
        except BaseException as exc:
            error = exc
            raise
        finally:
            _record_request(scope["method"], route_template(scope), str(status or 500), time.perf_counter() - started)
            if span is not None:
                _end_server_span(span, scope, status, error)
            if token is not None:
                otel_context.detach(token)

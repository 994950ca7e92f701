"""JSON logs with a correlation id, and Prometheus metrics of every HTTP request."""

from __future__ import annotations

import io
import logging
import re
import sys
import time
import uuid
from contextvars import ContextVar
from typing import TextIO, cast

import structlog
from opentelemetry import trace
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Histogram, generate_latest
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hlm_kit.tracing import UNROUTED_PATH, URL_PATH

CORRELATION_HEADER = "X-Correlation-ID"
_correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)


def current_correlation_id() -> str | None:
    """The correlation id of the request or event being handled, if any."""
    return _correlation_id.get()


def bind_correlation_id(value: str | None) -> None:
    """Make ``value`` the correlation id of this task: logs and published events carry it."""
    _correlation_id.set(value)
    structlog.contextvars.bind_contextvars(correlation_id=value)


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
    structlog.contextvars.bind_contextvars(service=service)


# Metrics live in the process-wide default registry: one process serves one service.
HTTP_REQUESTS = Counter("http_requests_total", "HTTP requests", ["method", "route", "status"])
HTTP_LATENCY = Histogram("http_request_duration_seconds", "HTTP request latency", ["method", "route"])


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

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in SENSITIVE_PATH_PARAMS or name not in params:
            return f"~{name}~"
        return str(params[name])

    return _PARAMETER.sub(value, template)


class RequestContextMiddleware:
    """Pure ASGI middleware: correlation id in and out, and request metrics."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        incoming = request.headers.get(CORRELATION_HEADER)
        # An incoming id is kept only when it is short and plain, so logs cannot be forged through it.
        correlation_id = incoming if incoming and len(incoming) <= 64 and incoming.isprintable() else None
        correlation_id = correlation_id or str(uuid.uuid4())
        structlog.contextvars.clear_contextvars()
        bind_correlation_id(correlation_id)
        started = time.perf_counter()
        status = 500

        async def send_with_header(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((CORRELATION_HEADER.lower().encode(), correlation_id.encode()))
                message = {**message, "headers": headers}
                # The server span ends with the response's last byte; before that, it gets the path it
                # may keep (its raw one was taken off at start: see tracing.RawPathRedaction).
                span = trace.get_current_span()
                if span.is_recording():
                    span.set_attribute(URL_PATH, redacted_path(scope) or UNROUTED_PATH)
            await send(message)

        try:
            await self.app(scope, receive, send_with_header)
        finally:
            route = route_template(scope)
            HTTP_REQUESTS.labels(scope["method"], route, str(status)).inc()
            HTTP_LATENCY.labels(scope["method"], route).observe(time.perf_counter() - started)

"""The gateway continues its caller's trace and passes it on to the services it calls, so a query and
the service work behind it (and the events that work writes) are one trace."""

from __future__ import annotations

import uuid

import httpx
from asgi_lifespan import LifespanManager

from hlm_gateway.config import Settings
from hlm_gateway.main import create_app
from hlm_kit.testing.pytest_plugin import AuthHeaders

from .conftest import UNREACHABLE, CountingTransport, common


class TraceparentRecorder(httpx.AsyncBaseTransport):
    """Passes every request on to ``inner``, keeping the ``traceparent`` each one carried."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.traceparents: list[str | None] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.traceparents.append(request.headers.get("traceparent"))
        return await self.inner.handle_async_request(request)


async def test_upstream_calls_carry_the_trace_of_the_query(
    framework: CountingTransport, amqp_url: str, auth: AuthHeaders
) -> None:
    recorder = TraceparentRecorder(framework)
    settings = Settings.model_validate(
        {**common(amqp_url), **{f"{name}_url": UNREACHABLE for name in ("survey", "report", "facilitator")}}
    )
    app = create_app(settings, transport_for=lambda service: recorder if service == "framework" else None)
    trace_id, caller_span_id = uuid.uuid4().hex, uuid.uuid4().hex[:16]
    async with (
        LifespanManager(app, startup_timeout=30, shutdown_timeout=30),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway") as client,
    ):
        response = await client.post(
            "/graphql",
            json={"query": '{ framework(key: "hlm") { name } }'},
            headers={**auth("participant"), "traceparent": f"00-{trace_id}-{caller_span_id}-01"},
        )
    assert response.json()["data"]["framework"]["name"]
    assert recorder.traceparents
    for traceparent in recorder.traceparents:
        assert traceparent is not None
        version, upstream_trace_id, parent_span_id, flags = traceparent.split("-")
        assert (version, upstream_trace_id, flags) == ("00", trace_id, "01")
        assert parent_span_id != caller_span_id  # the gateway's own span, in the caller's trace

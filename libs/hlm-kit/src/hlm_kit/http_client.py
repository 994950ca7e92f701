"""The HTTP client one part of the platform calls another through: the gateway the services, the web front
the gateway. Install with the ``http`` extra.

It is httpx's client (its API, its exceptions, its timeouts) over aiohttp's connection pool
(httpx-aiohttp's ``AiohttpTransport``). httpx's own transport (httpcore on anyio: a cancel scope around
every read and write, a check of every idle pooled connection on every request) was more than half of
the gateway's CPU: the app's home screen, four service calls, cost 19.5 to 20.6 ms of the gateway's CPU
with it and 12.5 to 13.6 ms over aiohttp's pool (``bench/gateway.py``).
"""

from __future__ import annotations

from collections.abc import Mapping

import aiohttp
import httpx
from httpx_aiohttp import AiohttpTransport
from httpx_aiohttp.transport import map_aiohttp_exceptions

__all__ = ["PlatformClient", "http_client"]


def http_client(
    base_url: str,
    *,
    timeout_s: float,
    max_connections: int | None = 100,
    transport: httpx.AsyncBaseTransport | None = None,
) -> PlatformClient:
    """A client of ``base_url`` keeping up to ``max_connections`` open (None: no limit), each connect,
    read and wait for a free connection bounded by ``timeout_s``. ``transport`` replaces the network:
    tests serve an app in-process through ``httpx.ASGITransport``. Close it with ``aclose``."""
    limits = httpx.Limits(max_connections=max_connections)
    return PlatformClient(base_url=base_url, timeout=timeout_s, limits=limits, transport=transport or _Pool(limits))


class _NoCookies(httpx.Cookies):
    """A cookie store that keeps nothing: what one answer sets is never sent with a later request."""

    def extract_cookies(self, response: httpx.Response) -> None:
        return None


class PlatformClient(httpx.AsyncClient):
    """httpx's client with no cookie store. One client carries every caller's requests (the gateway's to a
    service, the web front's to the gateway), so a cookie one answer set must never go out with another
    caller's request; no part of the platform sets one. httpx would still read every answer for cookies (a
    URL parsed into urllib's request and its headers searched), 2-3 % of the gateway's and the web front's
    CPU on a rater's journey, for nothing."""

    _no_cookies = _NoCookies()

    @property
    def cookies(self) -> httpx.Cookies:
        return self._no_cookies

    @cookies.setter
    def cookies(self, cookies: object) -> None:
        # httpx's constructor sets the store; a caller setting cookies would expect them sent.
        if cookies:
            raise TypeError("the platform's HTTP client sends no cookies")

    async def post_whole(self, url: httpx.URL, content: bytes, headers: Mapping[str, str]) -> tuple[int, bytes]:
        """POST ``content`` to ``url`` (absolute) with ``headers`` and read the whole answer: its status and
        body. For a small request and answer, such as a GraphQL call, on the hot path of a page.

        Sent on aiohttp's pool directly: building httpx's request and response around aiohttp's, and reading
        the body through its stream, was half of such a call's CPU in the web front. It fails as the client's
        other calls fail (httpx's exceptions, the client's timeouts). With another transport (a test's ASGI
        app) it goes through httpx."""
        transport = self._transport
        if not isinstance(transport, _Pool):
            response = await self.post(url, content=content, headers=headers)
            return response.status_code, response.content
        return await transport.post_whole(str(url), content, headers, self.timeout)


class _Pool(AiohttpTransport):
    """aiohttp's pool behind httpx, failing as httpx's own transport fails."""

    def __init__(self, limits: httpx.Limits) -> None:
        super().__init__(limits=limits, client=self._session)

    def _session(self) -> aiohttp.ClientSession:
        # Made on the first request, inside the event loop that will use it. Cookies stay with httpx's
        # client, as they did before: aiohttp keeps no second jar and sends nothing from one.
        connector = aiohttp.TCPConnector(
            limit=self.limits.max_connections or 0,
            keepalive_timeout=self.limits.keepalive_expiry,
            ssl=self.ssl_context,
        )
        return aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar())

    async def post_whole(
        self, url: str, content: bytes, headers: Mapping[str, str], limits: httpx.Timeout
    ) -> tuple[int, bytes]:
        if not isinstance(self.client, aiohttp.ClientSession):
            self.client = self.get_client()
        try:
            with map_aiohttp_exceptions():
                async with self.client.post(
                    url,
                    data=content,
                    headers=headers,
                    allow_redirects=False,
                    # As httpx's transport is given them: connecting, each read, and the wait for a connection.
                    timeout=aiohttp.ClientTimeout(
                        sock_connect=limits.connect, sock_read=limits.read, connect=limits.pool
                    ),
                ) as response:
                    return response.status, await response.read()
        except ValueError as exc:
            raise httpx.LocalProtocolError(str(exc)) from exc

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return await super().handle_async_request(request)
        except ValueError as exc:
            # aiohttp refuses to write a header with a control character (a NUL, a line break) with a
            # ValueError; httpx's transport raised LocalProtocolError. Callers tell a request that cannot
            # be written (the caller's fault) from a service that is down by it.
            raise httpx.LocalProtocolError(str(exc)) from exc

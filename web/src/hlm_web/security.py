"""Headers every response carries: a Content Security Policy without 'unsafe-inline', no Referer ever
(a rater's link holds their token, and the page's URL must not travel to anyone), and no caching of
pages that show a rater's answers."""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send


def content_security_policy(nonce: str) -> str:
    # Everything comes from this origin: the NHS.UK frontend is served here, its fonts are not used,
    # and no page asks anything of another host. The template's one inline script carries the nonce.
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self'",
            "img-src 'self'",
            "font-src 'self'",
            "connect-src 'self'",
            "manifest-src 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "object-src 'none'",
        )
    )


# The policy as bytes around its nonce, made once: only the nonce changes from one response to the next.
_CSP_BEFORE, _CSP_AFTER = (part.encode("latin-1") for part in content_security_policy("\0").split("\0"))
# What every response says whatever else it carries; these names replace any a route set.
_ALWAYS = (
    (b"referrer-policy", b"no-referrer"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
)
_SET_HERE = frozenset({b"content-security-policy", *(name for name, _ in _ALWAYS)})
_NO_STORE = (b"cache-control", b"no-store")


def with_security_headers(raw: Iterable[tuple[bytes, bytes]], nonce: str) -> list[tuple[bytes, bytes]]:
    """A response's raw headers with the policy (``nonce`` in it), no Referer, no sniffing, no framing,
    and, for a page (text/html), no caching, each in place of any of the same name. Built as a plain list:
    Starlette's ``MutableHeaders``, which searches the list again for every header set, was most of this
    middleware's time, on every page."""
    headers: list[tuple[bytes, bytes]] = []
    html = False
    for name, value in raw:
        lowered = name.lower()
        if lowered in _SET_HERE:
            continue
        if lowered == b"content-type" and not html:
            html = value.startswith(b"text/html")
        headers.append((name, value))
    if html:
        headers = [header for header in headers if header[0].lower() != b"cache-control"]
        headers.append(_NO_STORE)
    headers.append((b"content-security-policy", _CSP_BEFORE + nonce.encode("latin-1") + _CSP_AFTER))
    headers.extend(_ALWAYS)
    return headers


class SecurityHeadersMiddleware:
    """Pure ASGI: a fresh nonce per request in ``request.state.csp_nonce``, and the headers on the way out."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(16)
        scope.setdefault("state", {})["csp_nonce"] = nonce

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": with_security_headers(message.get("headers", ()), nonce)}
            await send(message)

        await self.app(scope, receive, send_with_headers)

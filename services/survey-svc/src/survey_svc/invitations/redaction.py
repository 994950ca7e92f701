"""Keeping rater tokens out of logs, metrics, traces and error documents.

A rater's link carries their token in the path (``/v1/invitations/{token}/...``). This middleware,
the outermost layer of the app, takes the token out of the path before anything else sees the
request: it keeps the token in the ASGI scope for the one dependency that reads it, and hands the
rest of the app a path where the token is replaced by a fixed placeholder. Access logs, the
correlation middleware, Prometheus labels, exception logs and the ``instance`` of problem documents
all see the placeholder only.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

PREFIX = "/v1/invitations/"
PLACEHOLDER = "~token~"
SCOPE_KEY = "hlm.invitation_token"


class InvitationTokenRedaction:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(PREFIX):
            token, slash, rest = scope["path"][len(PREFIX) :].partition("/")
            if token:
                path = f"{PREFIX}{PLACEHOLDER}{slash}{rest}"
                scope = {**scope, "path": path, "raw_path": path.encode(), SCOPE_KEY: token}
        await self.app(scope, receive, send)

"""survey-svc as a rater reaches it: the token in the path is the only credential."""

from __future__ import annotations

import re

from strawberry.types import Info

from hlm_gateway.context import Context
from hlm_gateway.errors import ErrorCode, GatewayError
from hlm_gateway.upstream import Upstream

# survey-svc's tokens are URL-safe base64. Anything else cannot be one, and must not become part of the
# path (a "/" would reach another route), so it gets survey-svc's own answer for a link that opens nothing.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,200}")
LINK_NOT_VALID = "This invitation link is not valid. It may have been used, withdrawn or closed."


def as_rater(info: Info[Context, None]) -> Upstream:
    """survey-svc with no Authorization: a rater has no account, and an app user who is signed in and
    also a rater must not have their identity sent along with their answers. The caller's address goes
    along, so survey-svc slows down whoever guesses tokens rather than every rater at once."""
    request = info.context.request
    address = request.client.host if request is not None and request.client is not None else None
    return info.context.survey.without_identity(forwarded_for=address)


def invitation_path(upstream: Upstream, token: str, action: str = "") -> str:
    if not _TOKEN.fullmatch(token):
        raise GatewayError(LINK_NOT_VALID, ErrorCode.NOT_FOUND, service=upstream.name)
    return f"/v1/invitations/{token}{action}"

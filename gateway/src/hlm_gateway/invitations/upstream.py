"""survey-svc as a rater reaches it: the token in the path is the only credential."""

from __future__ import annotations

import re
from collections.abc import Iterable

from strawberry.types import Info
from strawberry.types.nodes import SelectedField

from hlm_gateway.context import Context
from hlm_gateway.errors import ErrorCode, GatewayError
from hlm_gateway.selections import selected
from hlm_gateway.upstream import Upstream

# survey-svc's tokens are URL-safe base64. Anything else cannot be one, and must not become part of the
# path (a "/" would reach another route), so it gets survey-svc's own answer for a link that opens nothing.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,200}")
LINK_NOT_VALID = "This invitation link is not valid. It may have been used, withdrawn or closed."
# survey-svc's longest ``item_keys`` and ``dimension_keys`` (its invitation read's maxLength).
DRAFT_FILTER_MAX_LENGTH = 2_000


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


def draft_filters(fields: Iterable[SelectedField]) -> dict[str, str]:
    """survey-svc's filters of an invitation's draft for what the query asks of it (``fields``, the
    invitation's as :func:`~hlm_gateway.selections.selected_fields` makes them): its answers' ``itemKeys``
    and its importance's and comments' ``dimensionKeys``, each the union of every selection's, and no filter
    where any selection asks for the whole list (``answeredItemKeys`` reads every answer). A page showing one
    dimension then has survey-svc send, and this gateway read, that dimension's part of the draft alone
    (it filters again, per selection, as it always did)."""
    drafts = [draft for field in fields for draft in selected(field.selections, "draft")]
    items = _union(
        [answers.arguments.get("itemKeys") for draft in drafts for answers in selected(draft.selections, "answers")]
        + [None for draft in drafts for _ in selected(draft.selections, "answeredItemKeys")]
    )
    dimensions = _union(
        [
            part.arguments.get("dimensionKeys")
            for draft in drafts
            for name in ("importance", "comments")
            for part in selected(draft.selections, name)
        ]
    )
    filters = {}
    for name, keys in (("item_keys", items), ("dimension_keys", dimensions)):
        joined = None if keys is None else ",".join(keys)
        # Longer than survey-svc takes: no filter, so the whole draft, which each selection filters here.
        if joined is not None and len(joined) <= DRAFT_FILTER_MAX_LENGTH:
            filters[name] = joined
    return filters


def _union(filters: list[list[str] | None]) -> list[str] | None:
    """Every key of ``filters`` in their order, once; None (everything) when any of them is None. A key
    holding a comma cannot be survey-svc's, and is no filter at all."""
    if any(keys is None for keys in filters):
        return None
    keys = list(dict.fromkeys(key for listed in filters for key in listed or ()))
    return None if any("," in key for key in keys) else keys

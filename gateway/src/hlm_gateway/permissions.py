"""Who may use a field, one class per rule, declared on the field rather than checked in its resolver.

Most fields need none here: the gateway forwards the caller's token and each service decides, so a refusal
reads the same whether it comes through the gateway or not. A rule lives here when the gateway itself acts
on who the caller is (whose data to erase, whose events to pass on).

A rule is attached as ``@strawberry.field(permission_classes=[SignedIn])``; the resolver runs only for a
caller every rule admits, checked in order, the first that refuses answering. The rules print no directive
into ``schema.graphql``: they are the gateway's own business, and the schema stays as clients know it.
"""

from __future__ import annotations

from strawberry.permission import BasePermission
from strawberry.types import Info

from hlm_gateway.context import Context


class SignedIn(BasePermission):
    """The caller presents a bearer token the gateway can verify. Refused with ``UNAUTHENTICATED``: "a bearer
    token is required" without one, "invalid token" when it does not verify (raised by
    :meth:`Context.caller`, which keeps the verified caller for the resolver)."""

    async def has_permission(self, source: object, info: Info[Context, None], **kwargs: object) -> bool:
        await info.context.caller()
        return True

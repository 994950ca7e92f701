"""Who may act on what. An academy administrator manages the facilitators, sessions and cohorts of
their own region (the token's ``region`` claim); a facilitator manages their own profile and slots; a
participant books and rates their own sessions."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from facilitator_svc.facilitators.models import Facilitator
from hlm_kit.auth import Principal, Role, require_role
from hlm_kit.errors import Forbidden

Admin = Annotated[Principal, Depends(require_role(Role.ACADEMY_ADMIN))]
AdminOrFacilitator = Annotated[Principal, Depends(require_role(Role.ACADEMY_ADMIN, Role.FACILITATOR))]
Participant = Annotated[Principal, Depends(require_role(Role.PARTICIPANT))]
AdminOrParticipant = Annotated[Principal, Depends(require_role(Role.ACADEMY_ADMIN, Role.PARTICIPANT))]
AnyUser = Annotated[Principal, Depends(require_role(Role.ACADEMY_ADMIN, Role.FACILITATOR, Role.PARTICIPANT))]


def is_admin(principal: Principal) -> bool:
    return principal.has_role(Role.ACADEMY_ADMIN)


def admin_region(principal: Principal) -> str:
    """The region an administrator manages; a token without one manages nothing."""
    if not is_admin(principal):
        raise Forbidden("requires role: academy_admin")
    if not principal.region:
        raise Forbidden("an academy administrator's token must carry the region they manage")
    return principal.region


def manages_region(principal: Principal, region: str) -> bool:
    return is_admin(principal) and principal.region is not None and principal.region == region


def is_the_facilitator(principal: Principal, facilitator: Facilitator) -> bool:
    return (
        principal.has_role(Role.FACILITATOR)
        and facilitator.subject is not None
        and facilitator.subject == principal.sub
    )


def can_manage(principal: Principal, facilitator: Facilitator) -> bool:
    """The region's administrator, or the facilitator themself."""
    return manages_region(principal, facilitator.region) or is_the_facilitator(principal, facilitator)


FacilitatorOnly = Annotated[Principal, Depends(require_role(Role.FACILITATOR))]

"""Who may act on what. An academy administrator manages the facilitators, sessions and cohorts of
their own region (the token's ``region`` claim); a facilitator manages their own profile and slots; a
participant books and rates their own sessions."""

from __future__ import annotations

from facilitator_svc.facilitators.models import Facilitator
from hlm_kit.auth import Principal, Role


def is_admin(principal: Principal) -> bool:
    return principal.has_role(Role.ACADEMY_ADMIN)


def is_the_facilitator(principal: Principal, facilitator: Facilitator) -> bool:
    return (
        principal.has_role(Role.FACILITATOR)
        and facilitator.subject is not None
        and facilitator.subject == principal.sub
    )


def can_manage(principal: Principal, facilitator: Facilitator) -> bool:
    """The region's administrator, or the facilitator themself."""
    return principal.is_academy_admin_for(facilitator.region) or is_the_facilitator(principal, facilitator)

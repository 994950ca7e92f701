"""A participant's consent to share their individual reports with their organisation."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession

from hlm_kit.auth import Principal
from hlm_kit.errors import BadRequest, NotFound
from report_svc.consents.models import Consent
from report_svc.consents.schemas import ConsentOut
from report_svc.reports.models import Report


async def get(session: AsyncSession, principal: Principal) -> ConsentOut:
    consent = await session.get(Consent, principal.sub)
    if consent is None:
        raise NotFound("you have not consented to share your reports")
    return ConsentOut.model_validate(consent)


async def grant(session: AsyncSession, principal: Principal) -> ConsentOut:
    """Consent for the organisation of the participant's token. Their reports of that organisation are
    marked changed, so a partner syncing with ``updated_since`` picks up reports released earlier."""
    if principal.org is None:
        raise BadRequest("your token names no organisation to share with")
    now = datetime.now(UTC)
    consent = await session.get(Consent, principal.sub)
    if consent is None:
        consent = Consent(participant_id=principal.sub, organisation=principal.org, granted_at=now)
        session.add(consent)
    elif consent.organisation != principal.org:
        consent.organisation, consent.granted_at = principal.org, now
    else:
        return ConsentOut.model_validate(consent)
    await session.execute(
        update(Report)
        .where(Report.participant_id == principal.sub, Report.organisation == principal.org)
        .values(updated_at=now)
    )
    await session.flush()
    return ConsentOut.model_validate(consent)


async def withdraw(session: AsyncSession, principal: Principal) -> None:
    await session.execute(delete(Consent).where(Consent.participant_id == principal.sub))

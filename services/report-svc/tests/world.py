"""A small world of committed reports shared by a test module: one organisation and region of its own,
six participants of one questionnaire, a booked facilitator and a partner's consent."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from hlm_kit.auth import Principal
from report_svc.consents.models import Consent
from report_svc.reports import service as report_service
from report_svc.reports.service import report_id_of

from .conftest import book, cycle_events, seed


@dataclass(frozen=True)
class World:
    organisation: str
    region: str
    questionnaire_id: uuid.UUID
    team_cycle_id: uuid.UUID
    owner: str  # a participant whose coached report was released by their facilitator, consenting to share
    owner_report: uuid.UUID
    facilitator_id: uuid.UUID  # the booked facilitator's register entry in facilitator-svc
    facilitator_subject: str  # the account they sign in with: their token's `sub`
    participants: list[str]
    reports: list[uuid.UUID]


async def make_world(engine: AsyncEngine, participants: int = 6) -> World:
    tag = uuid.uuid4().hex[:8]
    organisation, region = f"ORG{tag}", f"region-{tag}"
    questionnaire_id, team_cycle_id, facilitator_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    facilitator_subject = f"idp|facilitator-{tag}"
    names = [f"p{n}-{tag}" for n in range(participants)]
    reports = []
    async with AsyncSession(engine, expire_on_commit=False) as session:
        for n, name in enumerate(names):
            events = cycle_events(
                participant_id=name,
                questionnaire_id=questionnaire_id,
                organisation=organisation,
                region=region,
                team_cycle_id=team_cycle_id,
                release_mode="coached" if n == 0 else "direct",
            )
            await seed(session, events)
            reports.append(report_id_of(events.cycle_id))
        owner_events_cycle = await report_service.ReportRepository(session).get_by_id(reports[0])
        assert owner_events_cycle is not None
        await book(
            session,
            facilitator_id=facilitator_id,
            facilitator_subject=facilitator_subject,
            participant_id=names[0],
            cycle_id=owner_events_cycle.cycle_id,
        )
        session.add(Consent(participant_id=names[0], organisation=organisation))
        await session.commit()
        await report_service.release(
            session, Principal(sub=facilitator_subject, roles=frozenset({"facilitator"})), reports[0]
        )
        await session.commit()
    return World(
        organisation,
        region,
        questionnaire_id,
        team_cycle_id,
        names[0],
        reports[0],
        facilitator_id,
        facilitator_subject,
        names,
        reports,
    )

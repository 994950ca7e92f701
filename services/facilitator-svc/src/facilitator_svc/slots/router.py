from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response, status
from pydantic import AwareDatetime

from facilitator_svc.clock import Now
from facilitator_svc.slots import service as slot_service
from facilitator_svc.slots.schemas import SlotList, SlotsIn
from facilitator_svc.vocabulary import SessionKind
from hlm_kit.auth import AdminOrFacilitator
from hlm_kit.db import Session

router = APIRouter(prefix="/v1/facilitators/{facilitator_id}/slots", tags=["availability"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=SlotList, summary="Offer sessions (all or none)")
async def create(
    session: Session, principal: AdminOrFacilitator, facilitator_id: UUID, body: SlotsIn, now: Now
) -> SlotList:
    return await slot_service.add(session, principal, facilitator_id, body, now)


@router.get("", response_model=SlotList)
async def list_slots(
    session: Session,
    principal: AdminOrFacilitator,
    facilitator_id: UUID,
    now: Now,
    starts_from: Annotated[AwareDatetime | None, Query(alias="from")] = None,
    starts_before: Annotated[AwareDatetime | None, Query(alias="to")] = None,
    kind: Annotated[SessionKind | None, Query(description="only sessions of this kind")] = None,
) -> SlotList:
    return await slot_service.list_for(
        session, principal, facilitator_id, now, starts_from=starts_from, starts_before=starts_before, kind=kind
    )


@router.delete("/{slot_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
async def delete(
    session: Session, principal: AdminOrFacilitator, facilitator_id: UUID, slot_id: UUID, now: Now
) -> None:
    await slot_service.remove(session, principal, facilitator_id, slot_id, now)

"""Booking the feedback session of a 360: the facilitators who may hold it, best first with the reasons
for their place, a session held for a short time, then confirmed.

The gateway's ``facilitatorMatches`` leaves out anyone a rule rules out (a rater of the participant, a
colleague of their organisation, someone with no capacity left); this page shows what it answers, in its
order. ``holdSession`` keeps a slot for the participant for a few minutes; a slot someone else took
meanwhile is its ``BookingConflict``, shown as the NHS.UK error summary above the same choices."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from starlette.exceptions import HTTPException

from hlm_web import csrf
from hlm_web.answer.questionnaire import UK
from hlm_web.gateway import GatewayUnavailable
from hlm_web.participant import queries
from hlm_web.participant.router import SignedIn, _see_other, call
from hlm_web.signin.session import Person
from hlm_web.templating import render

router = APIRouter()

MODE_NAMES = {"VIDEO": "Video call", "IN_PERSON": "In person", "video": "Video call", "in_person": "In person"}
STATUS_NAMES = {"held": "Held for you", "confirmed": "Booked", "completed": "Held", "cancelled": "Cancelled"}


def when(value: str) -> str:
    """A session's time as people read it in England: 'Tuesday 8 December 2026, 10:00am'."""
    at = datetime.fromisoformat(value).astimezone(UK)
    return f"{at:%A} {at.day} {at:%B %Y}, {at.hour % 12 or 12}:{at:%M}{'am' if at.hour < 12 else 'pm'}"


def _checked(cycle_id: str) -> str:
    try:
        return str(uuid.UUID(cycle_id))
    except ValueError as exc:
        raise HTTPException(status_code=404) from exc


def _url(cycle_id: str) -> str:
    return f"/assessments/{cycle_id}/feedback-session"


def _session_view(session: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": session["id"],
        "status": session["status"],
        "status_name": STATUS_NAMES.get(session["status"], session["status"].capitalize()),
        "facilitator": session["facilitatorName"],
        "when": when(session["startsAt"]),
        "mode": MODE_NAMES.get(session["mode"], session["mode"]),
        "venue": session.get("venue"),
        "hold_until": when(session["holdExpiresAt"]) if session.get("holdExpiresAt") else None,
    }


def _match_view(match: dict[str, Any]) -> dict[str, Any]:
    card = match["facilitator"]
    return {
        "rank": match["rank"],
        "id": card["id"],
        "name": card["name"],
        "organisation": card["organisation"],
        "languages": ", ".join(card["languages"]),
        "reasons": [reason["detail"] for reason in match["reasons"] if reason["detail"]],
        "slots": [
            {
                "value": f"{slot['slotId']}|{slot['mode']}",
                "text": f"{when(slot['startsAt'])}, {MODE_NAMES.get(slot['mode'], slot['mode']).lower()}",
                "hint": slot.get("venue"),
            }
            for slot in match["slots"]
        ],
    }


async def _page(
    request: Request, person: Person, cycle_id: str, *, errors: list[str] | None = None, status_code: int = 200
) -> Response:
    found = await call(request, person, queries.BOOKING, cycleId=cycle_id)
    cycle = found["cycle"]
    if cycle is None or cycle["kind"] == "self_assessment":
        raise HTTPException(status_code=404)
    session = cycle.get("feedbackSession")
    if session is not None and session["status"] != "cancelled":
        # Held or booked already: this page shows it (and confirms a held one) instead of the choices.
        return render(
            request,
            "participant/feedback_session.html",
            {"cycle_url": f"/assessments/{cycle_id}", "url": _url(cycle_id), "session": _session_view(session),
             "errors": errors},
            status_code=status_code,
        )  # fmt: skip
    matches = [_match_view(m) for m in (found["facilitatorMatches"] or [])]
    return render(
        request,
        "participant/facilitator_matches.html",
        {"cycle_url": f"/assessments/{cycle_id}", "url": _url(cycle_id), "matches": matches, "errors": errors},
        status_code=status_code,
    )


@router.get("/assessments/{cycle_id}/feedback-session", response_class=HTMLResponse)
async def booking_page(request: Request, person: SignedIn, cycle_id: str) -> Response:
    return await _page(request, person, _checked(cycle_id))


@router.post("/assessments/{cycle_id}/feedback-session", dependencies=[Depends(csrf.protect)])
async def hold(request: Request, person: SignedIn, cycle_id: str, slot: Annotated[str, Form()] = "") -> Response:
    cycle_id = _checked(cycle_id)
    slot_id, _, mode = slot.partition("|")
    if not slot_id or mode not in ("VIDEO", "IN_PERSON"):
        return await _page(request, person, cycle_id, errors=["Select a session"], status_code=400)
    held = (await call(request, person, queries.HOLD_SESSION, slotId=slot_id, cycleId=cycle_id, mode=mode))[
        "holdSession"
    ]
    if held is None:
        raise GatewayUnavailable
    if held["__typename"] == "BookingConflict":
        # Someone took the slot meanwhile, or a rule now rules it out: the person chooses again.
        return await _page(request, person, cycle_id, errors=[_conflict_text(held)], status_code=409)
    return _see_other(_url(cycle_id))


def _conflict_text(conflict: dict[str, Any]) -> str:
    if conflict.get("code") == "slot-taken":
        return "That session has just been taken. Choose another session"
    if conflict.get("code") == "no-capacity":
        return "That facilitator has no more sessions that month. Choose another session"
    return "That session can no longer be booked. Choose another session"


@router.post("/assessments/{cycle_id}/feedback-session/confirm", dependencies=[Depends(csrf.protect)])
async def confirm(request: Request, person: SignedIn, cycle_id: str, session: Annotated[str, Form()] = "") -> Response:
    cycle_id = _checked(cycle_id)
    confirmed = (await call(request, person, queries.CONFIRM_SESSION, id=_checked(session)))["confirmSession"]
    if confirmed is None:
        raise GatewayUnavailable
    if confirmed["__typename"] == "SessionChangeRefused":
        # The hold ran out: the slot went back; the person chooses again.
        return await _page(
            request, person, cycle_id, errors=["The time to confirm this session ran out. Choose a session again"],
            status_code=409,
        )  # fmt: skip
    return _see_other(_url(cycle_id))

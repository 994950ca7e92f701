"""An academy administrator's pages: the facilitator register of their region (list, filter, add,
deactivate) and allocating a cohort of participants to its facilitators.

The gateway decides who may do this (academy administrators of the region; anyone else is FORBIDDEN,
the plain "you cannot see this page"). The register is filtered and paged by the gateway (its search,
status and cursor), so a region of any size is read a page at a time."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.exceptions import HTTPException

from hlm_web import csrf
from hlm_web.answer.questionnaire import UK
from hlm_web.gateway import GatewayRefused, GatewayUnavailable
from hlm_web.participant import queries
from hlm_web.participant.booking import MODE_NAMES, when
from hlm_web.participant.router import SignedIn, _see_other, call
from hlm_web.templating import render

router = APIRouter()

STATUSES = {"ACTIVE": "Active", "INACTIVE": "Inactive", "WITHDRAWN": "Withdrawn"}
LEVELS = {"FACILITATOR": "Facilitator", "TRAINER": "Trainer"}
ALLOCATION_STATUSES = {
    "queued": "Waiting to start", "running": "Running", "proposed": "Proposed", "failed": "Failed",
    "confirmed": "Confirmed", "discarded": "Discarded",
}  # fmt: skip
# How a rule that kept facilitators away from a participant reads on the page.
RULES = {
    "inactive": "are not active",
    "accreditation_expired": "have an accreditation that runs out too soon",
    "same_organisation": "work in the participant's organisation",
    "declared_conflict": "declared a conflict with the participant's organisation",
    "conflict_of_interest": "have a conflict of interest",
    "no_capacity": "have no sessions left in those months",
    "no_free_slot": "have no free session in the dates",
    "mode_not_offered": "do not hold sessions the way the participant asked",
    "too_far": "are too far away for an in-person session",
}


def _checked(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError as exc:
        raise HTTPException(status_code=404) from exc


def _date(form: Any, prefix: str) -> date | None:
    try:
        return date(
            int(form.get(f"{prefix}[year]", "")),
            int(form.get(f"{prefix}[month]", "")),
            int(form.get(f"{prefix}[day]", "")),
        )
    except ValueError:
        return None


def _date_values(form: Any, prefix: str) -> dict[str, str]:
    return {part: str(form.get(f"{prefix}[{part}]", "")) for part in ("day", "month", "year")}


# ----------------------------------------------------------------------------------------------------
# The register
# ----------------------------------------------------------------------------------------------------


# Facilitators shown on a page of the register.
REGISTER_PAGE = 25


@router.get("/academy/facilitators", response_class=HTMLResponse)
async def register(
    request: Request, person: SignedIn, name: str = "", status: str = "", after: str = "", start: str = "1"
) -> Response:
    wanted = name.strip()[:200]
    try:
        data = await call(
            request,
            person,
            queries.REGISTER,
            first=REGISTER_PAGE,
            after=after or None,
            search=wanted or None,
            status=status if status in STATUSES else None,
        )
    except GatewayRefused as exc:
        # A page link altered by hand (its cursor is not one the register gave): no such page.
        if exc.code == "BAD_USER_INPUT" and after:
            raise HTTPException(status_code=404) from exc
        raise
    page = data["facilitators"] or {"edges": [], "pageInfo": {"hasNextPage": False, "endCursor": None}}
    rows = [
        {
            "id": f["id"], "name": f["name"], "organisation": f["organisation"],
            "level": LEVELS.get(f["accreditation"]["level"], f["accreditation"]["level"]),
            "accreditation_current": f["accreditation"]["isCurrent"],
            "status": f["status"], "status_name": STATUSES.get(f["status"], f["status"]),
            "capacity": f["capacityPerMonth"],
        }
        for f in (edge["node"] for edge in page["edges"])
    ]  # fmt: skip
    filters = {"name": wanted} if wanted else {}
    filters |= {"status": status} if status in STATUSES else {}
    # Where this page starts in the filtered register, for "Showing 26 to 50": carried by the Next link.
    first_shown = max(int(start), 1) if after and start.isdigit() and len(start) < 7 else 1
    next_url = (
        "/academy/facilitators?"
        + urlencode(filters | {"after": page["pageInfo"]["endCursor"], "start": first_shown + len(rows)})
        if page["pageInfo"]["hasNextPage"]
        else None
    )
    first_url = "/academy/facilitators" + ("?" + urlencode(filters) if filters else "") if after else None
    return render(
        request,
        "academy/register.html",
        {
            "rows": rows, "name": wanted, "status": status, "statuses": STATUSES,
            "first_shown": first_shown, "next_url": next_url, "first_url": first_url,
        },
    )  # fmt: skip


def _blank() -> dict[str, Any]:
    return {"name": "", "email": "", "organisation": "", "level": "FACILITATOR", "capacity": "4", "modes": ["VIDEO"],
            "trained": {}, "expires": {}}  # fmt: skip


@router.get("/academy/facilitators/new", response_class=HTMLResponse)
async def new_facilitator_page(request: Request, person: SignedIn) -> Response:
    return render(request, "academy/facilitator_new.html", {"values": _blank(), "levels": LEVELS, "modes": MODE_NAMES})


@router.post("/academy/facilitators/new", dependencies=[Depends(csrf.protect)])
async def add_facilitator(request: Request, person: SignedIn) -> Response:
    form = await request.form()
    values: dict[str, Any] = {
        "name": str(form.get("name", "")).strip(),
        "email": str(form.get("email", "")).strip(),
        "organisation": str(form.get("organisation", "")).strip().upper(),
        "level": str(form.get("level", "")),
        "capacity": str(form.get("capacity", "")).strip(),
        "modes": [m for m in form.getlist("modes") if m in ("VIDEO", "IN_PERSON")],
        "trained": _date_values(form, "trained"),
        "expires": _date_values(form, "expires"),
    }
    trained, expires = _date(form, "trained"), _date(form, "expires")
    errors: list[tuple[str, str]] = []
    if not values["name"]:
        errors.append(("name", "Enter the facilitator's name"))
    if "@" not in values["email"]:
        errors.append(("email", "Enter the facilitator's email address, like name@nhs.net"))
    if not values["organisation"]:
        errors.append(("organisation", "Enter the organisation code, like RYJ"))
    if values["level"] not in LEVELS:
        errors.append(("level", "Select the accreditation level"))
    if trained is None:
        errors.append(("trained", "Enter the date they were trained, like 18 12 2026"))
    if expires is None:
        errors.append(("expires", "Enter the date their accreditation runs out, like 18 12 2029"))
    if not values["capacity"].isdigit() or int(values["capacity"]) < 1:
        errors.append(("capacity", "Enter how many sessions a month they take, like 4"))
    if not values["modes"]:
        errors.append(("modes", "Select how they hold sessions"))
    if not errors and trained is not None and expires is not None:
        added = (
            await call(
                request,
                person,
                queries.REGISTER_FACILITATOR,
                input={
                    "name": values["name"], "email": values["email"], "organisation": values["organisation"],
                    "accreditation": {"level": values["level"], "trainedOn": trained.isoformat(),
                                      "expiresOn": expires.isoformat()},
                    "capacityPerMonth": int(values["capacity"]), "modes": values["modes"],
                },
            )
        )["registerFacilitator"]  # fmt: skip
        if added is None:
            raise GatewayUnavailable
        if added["__typename"] == "Facilitator":
            return _see_other(f"/academy/facilitators?added={added['id']}")
        # The register's own rules (an email already on it, dates the wrong way round): its words.
        errors = [("name", p["message"]) for p in added["problems"]] or [("name", added["message"])]
    return render(
        request,
        "academy/facilitator_new.html",
        {"values": values, "levels": LEVELS, "modes": MODE_NAMES, "errors": errors, "error_for": dict(errors)},
        status_code=400,
    )


@router.post("/academy/facilitators/{facilitator_id}/deactivate", dependencies=[Depends(csrf.protect)])
async def deactivate(request: Request, person: SignedIn, facilitator_id: str) -> Response:
    changed = (await call(request, person, queries.DEACTIVATE_FACILITATOR, id=_checked(facilitator_id)))[
        "updateFacilitator"
    ]
    if changed is None:
        raise GatewayUnavailable
    return _see_other("/academy/facilitators")


# ----------------------------------------------------------------------------------------------------
# Allocating a cohort
# ----------------------------------------------------------------------------------------------------


@router.get("/academy/allocations", response_class=HTMLResponse)
async def allocations(request: Request, person: SignedIn) -> Response:
    return await _allocations_page(request, person, {"participants": "", "from": {}, "to": {}}, [])


async def _allocations_page(
    request: Request, person: SignedIn, values: dict[str, Any], errors: list[tuple[str, str]], status_code: int = 200
) -> Response:
    data = await call(request, person, queries.ALLOCATIONS)
    jobs = [
        {"id": a["id"], "created": when(a["createdAt"]), "status": ALLOCATION_STATUSES.get(a["status"], a["status"]),
         "participants": a["participantCount"], "assigned": a["assignedCount"]}
        for a in (edge["node"] for edge in (data["allocations"] or {"edges": []})["edges"])
    ]  # fmt: skip
    return render(
        request,
        "academy/allocations.html",
        {"jobs": jobs, "values": values, "errors": errors, "error_for": dict(errors)},
        status_code=status_code,
    )


@router.post("/academy/allocations", dependencies=[Depends(csrf.protect)])
async def start_allocation(request: Request, person: SignedIn) -> Response:
    form = await request.form()
    text = str(form.get("participants", ""))
    values = {"participants": text, "from": _date_values(form, "from"), "to": _date_values(form, "to")}
    starts, ends = _date(form, "from"), _date(form, "to")
    members = []
    for line in text.splitlines():
        # One participant a line: their account, and optionally the cycle whose feedback it is after a comma.
        participant, _, cycle = (part.strip() for part in line.partition(","))
        if participant:
            members.append({"participantId": participant} | ({"cycleId": cycle} if cycle else {}))
    errors: list[tuple[str, str]] = []
    if not members:
        errors.append(("participants", "Enter at least one participant"))
    if starts is None:
        errors.append(("from", "Enter the first day sessions may take place, like 18 12 2026"))
    if ends is None:
        errors.append(("to", "Enter the last day sessions may take place, like 31 1 2027"))
    elif starts is not None and ends < starts:
        errors.append(("to", "The last day must be on or after the first day"))
    if not errors and starts is not None and ends is not None:
        window = {
            "startsAt": max(datetime.combine(starts, time(0, 0), tzinfo=UK), datetime.now(UTC)).isoformat(),
            "endsAt": datetime.combine(ends, time(23, 59), tzinfo=UK).isoformat(),
        }
        started = (
            await call(
                request,
                person,
                queries.START_ALLOCATION,
                input={"window": window, "participants": members},
                key=str(form.get("key", "")) or None,
            )
        )["startAllocation"]
        if started is None:
            raise GatewayUnavailable
        if started["__typename"] == "AllocationSummary":
            return _see_other(f"/academy/allocations/{started['id']}")
        errors = [("participants", p["message"]) for p in started["problems"]] or [("participants", started["message"])]
    return await _allocations_page(request, person, values, errors, status_code=400)


@router.get("/academy/allocations/{allocation_id}", response_class=HTMLResponse)
async def allocation(request: Request, person: SignedIn, allocation_id: str) -> Response:
    return await _allocation_page(request, person, _checked(allocation_id))


async def _read_allocation(request: Request, person: SignedIn, allocation_id: str) -> dict[str, Any]:
    job: dict[str, Any] | None = (await call(request, person, queries.ALLOCATION, id=allocation_id))["allocation"]
    if job is None:
        raise HTTPException(status_code=404)
    return job


async def _allocation_page(
    request: Request, person: SignedIn, allocation_id: str, error: str | None = None, status_code: int = 200
) -> Response:
    job = await _read_allocation(request, person, allocation_id)
    assignments = [
        {
            "participant": a["participantId"],
            "facilitator": (a["facilitator"] or {}).get("name", "A facilitator no longer on the register"),
            "when": when(a["startsAt"]),
            "mode": MODE_NAMES.get(a["mode"], a["mode"]),
            "fit": f"{round(a['score'] * 100)}%",
            "reasons": [r["detail"] for r in a["reasons"] if r["detail"]],
            # Once confirmed: booked, or why that one session could not be booked.
            "booking": "Booked" if a.get("bookingId") else (a.get("bookingError") or "Not booked"),
        }
        for a in job["assignments"]
    ]
    unassigned = [
        {
            "participant": u["participantId"],
            "reason": u["reason"],
            "excluded": [
                f"{e['facilitators']} {'facilitator' if e['facilitators'] == 1 else 'facilitators'}: "
                f"{RULES.get(e['rule'], e['rule'].replace('_', ' '))}"
                for e in u["excludedBy"]
            ],
        }
        for u in job["unassigned"]
    ]
    return render(
        request,
        "academy/allocation.html",
        {
            "job": job,
            "status": ALLOCATION_STATUSES.get(job["status"], job["status"]),
            "running": job["status"] in ("queued", "running"),
            "confirmed": job["status"] == "confirmed",
            "booked": sum(1 for a in job["assignments"] if a.get("bookingId")),
            "assignments": assignments,
            "unassigned": unassigned,
            "errors": [("decision", error)] if error else [],
        },
        status_code=status_code,
    )


# What each decision on a proposed allocation asks of the gateway, and the state it leaves the job in.
DECISIONS = {
    "confirm": (queries.CONFIRM_ALLOCATION, "confirmAllocation", "confirmed"),
    "discard": (queries.DISCARD_ALLOCATION, "discardAllocation", "discarded"),
}


@router.post("/academy/allocations/{allocation_id}", dependencies=[Depends(csrf.protect)])
async def decide(request: Request, person: SignedIn, allocation_id: str) -> Response:
    """Confirm a proposed allocation (every proposed session is booked) or discard it (nothing is)."""
    allocation_id = _checked(allocation_id)
    form = await request.form()
    decision = DECISIONS.get(str(form.get("decision", "")))
    if decision is None:
        return await _allocation_page(request, person, allocation_id, "Choose to confirm or discard", 400)
    document, field, reached = decision
    outcome = (await call(request, person, document, id=allocation_id))[field]
    if outcome is None:
        raise GatewayUnavailable
    # A refusal after a second click or from a second tab finds the job already where this decision
    # takes it: the same outcome, not a problem. Anything else (confirmed elsewhere, then discarded) is.
    if (
        outcome["__typename"] == "AllocationRefused"
        and (await _read_allocation(request, person, allocation_id))["status"] != reached
    ):
        return await _allocation_page(request, person, allocation_id, outcome["message"], 409)
    return _see_other(f"/academy/allocations/{allocation_id}")

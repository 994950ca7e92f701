"""A participant's journal, laid out for a phone first (one column, cards, no tables): behaviours they
noticed (observations, seen by nobody else) and their development goals.

/journal                              recent observations and active goals
/journal/observations/new             record an observation
/journal/goals/new                    set a goal
/journal/goals/{id}/achieved  (POST)  mark a goal achieved
/journal/resources/{key}/save         save a development resource (from a report's priority area) to a goal
"""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
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

router = APIRouter(prefix="/journal")


def _today() -> date:
    # "Not in the future" as the participant's own calendar reads it.
    return datetime.now(UK).date()


def _day(value: str | None) -> str | None:
    if not value:
        return None
    moment = date.fromisoformat(value)
    return f"{moment.day} {moment:%B %Y}"


async def _dimensions(request: Request, person: Person) -> list[dict[str, Any]]:
    framework = (await call(request, person, queries.HLM_DIMENSIONS))["framework"]
    return sorted(framework["dimensions"], key=lambda d: d["position"]) if framework else []


def _read_date(form: Any, prefix: str) -> date | None:
    try:
        return date(
            int(form.get(f"{prefix}[year]", "")),
            int(form.get(f"{prefix}[month]", "")),
            int(form.get(f"{prefix}[day]", "")),
        )
    except ValueError:
        return None


@router.get("", response_class=HTMLResponse)
async def journal(request: Request, person: SignedIn, saved: str | None = None) -> Response:
    data = await call(request, person, queries.JOURNAL)
    observations = [
        {**e["node"], "observed_on": _day(e["node"]["observedOn"])}
        for e in (data["observations"] or {"edges": []})["edges"]
    ]
    goals = [{**e["node"], "target_on": _day(e["node"]["targetOn"])} for e in (data["goals"] or {"edges": []})["edges"]]
    return render(request, "participant/journal.html", {"observations": observations, "goals": goals, "saved": saved})


@router.get("/observations/new", response_class=HTMLResponse)
async def new_observation(request: Request, person: SignedIn) -> Response:
    today = _today()
    return render(
        request,
        "participant/observation_new.html",
        {
            "dimensions": await _dimensions(request, person),
            "values": {"day": today.day, "month": today.month, "year": today.year, "dimensions": []},
            "key": uuid.uuid4().hex,
        },
    )


@router.post("/observations/new", dependencies=[Depends(csrf.protect)])
async def record_observation(request: Request, person: SignedIn, key: Annotated[str, Form()] = "") -> Response:
    form = await request.form()
    observed = _read_date(form, "observed")
    values = {
        "day": form.get("observed[day]", ""), "month": form.get("observed[month]", ""),
        "year": form.get("observed[year]", ""), "context": str(form.get("context", "")).strip(),
        "what": str(form.get("what", "")).strip(), "reflection": str(form.get("reflection", "")).strip(),
        "dimensions": [str(v) for v in form.getlist("dimensions")],
    }  # fmt: skip
    errors = []
    if observed is None:
        errors.append(("observed", "Enter the date you saw it, like 18 12 2026"))
    elif observed > _today():
        errors.append(("observed", "The date you saw it must be today or in the past"))
    if not values["context"]:
        errors.append(("context", "Enter where it was and what was going on"))
    if not values["what"]:
        errors.append(("what", "Enter what happened"))
    if not values["dimensions"]:
        errors.append(("dimensions", "Select at least one dimension it shows"))
    if not errors:
        assert observed is not None
        recorded = (
            await call(
                request, person, queries.RECORD_OBSERVATION, key=key or None,
                input={
                    "observedOn": observed.isoformat(), "context": values["context"], "whatHappened": values["what"],
                    "dimensionKeys": values["dimensions"], "reflection": values["reflection"] or None,
                },
            )
        )["recordObservation"]  # fmt: skip
        if recorded is None:
            raise GatewayUnavailable
        if recorded["__typename"] == "Observation":
            return _see_other("/journal?saved=observation")
        errors += [("what", p["message"]) for p in recorded["problems"]] or [("what", recorded["message"])]
    return render(
        request,
        "participant/observation_new.html",
        {
            "dimensions": await _dimensions(request, person),
            "values": values,
            "key": key,
            "errors": errors,
            "error_for": dict(errors),
        },
        status_code=400,
    )


@router.get("/goals/new", response_class=HTMLResponse)
async def new_goal(request: Request, person: SignedIn) -> Response:
    return render(
        request,
        "participant/goal_new.html",
        {"dimensions": await _dimensions(request, person), "values": {"dimensions": []}, "key": uuid.uuid4().hex},
    )


@router.post("/goals/new", dependencies=[Depends(csrf.protect)])
async def set_goal(request: Request, person: SignedIn, key: Annotated[str, Form()] = "") -> Response:
    form = await request.form()
    target = _read_date(form, "target")
    given = any(form.get(f"target[{part}]") for part in ("day", "month", "year"))
    values = {
        "title": str(form.get("title", "")).strip(), "description": str(form.get("description", "")).strip(),
        "day": form.get("target[day]", ""), "month": form.get("target[month]", ""),
        "year": form.get("target[year]", ""), "dimensions": [str(v) for v in form.getlist("dimensions")],
    }  # fmt: skip
    errors = []
    if not values["title"]:
        errors.append(("title", "Enter your goal"))
    if given and target is None:
        errors.append(("target", "Enter a real date, like 18 12 2026, or leave it empty"))
    if not errors:
        set_ = (
            await call(
                request, person, queries.SET_GOAL, key=key or None,
                input={
                    "title": values["title"], "description": values["description"] or None,
                    "dimensionKeys": values["dimensions"], "targetOn": target.isoformat() if target else None,
                },
            )
        )["setGoal"]  # fmt: skip
        if set_ is None:
            raise GatewayUnavailable
        if set_["__typename"] == "Goal":
            return _see_other("/journal?saved=goal")
        errors += [("title", p["message"]) for p in set_["problems"]] or [("title", set_["message"])]
    return render(
        request,
        "participant/goal_new.html",
        {
            "dimensions": await _dimensions(request, person),
            "values": values,
            "key": key,
            "errors": errors,
            "error_for": dict(errors),
        },
        status_code=400,
    )


@router.post("/goals/{goal_id}/achieved", dependencies=[Depends(csrf.protect)])
async def goal_achieved(request: Request, person: SignedIn, goal_id: str) -> Response:
    try:
        uuid.UUID(goal_id)
    except ValueError as exc:
        raise HTTPException(status_code=404) from exc
    await call(request, person, queries.GOAL_ACHIEVED, id=goal_id)
    return _see_other("/journal?saved=achieved")


# framework-svc's resource keys, as the gateway checks them: anything else is no resource's page.
_RESOURCE_KEY = re.compile(r"[a-z0-9][a-z0-9_.-]{0,62}")


async def _resource_and_goals(
    request: Request, person: Person, key: str
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    if not _RESOURCE_KEY.fullmatch(key):
        raise HTTPException(status_code=404)
    data = await call(request, person, queries.RESOURCE_TO_SAVE, key=key)
    if data["resource"] is None:
        raise HTTPException(status_code=404)
    goals = [e["node"] for e in (data["goals"] or {"edges": []})["edges"]]
    return data["resource"], goals


@router.get("/resources/{key}/save", response_class=HTMLResponse)
async def resource_to_save(request: Request, person: SignedIn, key: str) -> Response:
    resource, goals = await _resource_and_goals(request, person, key)
    return render(request, "participant/resource_save.html", {"resource": resource, "goals": goals})


@router.post("/resources/{key}/save", dependencies=[Depends(csrf.protect)])
async def save_resource(request: Request, person: SignedIn, key: str, goal: Annotated[str, Form()] = "") -> Response:
    errors = []
    try:
        uuid.UUID(goal)
    except ValueError:
        errors.append(("goal", "Select the goal to save it to"))
    if not errors:
        saved = (await call(request, person, queries.SAVE_RESOURCE_TO_GOAL, goalId=goal, resourceKey=key))[
            "saveResourceToGoal"
        ]
        if saved is None:
            raise GatewayUnavailable
        if saved["__typename"] == "Goal":
            return _see_other("/journal?saved=resource")
        errors += [("goal", p["message"]) for p in saved["problems"]] or [("goal", saved["message"])]
    resource, goals = await _resource_and_goals(request, person, key)
    return render(
        request,
        "participant/resource_save.html",
        {"resource": resource, "goals": goals, "errors": errors, "error_for": dict(errors)},
        status_code=400,
    )

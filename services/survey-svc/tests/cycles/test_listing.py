"""A page of cycles (the app's home screen reads it on every visit): one statement, written as JSON from plain
rows, byte for byte what the cycles' models say, and to no one but whom it may show."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hlm_kit.testing.pytest_plugin import AuthHeaders
from survey_svc.cycles import service as cycle_service
from survey_svc.cycles.models import Cycle, FeedbackSession
from survey_svc.cycles.schemas import CycleList


async def _as_models(session: AsyncSession, ids: list[str], next_cursor: str | None) -> bytes:
    """The page written from the cycles' models, as every other read of a cycle writes it."""
    found = {str(c.id): c for c in (await session.scalars(select(Cycle).where(Cycle.id.in_(ids)))).all()}
    items = await cycle_service.to_out(session, [found[i] for i in ids])
    return CycleList(items=items, next_cursor=next_cursor).model_dump_json().encode()


async def test_a_page_of_cycles_is_written_as_their_models_are(
    survey: Any, client: httpx.AsyncClient, session: AsyncSession, auth: AuthHeaders, full_answers: Any
) -> None:
    # An open 360 with one submitted, one declined and one withdrawn rater, and a feedback session booked.
    opened, raters = await survey.open_360(peers=3)
    tokens = await survey.tokens(raters)
    submitted = await client.post(
        f"/v1/invitations/{tokens[raters[1]['email']]}/submit", json=full_answers(survey.hlm_360)
    )
    assert submitted.status_code == 201, submitted.text
    assert (await client.post(f"/v1/invitations/{tokens[raters[2]['email']]}/decline")).status_code == 204
    nominated = (await client.get(f"/v1/cycles/{opened['id']}/raters", headers=survey.participant)).json()["items"]
    withdrawn = next(r for r in nominated if r["email"] == raters[3]["email"])
    gone = await client.delete(f"/v1/cycles/{opened['id']}/raters/{withdrawn['id']}", headers=survey.participant)
    assert gone.status_code == 204
    starts_at = datetime.now(UTC).replace(microsecond=0) + timedelta(days=30)
    session.add(
        FeedbackSession(
            booking_id=uuid.uuid4(),
            cycle_id=uuid.UUID(opened["id"]),
            participant_id=survey.participant_sub,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=1, microseconds=250),
        )
    )
    await session.flush()
    # A draft with the participant's own answers begun, and one whose nominations wait for approval.
    drafted = await survey.create()
    saved = await client.put(f"/v1/cycles/{drafted['id']}/self", json={"answers": []}, headers=survey.participant)
    assert saved.status_code == 200, saved.text
    waiting = await survey.create(requires_approval=True, release_mode="direct")
    # Another participant's cycle, in the same region.
    theirs = await survey.create(headers=auth("participant", sub="participant-2"))

    mine = [waiting["id"], drafted["id"], opened["id"]]
    whole = await client.get("/v1/cycles", headers=survey.participant)
    assert whole.status_code == 200
    assert whole.headers["content-type"] == "application/json"
    assert [c["id"] for c in whole.json()["items"]] == mine
    assert whole.content == await _as_models(session, mine, None)
    listed = {c["id"]: c for c in whole.json()["items"]}
    assert listed[opened["id"]]["progress"] == [
        {"rater_group": "line_manager", "invited": 1, "submitted": 0, "declined": 0},
        {"rater_group": "peer", "invited": 2, "submitted": 1, "declined": 1},  # one withdrawn
    ]
    assert listed[opened["id"]]["feedback_session"] is not None
    assert listed[drafted["id"]]["self_status"] == "draft"
    assert listed[waiting["id"]]["approval"] == {"decision": None, "note": None, "decided_at": None}

    # Page by page, with the cursor: the same bytes as the models of each page.
    first = await client.get("/v1/cycles?limit=2", headers=survey.participant)
    cursor = first.json()["next_cursor"]
    assert first.content == await _as_models(session, mine[:2], cursor)
    second = await client.get(f"/v1/cycles?limit=2&cursor={cursor}", headers=survey.participant)
    assert second.content == await _as_models(session, mine[2:], None)

    # An academy admin of the region lists everyone's there, or one participant's; a participant never
    # another's.
    admin = auth("academy_admin", sub="admin-1")
    everyone = (await client.get("/v1/cycles", headers=admin)).json()["items"]
    assert {c["id"] for c in everyone} >= {theirs["id"], *mine}
    one = await client.get("/v1/cycles?participant_id=participant-2", headers=admin)
    assert [c["id"] for c in one.json()["items"]] == [theirs["id"]]
    assert one.content == await _as_models(session, [theirs["id"]], None)
    refused = await client.get("/v1/cycles?participant_id=participant-2", headers=survey.participant)
    assert refused.status_code == 403
    elsewhere = auth("academy_admin", sub="admin-2", region="leeds")
    assert (await client.get("/v1/cycles", headers=elsewhere)).json()["items"] == []

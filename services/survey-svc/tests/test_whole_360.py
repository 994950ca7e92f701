"""A whole 360 against the real PostgreSQL, RabbitMQ and SMTP server, with every worker running:
the events reach the broker in order, and none of them says who any rater is."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from hlm_contracts import QuestionnairePublishedV1
from hlm_kit.testing.pytest_plugin import AuthHeaders, wait_for


def _hash(email: str, key: str) -> str:
    return hmac.new(key.encode(), email.strip().lower().encode(), hashlib.sha256).hexdigest()


async def test_a_whole_360_from_creation_to_close(
    live_app: tuple[httpx.AsyncClient, Any],
    event_tap: Any,
    smtp: Any,
    auth: AuthHeaders,
    hlm_360: QuestionnairePublishedV1,
    hlm_self: QuestionnairePublishedV1,
    full_answers: Any,
    token_in: Any,
) -> None:
    client, settings = live_app
    sub = f"participant-{uuid.uuid4().hex[:8]}"
    me = auth("participant", sub=sub, org="RX1", region="london")
    tag = uuid.uuid4().hex[:6]
    raters = [
        {"name": "Sam Line", "email": f"Sam.Line.{tag}@trust.example.org", "rater_group": "line_manager"},
        {"name": "Pat One", "email": f"pat.one.{tag}@trust.example.org", "rater_group": "peer"},
        {"name": "Pat Two", "email": f"pat.two.{tag}@trust.example.org", "rater_group": "peer"},
        {"name": "Pat Three", "email": f"pat.three.{tag}@trust.example.org", "rater_group": "peer"},
        {"name": "Dee Report", "email": f"dee.report.{tag}@trust.example.org", "rater_group": "direct_report"},
    ]
    manager, peer1, peer2, peer3, report = (r["email"] for r in raters)

    # The participant creates the cycle, answers for themself and nominates five raters.
    created = await client.post(
        "/v1/cycles",
        json={
            "kind": "feedback_360",
            "questionnaire_id": str(hlm_360.questionnaire_id),
            "self_questionnaire_id": str(hlm_self.questionnaire_id),
            "participant_name": "Alex Morgan",
        },
        headers=me,
    )
    assert created.status_code == 201, created.text
    cycle_id = created.json()["id"]
    assert (
        await client.put(f"/v1/cycles/{cycle_id}/self", json=full_answers(hlm_self, 2), headers=me)
    ).status_code == 200
    submitted = await client.post(f"/v1/cycles/{cycle_id}/self/submit", json=full_answers(hlm_self, 2), headers=me)
    assert submitted.status_code == 201, submitted.text
    nominated = await client.post(f"/v1/cycles/{cycle_id}/raters", json={"raters": raters}, headers=me)
    assert nominated.status_code == 201, nominated.text

    # Opening it mails every rater a working link.
    closes_at = datetime.now(UTC) + timedelta(days=14)
    opened = await client.post(f"/v1/cycles/{cycle_id}/open", json={"closes_at": closes_at.isoformat()}, headers=me)
    assert opened.status_code == 200, opened.text
    await wait_for(lambda: _all_received(smtp, [r["email"] for r in raters]))
    tokens = {r["email"]: token_in(smtp.to(r["email"])[0]) for r in raters}
    for rater in raters:
        view = await client.get(f"/v1/invitations/{tokens[rater['email']]}")
        assert view.status_code == 200, view.text
        assert view.json()["questionnaire"]["id"] == str(hlm_360.questionnaire_id)

    # Raters draft, submit and decline.
    draft = {"answers": [{"item_key": hlm_360.items[0].key, "level": 4}]}
    assert (await client.put(f"/v1/invitations/{tokens[manager]}/draft", json=draft)).status_code == 200
    reopened = (await client.get(f"/v1/invitations/{tokens[manager]}")).json()
    assert reopened["draft"]["answers"] == draft["answers"]
    for email, level in ((manager, 4), (peer1, 3), (peer2, "not_observed")):
        answer = await client.post(f"/v1/invitations/{tokens[email]}/submit", json=full_answers(hlm_360, level))
        assert answer.status_code == 201, answer.text
    assert (await client.put(f"/v1/invitations/{tokens[peer3]}/draft", json=draft)).status_code == 200
    assert (await client.post(f"/v1/invitations/{tokens[report]}/decline")).status_code == 204

    # The participant sees counts per group, and cannot close before the minimum of four.
    progress = (await client.get(f"/v1/cycles/{cycle_id}", headers=me)).json()["progress"]
    assert progress == [
        {"rater_group": "line_manager", "invited": 1, "submitted": 1, "declined": 0},
        {"rater_group": "peer", "invited": 3, "submitted": 2, "declined": 0},
        {"rater_group": "direct_report", "invited": 1, "submitted": 0, "declined": 1},
    ]
    assert (await client.post(f"/v1/cycles/{cycle_id}/close", headers=me)).status_code == 409

    # A reminder goes to the one rater who has neither answered nor declined, and to nobody else.
    reminded = await client.post(f"/v1/cycles/{cycle_id}/reminders", headers=me)
    assert reminded.json() == {"reminded": 1}
    await wait_for(lambda: _received(smtp, peer3, 2))
    assert [len(smtp.to(email)) for email in (manager, peer1, peer2, report)] == [1, 1, 1, 1]
    reminder = smtp.to(peer3)[-1]
    assert reminder["Subject"].startswith("Reminder:")

    # The reminder's link opens the same draft; the last rater submits and the participant closes.
    reminder_token = token_in(reminder)
    assert (await client.get(f"/v1/invitations/{reminder_token}")).json()["draft"]["answers"] == draft["answers"]
    last = await client.post(f"/v1/invitations/{reminder_token}/submit", json=full_answers(hlm_360, 1))
    assert last.status_code == 201, last.text
    closed = await client.post(f"/v1/cycles/{cycle_id}/close", headers=me)
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == "closed"

    # Every link now answers the same 404, whatever became of its rater.
    for token in [*tokens.values(), reminder_token]:
        gone = await client.get(f"/v1/invitations/{token}")
        assert gone.status_code == 404
        assert gone.json()["detail"] == (await client.get("/v1/invitations/" + "x" * 43)).json()["detail"]

    # The events, in order, as consumers receive them.
    events = await wait_for(lambda: _events_of(event_tap, cycle_id, 12))
    assert [e["type"] for e in events] == [
        "hlm.survey.cycle.opened.v1",
        *["hlm.survey.rater.nominated.v1"] * 5,
        *["hlm.survey.response.submitted.v1"] * 5,
        "hlm.survey.cycle.closed.v1",
    ]
    opened_event = events[0]["data"]
    assert opened_event["participant_id"] == sub
    assert (opened_event["organisation"], opened_event["region"], opened_event["kind"]) == (
        "RX1",
        "london",
        "feedback_360",
    )
    assert opened_event["questionnaire_id"] == str(hlm_360.questionnaire_id)
    assert datetime.fromisoformat(opened_event["closes_at"]) == closes_at
    assert opened_event["thresholds"]["others_total"] == 4
    key = settings.email_hash_key.get_secret_value()
    assert sorted((e["data"]["rater_group"], e["data"]["rater_email_hash"]) for e in events[1:6]) == sorted(
        (r["rater_group"], _hash(r["email"], key)) for r in raters
    )
    responses = [e["data"] for e in events[6:11]]
    assert [r["rater_group"] for r in responses] == ["self", "line_manager", "peer", "peer", "peer"]
    assert all(len(r["answers"]) == len(hlm_360.items) for r in responses)
    assert responses[3]["answers"][0] == {"item_key": hlm_360.items[0].key, "level": None}
    assert responses[1]["comments"] == [
        {"dimension_key": hlm_360.dimensions[0].key, "text": "Listens before deciding."}
    ]
    closed_event = events[11]["data"]
    assert closed_event["invited"] == {"self": 1, "line_manager": 1, "peer": 3, "direct_report": 1}
    assert closed_event["submitted"] == {"self": 1, "line_manager": 1, "peer": 3, "direct_report": 0}

    # No event carries anything that names a rater.
    wire = json.dumps(event_tap.bodies).lower()
    for rater in raters:
        assert rater["email"].lower() not in wire
        assert rater["name"].lower() not in wire
        assert rater["email"].split("@")[0].lower() not in wire
    for item in nominated.json()["items"]:
        assert item["id"] not in wire

    # Erasure removes it all and tells the other services.
    assert (await client.delete(f"/v1/participants/{sub}", headers=me)).status_code == 204
    assert (await client.get(f"/v1/cycles/{cycle_id}", headers=me)).status_code == 404
    erased = await wait_for(lambda: _events_of(event_tap, sub, 1, type="hlm.survey.participant.erased.v1"))
    assert erased[0]["data"]["participant_id"] == sub


async def _all_received(smtp: Any, addresses: list[str]) -> bool:
    return all(smtp.to(address) for address in addresses)


async def _received(smtp: Any, address: str, count: int) -> bool:
    return len(smtp.to(address)) >= count


async def _events_of(tap: Any, subject: str, count: int, type: str | None = None) -> list[dict[str, Any]] | None:
    found = [e for e in tap.bodies if e.get("subject") == subject and (type is None or e["type"] == type)]
    return found if len(found) >= count else None

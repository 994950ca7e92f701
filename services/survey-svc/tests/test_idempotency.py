"""Every create that takes an Idempotency-Key keeps one promise: a retry with the same body is answered with
what the first attempt made, the same key with another body is refused, and a key no client could mean is
refused before anything is stored."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import pytest

from hlm_contracts import QuestionnairePublishedV1
from hlm_kit.testing.pytest_plugin import AuthHeaders

CREATES = ["/v1/cycles", "/v1/team-cycles", "/v1/observations", "/v1/goals"]


def bodies(path: str, hlm_self: QuestionnairePublishedV1) -> tuple[dict[str, Any], dict[str, Any]]:
    """A body for the create at ``path``, and the same body with one field changed."""
    first: dict[str, Any] = {
        "/v1/cycles": {
            "kind": "self_assessment",
            "questionnaire_id": str(hlm_self.questionnaire_id),
            "participant_name": "Alex Morgan",
        },
        "/v1/team-cycles": {"name": "Ward 7 leads"},
        "/v1/observations": {
            "observed_on": date.today().isoformat(),
            "context": "Board round, ward 7",
            "what_happened": "The registrar asked the student nurse for her view before deciding.",
            "dimension_keys": ["engaging_the_team"],
        },
        "/v1/goals": {"title": "Ask my team for feedback"},
    }[path]
    changed = {
        "/v1/cycles": {"participant_name": "Sam Morgan"},
        "/v1/team-cycles": {"name": "Ward 8 leads"},
        "/v1/observations": {"context": "Board round, ward 8"},
        "/v1/goals": {"title": "Ask my peers for feedback"},
    }[path]
    return first, {**first, **changed}


@pytest.mark.parametrize("path", CREATES)
async def test_a_retry_answers_with_the_first_row_and_another_body_with_the_same_key_is_refused(
    path: str,
    client: httpx.AsyncClient,
    auth: AuthHeaders,
    hlm_self: QuestionnairePublishedV1,
    assert_problem: Any,
    stored_state: Any,
) -> None:
    headers = {**auth("participant", sub="retrying-1"), "Idempotency-Key": "7f3a-retry"}
    body, other_body = bodies(path, hlm_self)

    first = await client.post(path, json=body, headers=headers)
    # The same request written another way (keys in another order) is the same request.
    again = await client.post(path, json=dict(reversed(list(body.items()))), headers=headers)
    before = await stored_state()
    misused = await client.post(path, json=other_body, headers=headers)

    assert (first.status_code, again.status_code) == (201, 200), (first.text, again.text)
    assert again.json()["id"] == first.json()["id"]
    assert assert_problem(misused, 409)["type"].endswith("/idempotency-key-reused")
    assert await stored_state() == before


@pytest.mark.parametrize("path", CREATES)
async def test_a_key_no_client_could_mean_is_refused_naming_the_header(
    path: str,
    client: httpx.AsyncClient,
    auth: AuthHeaders,
    hlm_self: QuestionnairePublishedV1,
    assert_problem: Any,
    stored_state: Any,
) -> None:
    body, _ = bodies(path, hlm_self)
    before = await stored_state()

    response = await client.post(
        path, json=body, headers=[*auth("participant", sub="retrying-2").items(), ("Idempotency-Key", "k" * 256)]
    )

    problem = assert_problem(response, 422)
    assert [e["loc"] for e in problem["errors"]] == [["header", "Idempotency-Key"]]
    assert await stored_state() == before

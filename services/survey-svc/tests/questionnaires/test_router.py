"""The questionnaires a cycle can be pinned to: the snapshots this service keeps."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from hlm_contracts import QuestionnairePublishedV1
from hlm_kit.testing.pytest_plugin import AuthHeaders


async def test_published_questionnaires_are_listed_by_purpose(
    client: httpx.AsyncClient, auth: AuthHeaders, hlm_360: QuestionnairePublishedV1, hlm_self: QuestionnairePublishedV1
) -> None:
    headers = auth("participant")

    for_360 = (await client.get("/v1/questionnaires?purpose=feedback_360", headers=headers)).json()["items"]
    for_self = (await client.get("/v1/questionnaires?purpose=self_assessment&framework=hlm", headers=headers)).json()[
        "items"
    ]

    assert str(hlm_360.questionnaire_id) in {q["id"] for q in for_360}
    assert {q["purpose"] for q in for_360} == {"feedback_360"}
    assert str(hlm_self.questionnaire_id) in {q["id"] for q in for_self}
    assert next(q for q in for_self if q["id"] == str(hlm_self.questionnaire_id))["items"] == len(hlm_self.items)


async def test_a_questionnaire_reads_as_it_was_published(
    client: httpx.AsyncClient, auth: AuthHeaders, hlm_360: QuestionnairePublishedV1, assert_problem: Any
) -> None:
    found = (await client.get(f"/v1/questionnaires/{hlm_360.questionnaire_id}", headers=auth("facilitator"))).json()

    assert found["id"] == str(hlm_360.questionnaire_id)
    assert found["items"] == [i.model_dump() for i in hlm_360.items]
    assert found["not_observed_label"] == hlm_360.not_observed_label
    assert_problem(await client.get(f"/v1/questionnaires/{uuid.uuid4()}", headers=auth("participant")), 404)

"""A participant's consent to share their reports with their organisation, through GraphQL against
report-svc running in-process: given, read back, withdrawn; refused when the account names no organisation."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from hlm_kit.testing.pytest_plugin import AuthHeaders

CONSENT = "{ reportSharingConsent { given organisation givenAt } }"
GIVE = """
mutation {
  giveReportSharingConsent {
    __typename
    ... on ReportSharingConsent { given organisation givenAt }
    ... on ReportSharingRefused { message }
  }
}
"""
WITHDRAW = "mutation { withdrawReportSharingConsent { given organisation givenAt } }"
NOT_GIVEN = {"given": False, "organisation": None, "givenAt": None}


async def call(gateway: httpx.AsyncClient, headers: dict[str, str], query: str) -> Any:
    response = await gateway.post("/graphql", json={"query": query}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def graphql(gateway: httpx.AsyncClient, headers: dict[str, str], query: str) -> Any:
    body = await call(gateway, headers, query)
    assert "errors" not in body, body
    return body["data"]


async def test_a_participant_gives_and_withdraws_consent_and_reads_it_back(
    gateway_with: Any, journey_services: dict[str, Any], participant_sub: str, auth: AuthHeaders
) -> None:
    me = auth("participant", sub=participant_sub, org="RYJ")
    someone_else = auth("participant", sub=f"gateway-other-{uuid.uuid4().hex[:8]}", org="RYJ")

    async with gateway_with(journey_services) as gateway:
        before = (await graphql(gateway, me, CONSENT))["reportSharingConsent"]
        given = (await graphql(gateway, me, GIVE))["giveReportSharingConsent"]
        given_again = (await graphql(gateway, me, GIVE))["giveReportSharingConsent"]
        after_giving = (await graphql(gateway, me, CONSENT))["reportSharingConsent"]
        others = (await graphql(gateway, someone_else, CONSENT))["reportSharingConsent"]
        withdrawn = (await graphql(gateway, me, WITHDRAW))["withdrawReportSharingConsent"]
        after_withdrawing = (await graphql(gateway, me, CONSENT))["reportSharingConsent"]

    assert before == NOT_GIVEN
    assert given["__typename"] == "ReportSharingConsent"
    assert given["given"] is True
    assert given["organisation"] == "RYJ"
    assert given["givenAt"] is not None
    # Giving it again changes nothing, not even when it was given.
    assert given_again == given
    assert after_giving == {k: v for k, v in given.items() if k != "__typename"}
    assert others == NOT_GIVEN
    assert withdrawn == NOT_GIVEN
    assert after_withdrawing == NOT_GIVEN


async def test_consent_is_refused_when_the_account_names_no_organisation(
    gateway_with: Any, journey_services: dict[str, Any], participant_sub: str, auth: AuthHeaders
) -> None:
    no_organisation = auth("participant", sub=participant_sub, org="")

    async with gateway_with(journey_services) as gateway:
        refused = (await graphql(gateway, no_organisation, GIVE))["giveReportSharingConsent"]
        read = (await graphql(gateway, no_organisation, CONSENT))["reportSharingConsent"]

    assert refused == {
        "__typename": "ReportSharingRefused",
        "message": "your token names no organisation to share with",
    }
    assert read == NOT_GIVEN


async def test_only_participants_have_a_consent_to_give(
    gateway_with: Any, journey_services: dict[str, Any], auth: AuthHeaders
) -> None:
    facilitator = auth("facilitator", sub=f"gateway-facilitator-{uuid.uuid4().hex[:8]}")

    async with gateway_with(journey_services) as gateway:
        bodies = [await call(gateway, facilitator, query) for query in (CONSENT, GIVE, WITHDRAW)]

    for body in bodies:
        assert [error["extensions"]["code"] for error in body["errors"]] == ["FORBIDDEN"]
        assert list(body["data"].values()) == [None]

"""A partner NHS trust pulls its organisation's reports over report-svc's REST API, as its own systems
would: only released reports of its own staff who consented, incrementally, as JSON or CSV."""

from __future__ import annotations

from typing import Any

import httpx

from .harness import Platform
from .steps import (
    GIVE_CONSENT,
    WITHDRAW_CONSENT,
    Gateway,
    Organisation,
    User,
    questionnaire,
    self_assessment,
    user,
)


async def pull(report_svc: httpx.AsyncClient, partner: User, **params: str) -> list[dict[str, Any]]:
    """Every page of the partner's pull."""
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        page = await report_svc.get(
            "/v1/partner/reports",
            params={**params, "limit": "2", **({"cursor": cursor} if cursor else {})},
            headers=partner.headers,
        )
        assert page.status_code == 200, page.text
        body = page.json()
        items += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            return items


async def test_a_partner_trust_pulls_the_reports_its_staff_agreed_to_share(
    platform: Platform, gateway: Gateway
) -> None:
    trust, elsewhere = Organisation(), Organisation()
    partner = user(platform, "partner", trust)
    sharing = [user(platform, "participant", trust) for _ in range(3)]
    keeping = user(platform, "participant", trust)
    other_trusts_staff = user(platform, "participant", elsewhere)
    self_wording = await questionnaire(gateway, partner, "hlm-self")

    reports = {}
    for person in [*sharing, keeping, other_trusts_staff]:
        reports[person.sub] = await self_assessment(gateway, person, self_wording, level=2)
    for person in [*sharing, other_trusts_staff]:
        given = (await gateway.run(person, GIVE_CONSENT))["giveReportSharingConsent"]
        assert given["__typename"] == "ReportSharingConsent", given
        assert given["given"] is True

    async with httpx.AsyncClient(base_url=platform.url("report"), timeout=30) as report_svc:
        # Its own consenting staff's reports, over pages, and nobody else's.
        pulled = await pull(report_svc, partner)
        assert sorted(r["id"] for r in pulled) == sorted(reports[p.sub]["id"] for p in sharing)
        assert {r["organisation"] for r in pulled} == {trust.code}
        assert all(r["status"] == "released" for r in pulled)
        newest = max(r["updated_at"] for r in pulled)

        # The same as CSV, for the trust's spreadsheets.
        csv = await report_svc.get("/v1/partner/reports", params={"format": "csv"}, headers=partner.headers)
        assert csv.status_code == 200, csv.text
        assert csv.headers["content-type"].startswith("text/csv")
        for person in sharing:
            assert reports[person.sub]["id"] in csv.text
        assert reports[keeping.sub]["id"] not in csv.text

        # Nothing changed since the last pull; then one more colleague agrees, and the next pull has them.
        assert await pull(report_svc, partner, updated_since=newest) == []
        await gateway.run(keeping, GIVE_CONSENT)
        later = await pull(report_svc, partner, updated_since=newest)
        assert [r["id"] for r in later] == [reports[keeping.sub]["id"]]

        # A withdrawn consent closes the report to the trust at once.
        await gateway.run(sharing[0], WITHDRAW_CONSENT)
        gone = await report_svc.get(f"/v1/reports/{reports[sharing[0].sub]['id']}", headers=partner.headers)
        assert gone.status_code == 404
        assert reports[sharing[0].sub]["id"] not in {r["id"] for r in await pull(report_svc, partner)}
        # Another trust's staff stay out of reach, consent or not.
        theirs = await report_svc.get(f"/v1/reports/{reports[other_trusts_staff.sub]['id']}", headers=partner.headers)
        assert theirs.status_code == 404

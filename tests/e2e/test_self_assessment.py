"""A participant rates themself in the app and reads their report: survey-svc takes the answers,
report-svc builds the report from the events and releases it at once, the gateway shows it."""

from __future__ import annotations

import httpx

from .harness import Platform
from .steps import CYCLE, Gateway, Organisation, answers, create_cycle, questionnaire, report_when, submit_self, user


async def test_a_self_assessment_becomes_its_participants_report(platform: Platform, gateway: Gateway) -> None:
    where = Organisation()
    me = user(platform, "participant", where)
    self_wording = await questionnaire(gateway, me, "hlm-self")
    levels = {dimension: 1 + n % 4 for n, dimension in enumerate(self_wording.dimensions)}

    cycle_id = await create_cycle(
        gateway, me, kind="SELF_ASSESSMENT", questionnaireId=self_wording.id, participantName="Sam Patel"
    )
    await submit_self(gateway, me, cycle_id, answers(self_wording, levels.__getitem__, comment="I listen first."))

    report = await report_when(gateway, me, cycle_id, lambda r: r["status"] == "released")
    content = report["content"]
    assert report["state"] == "ready"
    assert content["kind"] == "self_assessment"
    assert content["response_counts"] == {"self": 1}
    assert {d["key"]: d["self"]["score"] for d in content["dimensions"]} == {
        dimension: float(level) for dimension, level in levels.items()
    }
    assert [c["self"] for c in content["comments"]] == ["I listen first."]

    # The PDF for the participant's portfolio, from report-svc.
    async with httpx.AsyncClient(base_url=platform.url("report"), timeout=30) as report_svc:
        pdf = await report_svc.get(f"/v1/reports/{report['id']}.pdf", headers=me.headers)
    assert pdf.status_code == 200, pdf.text
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")

    # Nobody else sees that the cycle exists, let alone its report.
    stranger = user(platform, "participant", where)
    seen = await gateway.raw(stranger, CYCLE, id=cycle_id)
    assert seen["data"]["cycle"] is None

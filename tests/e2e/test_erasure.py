"""A participant asks the app to forget them: the erasure survey-svc makes reaches report-svc and
facilitator-svc through the event stream, and nothing about them is left for anyone to read."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx

from hlm_kit.testing.pytest_plugin import wait_for

from .harness import Platform
from .steps import (
    ERASE_MY_DATA,
    GIVE_CONSENT,
    MY_JOURNEY,
    RECORD_OBSERVATION,
    REPORT,
    REPORTS,
    SESSION,
    Gateway,
    Organisation,
    answer_invitation,
    answers,
    book,
    close,
    everywhere,
    facilitator_sees_report,
    open_360,
    questionnaire,
    raters_for,
    register_facilitator,
    self_assessment,
    user,
)


def not_found(body: dict[str, Any]) -> bool:
    return body["data"] == {"report": None} and [e["extensions"]["code"] for e in body["errors"]] == ["NOT_FOUND"]


async def test_erasing_a_participant_reaches_every_service(platform: Platform, gateway: Gateway) -> None:
    where = Organisation()
    me = user(platform, "participant", where)
    admin = user(platform, "academy_admin", where)
    partner = user(platform, "partner", where)
    three_sixty = await questionnaire(gateway, me, "hlm-360")
    self_wording = await questionnaire(gateway, me, "hlm-self")

    # Everything a participant leaves behind: a 360 with its report and a booked session, a shared
    # self-assessment report, and a journal entry.
    raters = raters_for({"LINE_MANAGER": 1, "PEER": 3})
    own = answers(self_wording, everywhere(2))
    cycle_id = await open_360(gateway, me, (three_sixty, self_wording), raters, own=own)
    for rater in raters:
        await answer_invitation(gateway, platform, rater, answers(three_sixty, everywhere(3)))
    await close(gateway, me, cycle_id)
    facilitator = await register_facilitator(gateway, platform, admin, where)
    session_id = await book(gateway, me, cycle_id, facilitator)
    coached = await facilitator_sees_report(gateway, facilitator, cycle_id)
    shared = await self_assessment(gateway, me, self_wording, level=3)
    await gateway.run(me, GIVE_CONSENT)
    noted = await gateway.run(
        me,
        RECORD_OBSERVATION,
        input={
            "observedOn": datetime.now(UTC).date().isoformat(),
            "context": "Handover on the ward",
            "whatHappened": "Asked the newest nurse to lead the huddle.",
            "dimensionKeys": [self_wording.dimensions[0]],
        },
    )
    assert noted["recordObservation"]["__typename"] == "Observation", noted

    async with httpx.AsyncClient(base_url=platform.url("report"), timeout=30) as report_svc:
        pulled = await report_svc.get("/v1/partner/reports", headers=partner.headers)
        assert [r["id"] for r in pulled.json()["items"]] == [shared["id"]]

        erased = await gateway.run(me, ERASE_MY_DATA)
        assert erased == {"eraseMyData": {"participantId": me.sub}}

        # survey-svc: no cycle, no journal entry.
        journey = await gateway.run(me, MY_JOURNEY)
        assert journey == {"cycles": {"edges": []}, "observations": {"edges": []}}

        # report-svc: the reports are gone for the facilitator, the partner and the participant.
        async def reports_gone() -> bool:
            listed = await gateway.run(facilitator.user, REPORTS)
            partner_pull = await report_svc.get("/v1/partner/reports", headers=partner.headers)
            own = [await gateway.raw(me, REPORT, id=r["id"]) for r in (coached, shared)]
            return (
                all(edge["node"]["cycleId"] != cycle_id for edge in listed["reports"]["edges"])
                and partner_pull.json()["items"] == []
                and all(not_found(body) for body in own)
            )

        await wait_for(reports_gone, timeout_s=30, interval_s=0.2)

        # facilitator-svc: the session to come is cancelled, and keeps nothing about the person.
        async def session_cancelled() -> dict[str, object] | None:
            found = (await gateway.run(facilitator.user, SESSION, id=session_id))["feedbackSession"]
            return found if found["status"] == "cancelled" else None

        session = await wait_for(session_cancelled, timeout_s=30, interval_s=0.2)
        assert session["participantId"] is None

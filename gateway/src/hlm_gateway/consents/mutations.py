from __future__ import annotations

import strawberry
from strawberry.types import Info

from hlm_gateway.consents.queries import CONSENT_PATH
from hlm_gateway.consents.types import (
    NOT_GIVEN,
    GiveReportSharingConsentResult,
    ReportSharingConsent,
    ReportSharingRefused,
    consent_from,
)
from hlm_gateway.context import Context
from hlm_gateway.problems import refused_as
from hlm_gateway.upstream import Refusal
from hlm_gateway.upstream.report import ConsentOut


@strawberry.type
class ConsentMutation:
    @strawberry.mutation(
        description="Let the organisation of your account read your released individual reports "
        "(giving it again changes nothing)."
    )
    async def give_report_sharing_consent(self, info: Info[Context, None]) -> GiveReportSharingConsentResult | None:
        body = await info.context.report.send_outcome("PUT", CONSENT_PATH, ConsentOut, expected=(400,))
        return (
            refused_as(ReportSharingRefused, body.problem, fallback="consent was not given")
            if isinstance(body, Refusal)
            else consent_from(body)
        )

    @strawberry.mutation(description="Withdraw the consent: your organisation stops seeing your reports at once.")
    async def withdraw_report_sharing_consent(self, info: Info[Context, None]) -> ReportSharingConsent | None:
        await info.context.report.send("DELETE", CONSENT_PATH)
        return NOT_GIVEN

from __future__ import annotations

import strawberry
from strawberry.types import Info

from hlm_gateway.consents.types import NOT_GIVEN, ReportSharingConsent, consent_from
from hlm_gateway.context import Context
from hlm_gateway.errors import ErrorCode, GatewayError
from hlm_gateway.upstream.report import ConsentOut

CONSENT_PATH = "/v1/consents/organisation"


@strawberry.type
class ConsentQuery:
    @strawberry.field(description="Whether you let your organisation read your released reports (participants).")
    async def report_sharing_consent(self, info: Info[Context, None]) -> ReportSharingConsent | None:
        try:
            return consent_from(await info.context.report.get(CONSENT_PATH, ConsentOut))
        except GatewayError as error:
            # report-svc answers 404 while there is no consent: for the app that is a plain "not given".
            if error.code == ErrorCode.NOT_FOUND:
                return NOT_GIVEN
            raise

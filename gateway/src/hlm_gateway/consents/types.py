"""A participant's consent to let their organisation (a partner trust) read their released individual
reports, and the typed refusal to give it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from hlm_gateway.upstream.report import ConsentOut


@strawberry.type(description="Whether your organisation may read your released reports; withdrawn at any time.")
class ReportSharingConsent:
    given: bool
    organisation: str | None = strawberry.field(description="The organisation you share with, while given.")
    given_at: datetime | None


@strawberry.type(description="The consent was not given, e.g. your account names no organisation to share with.")
class ReportSharingRefused:
    message: str


GiveReportSharingConsentResult = Annotated[
    ReportSharingConsent | ReportSharingRefused, strawberry.union("GiveReportSharingConsentResult")
]

NOT_GIVEN = ReportSharingConsent(given=False, organisation=None, given_at=None)


def consent_from(data: ConsentOut) -> ReportSharingConsent:
    return ReportSharingConsent(given=True, organisation=data.organisation, given_at=data.granted_at)

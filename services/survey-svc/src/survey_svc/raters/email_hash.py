"""The keyed hash of a rater's email address that leaves the service in ``rater.nominated``."""

from __future__ import annotations

import hashlib
import hmac


def email_hash(email: str, key: str) -> str:
    """Lower-case hex HMAC-SHA256 of the address trimmed and lower-cased, under the key survey-svc shares
    with facilitator-svc alone (hlm-contracts README: ``RaterNominatedV1.rater_email_hash``)."""
    return hmac.new(key.encode(), email.strip().lower().encode(), hashlib.sha256).hexdigest()

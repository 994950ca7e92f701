"""The keyed hash of an email address that survey-svc sends for each nominated rater.

Lower-case hex of HMAC-SHA256 of the address trimmed and lower-cased, under a key the two services
share (libs/hlm-contracts/README.md). Hashing a facilitator's email the same way lets this service
see that a facilitator is one of a participant's raters without ever learning who the raters are.
"""

from __future__ import annotations

import hashlib
import hmac


def email_hash(key: str, email: str) -> str:
    return hmac.new(key.encode(), email.strip().lower().encode(), hashlib.sha256).hexdigest()

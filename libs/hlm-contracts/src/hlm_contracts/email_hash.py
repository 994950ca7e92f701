"""The keyed hash of an email address that survey-svc sends in ``RaterNominatedV1.rater_email_hash`` and
facilitator-svc computes for each facilitator, so it can tell that a facilitator is one of a participant's
raters without either service telling the other who the raters are.

The key and the address have types of their own: both would otherwise be ``str``, and a call with the two
swapped would type-check and quietly produce hashes that never match the other service's.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class EmailHashKey:
    """The secret survey-svc and facilitator-svc share and no one else holds (each service's
    ``email_hash_key`` setting). Its ``repr`` hides the secret, so a log line or traceback cannot leak it."""

    secret: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class EmailAddress:
    """An email address as typed: case and surrounding spaces are not significant to the hash."""

    value: str


def email_hash(address: EmailAddress, key: EmailHashKey) -> str:
    """Lower-case hex of HMAC-SHA256 of the address trimmed and lower-cased, under ``key``: the value of
    ``RaterNominatedV1.rater_email_hash``. Changing it would make every hash already sent unmatchable."""
    normalised = address.value.strip().lower()
    return hmac.new(key.secret.encode(), normalised.encode(), hashlib.sha256).hexdigest()

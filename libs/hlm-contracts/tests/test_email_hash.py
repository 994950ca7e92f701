from __future__ import annotations

import hashlib
import hmac

from hlm_contracts import EmailAddress, EmailHashKey, email_hash

KEY = EmailHashKey("a-key-shared-by-survey-and-facilitator")


def test_the_hash_is_the_value_both_services_have_always_sent_and_compared() -> None:
    # Pinned: survey-svc has sent this value and facilitator-svc has stored it for facilitators; a change
    # would make every hash already exchanged unmatchable.
    assert email_hash(EmailAddress("rater@example.org"), KEY) == (
        "60524722aa0800e9297b0fede9b9dcfa979a8f61d77fc3c2d800e735ad80585e"
    )


def test_case_and_surrounding_spaces_of_an_address_do_not_change_its_hash() -> None:
    assert email_hash(EmailAddress("  Rater@Example.ORG "), KEY) == email_hash(EmailAddress("rater@example.org"), KEY)


def test_the_hash_is_hmac_sha256_keyed_by_the_shared_secret_as_the_contract_documents() -> None:
    expected = hmac.new(KEY.secret.encode(), b"rater@example.org", hashlib.sha256).hexdigest()
    assert email_hash(EmailAddress("rater@example.org"), KEY) == expected
    assert email_hash(EmailAddress("rater@example.org"), EmailHashKey("another key")) != expected


def test_the_key_never_shows_in_a_repr() -> None:
    assert "a-key-shared" not in repr(KEY)

"""The service-token format (PROTOCOL.md "Service tokens", eis 69): what the service
signs is what a pole accepts, and every way a token can be wrong is told apart."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from pole_link.service_tokens import (
    Accepted,
    Claims,
    Rejected,
    RejectReason,
    issue,
    parse_keys,
    peek,
    public_key_text,
    verify,
)

NOW = datetime(2026, 12, 4, 12, tzinfo=UTC)
KEY = Ed25519PrivateKey.generate()
KEYS = [KEY.public_key()]


def claims(**changes: object) -> Claims:
    base: dict[str, object] = {
        "iss": "paalwerk", "sub": "jan", "role": "technician", "poles": ("PW-0001",),
        "iat": int(NOW.timestamp()), "exp": int((NOW + timedelta(hours=8)).timestamp()),
        "jti": "t-1"}
    base.update(changes)
    return Claims(**base)  # type: ignore[arg-type]


def test_eis69_a_token_the_service_signs_is_accepted_with_its_role_and_expiry() -> None:
    token = issue(KEY, claims(role="engineer"))
    verdict = verify(token, KEYS, "PW-0001", NOW)
    assert verdict == Accepted("engineer", NOW + timedelta(hours=8), "t-1")
    assert "=" not in token and token.count(".") == 1  # base64url without padding
    assert peek(token).poles == ("PW-0001",)


def test_eis69_the_wire_form_is_base64url_json_dot_ed25519_signature() -> None:
    token = issue(KEY, claims())
    head, signature = token.split(".")
    data = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    assert data == {"iss": "paalwerk", "sub": "jan", "role": "technician",
                    "poles": ["PW-0001"], "iat": int(NOW.timestamp()),
                    "exp": int((NOW + timedelta(hours=8)).timestamp()), "jti": "t-1"}
    KEY.public_key().verify(base64.urlsafe_b64decode(signature + "=="), head.encode())


@pytest.mark.parametrize(("token", "reason"), [
    ("demo", RejectReason.MALFORMED),
    ("a.b.c", RejectReason.MALFORMED),
    (None, RejectReason.MALFORMED),
    (issue(Ed25519PrivateKey.generate(), claims()), RejectReason.BAD_SIGNATURE),
    (issue(KEY, claims(exp=int((NOW - timedelta(seconds=1)).timestamp()),
                       iat=int((NOW - timedelta(hours=2)).timestamp()))),
     RejectReason.EXPIRED),
    (issue(KEY, claims(iat=int((NOW + timedelta(seconds=301)).timestamp()),
                       exp=int((NOW + timedelta(hours=2)).timestamp()))),
     RejectReason.EXPIRED),
    (issue(KEY, claims(poles=("PW-0002",))), RejectReason.NOT_FOR_THIS_POLE),
])
def test_eis69_each_wrong_token_is_rejected_for_its_own_reason(
        token: object, reason: RejectReason) -> None:
    assert verify(token, KEYS, "PW-0001", NOW) == Rejected(reason)


def test_eis69_a_revoked_token_is_refused_and_a_wildcard_covers_every_pole() -> None:
    token = issue(KEY, claims(poles=("*",)))
    assert isinstance(verify(token, KEYS, "PW-0042", NOW), Accepted)
    assert verify(token, KEYS, "PW-0042", NOW, {"t-1": 0}) == Rejected(RejectReason.REVOKED)


def test_eis69_a_pole_clock_up_to_five_minutes_behind_still_accepts() -> None:
    token = issue(KEY, claims())
    assert isinstance(verify(token, KEYS, "PW-0001", NOW - timedelta(seconds=300)), Accepted)


def test_eis69_a_lifetime_over_72_hours_is_malformed() -> None:
    token = issue(KEY, claims(exp=int((NOW + timedelta(hours=73)).timestamp())))
    assert verify(token, KEYS, "PW-0001", NOW) == Rejected(RejectReason.MALFORMED)


def test_service_token_keys_are_comma_separated_base64_raw_keys() -> None:
    other = Ed25519PrivateKey.generate().public_key()
    text = f"{public_key_text(KEYS[0])}, {public_key_text(other)}"
    assert len(parse_keys(text)) == 2
    token = issue(KEY, claims())
    assert isinstance(verify(token, parse_keys(text), "PW-0001", NOW), Accepted)
    with pytest.raises(ValueError, match="32 bytes"):
        parse_keys(base64.b64encode(b"short").decode())
    with pytest.raises(ValueError, match="base64"):
        parse_keys("not base64!")

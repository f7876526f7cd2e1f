"""Credentials value objects and the unverified reading of WB tokens."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import pytest

from mpdesk.domain.api_errors import CredentialsError
from mpdesk.domain.credentials import OzonCredentials, WbCredentials, read_wb_token


def jwt(payload: object) -> str:
    def part(value: object) -> str:
        raw = json.dumps(value).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    return f"{part({'alg': 'ES256', 'typ': 'JWT'})}.{part(payload)}.c2lnbmF0dXJl"


def test_wb_token_expiry_and_category_bits_are_read_without_verification() -> None:
    info = read_wb_token(jwt({"exp": 1_798_761_600, "s": 0b1000000000110, "sid": "x"}))
    assert info.expires_at == datetime(2027, 1, 1, tzinfo=UTC)
    assert info.category_bits == frozenset({1, 2, 12})
    assert info.has_category_bit(12) and not info.has_category_bit(0)


def test_days_left_and_expiry_follow_the_given_now() -> None:
    info = read_wb_token(jwt({"exp": 1_798_761_600}))
    assert info.days_left(datetime(2026, 12, 1, tzinfo=UTC)) == 31
    assert not info.is_expired(datetime(2026, 12, 31, 23, 59, tzinfo=UTC))
    assert info.is_expired(datetime(2027, 1, 1, tzinfo=UTC))
    assert info.days_left(datetime(2027, 1, 3, tzinfo=UTC)) == -2


def test_a_token_without_exp_has_no_expiry() -> None:
    info = read_wb_token(jwt({"s": 0}))
    assert info.expires_at is None and info.days_left(datetime(2026, 1, 1, tzinfo=UTC)) is None
    assert not info.is_expired(datetime(2099, 1, 1, tzinfo=UTC))


@pytest.mark.parametrize(
    ("token", "problem"),
    [
        ("not-a-jwt", "not_a_jwt"),
        ("a.!!!.c", "not_a_jwt"),
        (jwt([1, 2]), "not_a_jwt"),
        (jwt({"exp": "tomorrow"}), "bad_exp_claim"),
        (jwt({"exp": 10**20}), "bad_exp_claim"),
        (jwt({"s": -1}), "bad_categories_claim"),
        (jwt({"s": True}), "bad_categories_claim"),
    ],
)
def test_unreadable_tokens_raise_credentials_error_without_the_token(
    token: str, problem: str
) -> None:
    with pytest.raises(CredentialsError) as caught:
        read_wb_token(token)
    assert caught.value.fields == {"marketplace": "wb", "field": "token", "problem": problem}
    assert token not in str(caught.value)


def test_secrets_stay_out_of_repr_and_fingerprints() -> None:
    wb = WbCredentials("secret-token-value")
    ozon = OzonCredentials("123456", "secret-api-key")
    assert "secret" not in repr(wb) and "secret" not in repr(ozon)
    assert "123456" in repr(ozon)
    assert "secret" not in wb.fingerprint and len(wb.fingerprint) == 16
    assert wb.fingerprint == WbCredentials("secret-token-value").fingerprint
    assert wb.fingerprint != WbCredentials("another-token").fingerprint
    assert ozon.fingerprint != OzonCredentials("123457", "secret-api-key").fingerprint


@pytest.mark.parametrize(
    ("make", "field", "problem"),
    [
        (lambda: WbCredentials(""), "token", "empty_or_whitespace"),
        (lambda: WbCredentials("abc def"), "token", "empty_or_whitespace"),
        (lambda: OzonCredentials("", "k"), "client_id", "empty_or_whitespace"),
        (lambda: OzonCredentials("12a", "k"), "client_id", "not_digits"),
        (lambda: OzonCredentials("12", " k"), "api_key", "empty_or_whitespace"),
    ],
)
def test_malformed_credentials_are_refused(make, field: str, problem: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CredentialsError) as caught:
        make()
    assert caught.value.fields["field"] == field and caught.value.fields["problem"] == problem

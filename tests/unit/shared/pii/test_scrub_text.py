"""scrub_text / find_entities on the REFERENCE vectors, the formats named in the design, and look-alikes."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docflow.pii import Entity, find_entities, scrub_bytes, scrub_text

from .test_validators import VALID_HETU

JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0Ijo"
    "xNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)


def only_entity(text: str) -> Entity:
    entities = find_entities(text)
    assert len(entities) == 1, entities
    return entities[0]


@pytest.mark.parametrize(
    "email",
    [
        "matti.meikalainen@example.fi",
        "first+tag@sub.example.co.uk",
        "päivi.mäkinen@yritys.fi",
        "info@ääkkönen.fi",
        "KIRJANPITO@TILITOIMISTO.FI",
    ],
)
def test_given_email_in_sentence_when_scrubbed_then_marker_replaces_it(email: str) -> None:
    assert (
        scrub_text(f"Lähetä kuitti osoitteeseen {email}, kiitos.")
        == "Lähetä kuitti osoitteeseen [EMAIL], kiitos."
    )


@pytest.mark.parametrize(
    "phone",
    [
        "+358 40 123 4567",
        "040 123 4567",
        "0401234567",
        "+358401234567",
        "(09) 123 4567",
        "09 123 4567",
        "040-123 4567",
        "050 123 45 67",
        "+358 (0)40 123 4567",
        "00358 40 1234567",
        "+46 70 123 45 67",
        "070-123 45 67",
        "+44 20 7946 0958",
        "+1 415 555 2671",
        "+1 (415) 555-2671",
    ],
)
def test_given_phone_when_scrubbed_then_marker_replaces_it(phone: str) -> None:
    assert scrub_text(f"puh. {phone} (ark. 8-16)") == "puh. [PHONE] (ark. 8-16)"


@pytest.mark.parametrize("code", VALID_HETU)
def test_given_reference_hetu_when_scrubbed_then_marker_replaces_it(code: str) -> None:
    assert scrub_text(f"Henkilötunnus: {code}.") == "Henkilötunnus: [HETU]."


@pytest.mark.parametrize(
    "number",
    [
        "FI21 1234 5600 0007 85",
        "FI2112345600000785",
        "DE89 3704 0044 0532 0130 00",
        "DE89370400440532013000",
        "SE45 5000 0000 0583 9825 7466",
        "GB29 NWBK 6016 1331 9268 19",
        "NO93 8601 1117 947",
    ],
)
def test_given_iban_when_scrubbed_then_marker_replaces_it(number: str) -> None:
    assert scrub_text(f"Tilinumero {number} (Nordea)") == "Tilinumero [IBAN] (Nordea)"


@pytest.mark.parametrize(
    "number",
    [
        "4111111111111111",
        "4111 1111 1111 1111",
        "4111-1111-1111-1111",
        "4111.1111.1111.1111",
        "5555555555554444",
        "2223003122003222",
        "2223 0031 2200 3222",
        "378282246310005",
        "3782 822463 10005",
        "6011111111111117",
        "3530111333300000",
    ],
)
def test_given_card_when_scrubbed_then_marker_replaces_it(number: str) -> None:
    assert scrub_text(f"KORTTI {number} 12,40 EUR") == "KORTTI [CARD] 12,40 EUR"


def test_given_jwt_when_scrubbed_then_marker_replaces_it() -> None:
    assert scrub_text(f"token {JWT} rejected") == "token [JWT] rejected"
    assert scrub_text(f"Authorization: Bearer {JWT}") == "Authorization: Bearer [JWT]"


@pytest.mark.parametrize(
    "key",
    [
        "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
        "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
        "rk_live_51H8x9sKl2jD0aBcDeFgHiJk",
        "rk_test_51H8x9sKl2jD0aBcDeFgHiJk",
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLSGa",
        "re_c1tpEyD8_NKFusih9vKVQknRAQfmFcWCv",
        "sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz",
        "sb_publishable_ZaB8Qv3xk2LmN0pQrS7tUw_1Zb9kPqX",
        "AKIAIOSFODNN7EXAMPLE",
        "ASIAY34FZKBOKMUTVV7A",
        "lin_api_0123456789abcdefABCDEF0123456789abcdef",
        "ntn_1234567890abcdefghijABCDEFGHIJ0123456789xy",
        "secret_Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7cD0eFg3h",
        "sk-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKL",
        "sk-proj-Ab3_dEf6-hIj9kLm2nOp5qRs8tUv1wXy4zAb7cD0eFg3hIj6kL",
        "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
    ],
)
def test_given_api_key_when_scrubbed_then_marker_replaces_it(key: str) -> None:
    assert scrub_text(f"configured key={key}.") == "configured key=[SECRET]."
    assert scrub_text(f"{key}") == "[SECRET]"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Authorization: Bearer abc123.def-456", "Authorization: Bearer [SECRET]"),
        ("authorization: Basic bWF0dGk6aHVudGVyMg==", "authorization: Basic [SECRET]"),
        ("Authorization: lin_api_key_without_scheme", "Authorization: [SECRET]"),
        (
            "{'Authorization': 'Bearer abc123', 'Accept': 'json'}",
            "{'Authorization': 'Bearer [SECRET]', 'Accept': 'json'}",
        ),
        ('{\\"authorization\\": \\"Bearer abc123\\"}', '{\\"authorization\\": \\"Bearer [SECRET]\\"}'),
        ("Cookie: sid=abc; theme=dark\nnext line", "Cookie: [SECRET]\nnext line"),
        ("Set-Cookie: sid=abc; Path=/; HttpOnly", "Set-Cookie: [SECRET]"),
        ("Stripe-Signature: t=1700000000,v1=5257a869e7ec", "Stripe-Signature: [SECRET]"),
        ("password=hunter2&user=matti", "password=[SECRET]&user=matti"),
        ('{"password": "correct horse battery"}', '{"password": "[SECRET]"}'),
        ("salasana: Kesä2024!", "salasana: [SECRET]"),
        (
            "postgresql://docflow:s3cr3t@db.internal:5432/docflow",
            "postgresql://docflow:[SECRET]@db.internal:5432/docflow",
        ),
    ],
)
def test_given_credential_in_context_when_scrubbed_then_value_replaced_and_context_kept(
    text: str, expected: str
) -> None:
    assert scrub_text(text) == expected


def test_given_pem_private_key_when_scrubbed_then_whole_block_replaced() -> None:
    pem = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----"
    assert scrub_text(f"key:\n{pem}\ndone") == "key:\n[SECRET]\ndone"


@pytest.mark.parametrize(
    "text",
    [
        "12,34",
        "1 234,56 €",
        "EUR 99.90",
        "YHTEENSÄ 12,40",
        "15.01.2024 12:34",
        "2024-01-15T12:34:56.123+02:00",
        "klo 14.05",
        "Y-tunnus 1234567-8",
        "Y-tunnus 0112038-9",
        "ALV-nro FI12345678",
        "FI12345678 1234567-8",
        "Kuitti 0042/17",
        "24 % 10,00 2,40 12,40",
        "ALV% VEROTON VERO VEROLLINEN\n14 % 10,88 1,52 12,40",
        "ORD-2024-000123",
        "123e4567-e89b-12d3-a456-426614174000",
        "2b5a7513-85ea-0120-4562-e6508df10674",
        "131052-308U",
        "290200+123A",
        "FI2112345600000786",
        "4111111111111112",
        "4111 1111 1111 1112",
        "123 4567",
        "Viitenumero 1 23453",
        "Viitenumero 5 53394 43885 83563",
        "RF18 5390 0754 7034",
        "EAN 6411401015090",
        "EAN 4006381333931",
        "UPC 012345678905",
        "EAN-8 04012345",
        "Mannerheimintie 12 B 34, 00100 Helsinki",
        "PVM 01 02 2024 KLO 12 34",
        "OVT 003712345678",
        "2 kpl á 3,50",
        "+24 %",
        "max_tokens: 500",
        "tokenizer=wordpiece",
        "Authorization header missing",
        "user@localhost",
        "@docflow",
        "https://api.docflow.fi/v1/receipts?page=2",
    ],
)
def test_given_non_personal_text_when_scrubbed_then_unchanged(text: str) -> None:
    assert scrub_text(text) == text


def test_given_ean13_with_card_prefix_and_valid_luhn_when_scrubbed_then_unchanged() -> None:
    """A 13-digit code is never a card, even Luhn-valid and starting with a Visa 4."""
    ean = "4222222222222"
    assert scrub_text(f"EAN {ean}") == f"EAN {ean}"


def test_given_card_followed_by_date_when_scrubbed_then_only_card_replaced() -> None:
    assert scrub_text("2024 4111 1111 1111 1111 12/27") == "2024 [CARD] 12/27"


def test_given_two_adjacent_numbers_when_scrubbed_then_each_replaced() -> None:
    assert scrub_text("040 123 4567 040 765 4321") == "[PHONE] [PHONE]"
    assert scrub_text("4111111111111111 5555555555554444") == "[CARD] [CARD]"
    assert scrub_text("BE68 5390 0754 7034 2024") == "[IBAN] 2024"


def test_given_text_when_entities_found_then_spans_point_at_values() -> None:
    text = "mail matti@example.fi, hetu 131052-308T"
    assert [(e.kind, text[e.start : e.end]) for e in find_entities(text)] == [
        ("EMAIL", "matti@example.fi"),
        ("HETU", "131052-308T"),
    ]


def test_given_cookie_with_jwt_when_found_then_jwt_typed_and_rest_secret() -> None:
    text = f"Cookie: sid=abc123; access={JWT}"
    assert scrub_text(text) == "Cookie: [SECRET][JWT]"


def test_given_empty_text_when_scrubbed_then_empty() -> None:
    assert scrub_text("") == ""
    assert find_entities("") == []


def test_given_bytes_when_scrubbed_then_utf8_scrubbed_and_other_bytes_kept() -> None:
    data = "sähköposti matti@example.fi ".encode() + b"\xff\xfe"
    assert scrub_bytes(data) == "sähköposti [EMAIL] ".encode() + b"\xff\xfe"
    assert scrub_bytes(b"\x00\x01 nothing here") == b"\x00\x01 nothing here"


def test_given_text_with_turkish_capital_i_when_scrubbed_then_offsets_stay_right() -> None:
    text = "İİİ Authorization: Bearer abc123 password=x"
    assert scrub_text(text) == "İİİ Authorization: Bearer [SECRET] password=[SECRET]"


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from("0123456789 .,-+()@:=/abcdefxyzABCDEFXYZ_äÄ\n\"'"), max_size=120))
def test_given_any_text_when_scrubbed_twice_then_second_pass_changes_nothing(text: str) -> None:
    once = scrub_text(text)
    assert scrub_text(once) == once


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_given_any_text_when_entities_found_then_sorted_and_disjoint(text: str) -> None:
    entities = find_entities(text)
    for before, after in itertools.pairwise(entities):
        assert before.end <= after.start
    assert all(0 <= e.start < e.end <= len(text) for e in entities)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("GET /clients?email=matti%40example.fi&page=2", "GET /clients?email=[EMAIL]&page=2"),
        ("tilinumero fi21 1234 5600 0007 85", "tilinumero [IBAN]"),
        ("upstream said: Bearer abcdefgh12345 is expired", "upstream said: Bearer [SECRET] is expired"),
        (
            "portal https://billing.stripe.com/p/session/live_YWNjdF8xTTJKVGtMa2RJd0hxN2Qy",
            "portal https://billing.stripe.com/p/session/[SECRET]",
        ),
        ("?X-Amz-Signature=abcdef0123456789", "?X-Amz-Signature=[SECRET]"),
        ("X-Amz-Security-Token=FQoGZXIvYXdzEJr", "X-Amz-Security-Token=[SECRET]"),
    ],
)
def test_given_encoded_or_embedded_credentials_when_scrubbed_then_replaced(text: str, expected: str) -> None:
    assert scrub_text(text) == expected


@pytest.mark.parametrize(
    "text", ["bearer token missing", "mp3 ab12 cdef ghij", "re_compile_pattern_cache_size"]
)
def test_given_lookalike_words_when_scrubbed_then_unchanged(text: str) -> None:
    assert scrub_text(text) == text

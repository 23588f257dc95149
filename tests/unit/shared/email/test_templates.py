"""Templates: every kind in every locale, values escaped into HTML, versioned idempotency keys."""

from __future__ import annotations

import pytest

from docflow.email.templates import LOCALES, TEMPLATES, UnknownTemplate, idempotency_key, locale_of, render


@pytest.mark.parametrize("kind", sorted(TEMPLATES))
@pytest.mark.parametrize("locale", LOCALES)
def test_every_template_renders_html_and_text_without_placeholders(kind: str, locale: str) -> None:
    context = {
        "tenant": "Demo Oy",
        "inviter": "Maija",
        "receipt": "K-1",
        "period": "2026-10",
        "reason": "the message had no attachments.",
        "count": "3",
        "processed": "1",
        "review": "1",
        "failed": "1",
        "url": "https://app.docflow.fi/x",
    }
    message = render(kind, locale_of(locale), context)
    for part in (message.subject, message.html, message.text):
        assert "$" not in part
    assert f'lang="{locale}"' in message.html
    assert "https://app.docflow.fi/x" in message.text
    assert message.html.startswith("<!doctype html>")


def test_locales_differ() -> None:
    subjects = {render("invitation", loc, {"tenant": "T", "inviter": "I"}).subject for loc in LOCALES}
    assert subjects == {"Kutsu DocFlow'hun: T", "Inbjudan till DocFlow: T", "Invitation to DocFlow: T"}


def test_values_are_escaped_in_html_but_not_in_text() -> None:
    message = render(
        "invitation", "en", {"tenant": "<b>Evil</b> & Co", "inviter": '"x"', "url": "https://a/b?c=1&d=2"}
    )
    assert "<b>Evil</b>" not in message.html
    assert "&lt;b&gt;Evil&lt;/b&gt; &amp; Co" in message.html
    assert 'href="https://a/b?c=1&amp;d=2"' in message.html
    assert "<b>Evil</b> & Co" in message.text


def test_a_non_http_url_gets_no_button() -> None:
    message = render("invitation", "fi", {"tenant": "T", "inviter": "I", "url": "javascript:alert(1)"})
    assert "javascript:" not in message.html
    assert "javascript:" not in message.text


def test_unknown_locale_falls_back_to_finnish() -> None:
    assert locale_of("de") == "fi"
    assert locale_of(None) == "fi"
    assert locale_of("sv") == "sv"


def test_idempotency_key_is_kind_entity_version() -> None:
    assert idempotency_key("payment_failed", "evt_1:abc") == "payment_failed/evt_1:abc/v1"
    with pytest.raises(UnknownTemplate):
        idempotency_key("nope", "x")

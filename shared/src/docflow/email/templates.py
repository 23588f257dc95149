"""Versioned e-mail templates in Finnish, Swedish and English, each as HTML and plain text.

A template is a subject and paragraphs with ``$name`` placeholders, and optionally a call to action
(a label and the ``url`` of the context). Values are escaped into the HTML; the plain text carries
them as they are. A change to a template's wording bumps its ``version``, which is part of the
idempotency key of every message sent with it (``<kind>/<entity>/v<version>``).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from string import Template
from typing import Literal

Locale = Literal["fi", "sv", "en"]
LOCALES: tuple[Locale, ...] = ("fi", "sv", "en")
DEFAULT_LOCALE: Locale = "fi"


@dataclass(frozen=True, slots=True)
class Wording:
    """One language of a template."""

    subject: str
    paragraphs: tuple[str, ...]
    action: str | None = None


@dataclass(frozen=True, slots=True)
class EmailTemplate:
    """A kind of message: its version and its wording per locale."""

    kind: str
    version: int
    wording: dict[Locale, Wording]


@dataclass(frozen=True, slots=True)
class Rendered:
    """A message ready to send."""

    subject: str
    html: str
    text: str


class UnknownTemplate(KeyError):
    """No template of that kind."""


def locale_of(value: str | None) -> Locale:
    """A profile's locale as one of the template locales (Finnish when unknown)."""
    for locale in LOCALES:
        if value == locale:
            return locale
    return DEFAULT_LOCALE


TEMPLATES: dict[str, EmailTemplate] = {
    t.kind: t
    for t in (
        EmailTemplate(
            "invitation",
            2,
            {
                "fi": Wording(
                    "Kutsu DocFlow'hun: $tenant",
                    (
                        "$inviter kutsui sinut yrityksen $tenant DocFlow-tiliin.",
                        "Kutsu on voimassa 14 päivää.",
                    ),
                    "Hyväksy kutsu",
                ),
                "sv": Wording(
                    "Inbjudan till DocFlow: $tenant",
                    (
                        "$inviter har bjudit in dig till företaget $tenant i DocFlow.",
                        "Inbjudan gäller i 14 dagar.",
                    ),
                    "Acceptera inbjudan",
                ),
                "en": Wording(
                    "Invitation to DocFlow: $tenant",
                    ("$inviter invited you to $tenant on DocFlow.", "The invitation is valid for 14 days."),
                    "Accept the invitation",
                ),
            },
        ),
        EmailTemplate(
            "receipt_needs_review",
            1,
            {
                "fi": Wording(
                    "Kuitti odottaa tarkistusta",
                    ("Kuittia $receipt ei voitu lukea varmasti. Tarkista sen tiedot DocFlow'ssa.",),
                    "Tarkista kuitti",
                ),
                "sv": Wording(
                    "Ett kvitto väntar på granskning",
                    ("Kvittot $receipt kunde inte läsas säkert. Granska uppgifterna i DocFlow.",),
                    "Granska kvittot",
                ),
                "en": Wording(
                    "A receipt needs review",
                    ("Receipt $receipt could not be read with confidence. Please check it in DocFlow.",),
                    "Review the receipt",
                ),
            },
        ),
        EmailTemplate(
            "payment_failed",
            1,
            {
                "fi": Wording(
                    "Maksu epäonnistui: $tenant",
                    (
                        "Yrityksen $tenant DocFlow-tilauksen maksu epäonnistui.",
                        "Päivitä maksutapa, jotta tilaus jatkuu keskeytyksettä.",
                    ),
                    "Päivitä maksutapa",
                ),
                "sv": Wording(
                    "Betalningen misslyckades: $tenant",
                    (
                        "Betalningen av DocFlow-prenumerationen för $tenant misslyckades.",
                        "Uppdatera betalningssättet så att prenumerationen fortsätter.",
                    ),
                    "Uppdatera betalningssätt",
                ),
                "en": Wording(
                    "Payment failed: $tenant",
                    (
                        "The payment of the DocFlow subscription of $tenant failed.",
                        "Please update the payment method so the subscription continues.",
                    ),
                    "Update the payment method",
                ),
            },
        ),
        EmailTemplate(
            "monthly_report",
            1,
            {
                "fi": Wording(
                    "Kuukausiraportti $period: $tenant",
                    ("Yrityksen $tenant raportti kaudelta $period.",),
                    "Avaa DocFlow",
                ),
                "sv": Wording(
                    "Månadsrapport $period: $tenant",
                    ("Rapporten för $tenant för perioden $period.",),
                    "Öppna DocFlow",
                ),
                "en": Wording(
                    "Monthly report $period: $tenant",
                    ("The report of $tenant for $period.",),
                    "Open DocFlow",
                ),
            },
        ),
        EmailTemplate(
            "inbound_rejected",
            1,
            {
                "fi": Wording(
                    "Sähköpostista ei tullut kuittia",
                    (
                        "Lähettämästäsi viestistä ei luotu kuitteja: $reason",
                        "Voit myös ladata kuitit DocFlow'ssa.",
                    ),
                    "Avaa DocFlow",
                ),
                "sv": Wording(
                    "E-postmeddelandet blev inget kvitto",
                    (
                        "Inga kvitton skapades av ditt meddelande: $reason",
                        "Du kan också ladda upp kvittona i DocFlow.",
                    ),
                    "Öppna DocFlow",
                ),
                "en": Wording(
                    "Your e-mail made no receipt",
                    (
                        "No receipts were created from your message: $reason",
                        "You can also upload them in DocFlow.",
                    ),
                    "Open DocFlow",
                ),
            },
        ),
        EmailTemplate(
            "receipts_digest",
            1,
            {
                "fi": Wording(
                    "Kuitit käsitelty: $count kpl",
                    (
                        "Lähettämäsi $count kuittia on käsitelty: $processed valmiina, $review odottaa "
                        "tarkistusta, $failed epäonnistui.",
                    ),
                    "Avaa kuitit",
                ),
                "sv": Wording(
                    "Kvitton behandlade: $count st",
                    (
                        "Dina $count kvitton har behandlats: $processed klara, $review väntar på granskning, "
                        "$failed misslyckades.",
                    ),
                    "Öppna kvittona",
                ),
                "en": Wording(
                    "Receipts processed: $count",
                    (
                        "Your $count receipts have been processed: $processed done, $review need review, "
                        "$failed failed.",
                    ),
                    "Open the receipts",
                ),
            },
        ),
    )
}

#: Why a mailed message made no receipt, as its reply says it.
INBOUND_REASONS: dict[str, dict[Locale, str]] = {
    "no_attachments": {
        "fi": "viestissä ei ollut liitteitä.",
        "sv": "meddelandet hade inga bilagor.",
        "en": "the message had no attachments.",
    },
    "no_supported_attachment": {
        "fi": "liitteet eivät olleet kuvia tai PDF-tiedostoja.",
        "sv": "bilagorna var inte bilder eller PDF-filer.",
        "en": "the attachments were not images or PDF files.",
    },
    "too_many_attachments": {
        "fi": "viestissä oli yli 10 liitettä.",
        "sv": "meddelandet hade fler än 10 bilagor.",
        "en": "the message had more than 10 attachments.",
    },
    "attachment_too_large": {
        "fi": "liite oli liian suuri (kuvat enintään 15 Mt, PDF enintään 20 Mt).",
        "sv": "en bilaga var för stor (bilder högst 15 MB, PDF högst 20 MB).",
        "en": "an attachment was too large (images up to 15 MB, PDFs up to 20 MB).",
    },
    "message_too_large": {
        "fi": "viesti oli liian suuri (enintään 25 Mt).",
        "sv": "meddelandet var för stort (högst 25 MB).",
        "en": "the message was too large (at most 25 MB).",
    },
    "malformed_mime": {
        "fi": "viestiä ei voitu lukea.",
        "sv": "meddelandet kunde inte läsas.",
        "en": "the message could not be read.",
    },
    "plan_limit_reached": {
        "fi": "tilauksesi kuukausittainen kuittimäärä on täynnä.",
        "sv": "abonnemangets kvitton för månaden är slut.",
        "en": "your plan's receipts for this month are used up.",
    },
    "sender_not_allowed": {
        "fi": "roolisi ei salli kuittien lisäämistä.",
        "sv": "din roll tillåter inte att lägga till kvitton.",
        "en": "your role does not allow adding receipts.",
    },
}


def inbound_reason(reason: str, locale: Locale) -> str:
    """The reply's words for a refusal reason (a generic sentence for one without its own)."""
    return INBOUND_REASONS.get(reason, INBOUND_REASONS["malformed_mime"])[locale]


def template(kind: str) -> EmailTemplate:
    """The template of ``kind`` (:class:`UnknownTemplate` otherwise)."""
    try:
        return TEMPLATES[kind]
    except KeyError:
        raise UnknownTemplate(kind) from None


def idempotency_key(kind: str, entity: str) -> str:
    """``<kind>/<entity>/v<version>``: the same message is sent once, whatever retries."""
    return f"{kind}/{entity}/v{template(kind).version}"


def render(
    kind: str, locale: Locale, context: dict[str, str], *, extra_html: str = "", extra_text: str = ""
) -> Rendered:
    """The message of ``kind`` in ``locale`` with ``context``'s values (``url`` for the call to action);
    ``extra_html``/``extra_text`` are appended as they are (already escaped HTML)."""
    wording = template(kind).wording[locale]
    subject = Template(wording.subject).safe_substitute(context)
    texts = [Template(p).safe_substitute(context) for p in wording.paragraphs]
    escaped = {name: html.escape(value) for name, value in context.items()}
    paragraphs = "".join(
        f'<p style="margin:0 0 16px">{Template(html.escape(p, quote=False)).safe_substitute(escaped)}</p>'
        for p in wording.paragraphs
    )
    url = context.get("url", "")
    button = text_action = ""
    if wording.action and url.startswith(("https://", "http://")):
        button = (
            f'<p style="margin:24px 0"><a href="{html.escape(url)}" style="background:#1d4ed8;color:#ffffff;'
            f'padding:12px 20px;border-radius:6px;text-decoration:none;display:inline-block">'
            f"{html.escape(wording.action)}</a></p>"
        )
        text_action = f"\n\n{wording.action}: {url}"
    body = (
        f'<!doctype html><html lang="{locale}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(subject)}</title></head>"
        '<body style="margin:0;padding:0;background:#f4f4f5">'
        '<div style="max-width:600px;margin:0 auto;padding:24px 16px;font-family:Arial,Helvetica,sans-serif;'
        'font-size:16px;line-height:1.5;color:#18181b;background:#ffffff;box-sizing:border-box">'
        f"{paragraphs}{extra_html}{button}"
        '<p style="margin:32px 0 0;font-size:12px;color:#71717a">DocFlow</p></div></body></html>'
    )
    text = (
        "\n\n".join(texts) + (f"\n\n{extra_text}" if extra_text else "") + text_action + "\n\n-- \nDocFlow\n"
    )
    return Rendered(subject=subject, html=body, text=text)

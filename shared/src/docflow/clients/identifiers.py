"""Normalising and checking the fields of a client: Y-tunnus, VAT number, tags, phone, e-mail.

Each function returns the stored form or raises ``ValueError`` with a message safe to show (it never
repeats the rejected value).
"""

from __future__ import annotations

import re

from docflow.receipts.identifiers import is_valid_vat_number, is_valid_ytunnus, vat_number_to_ytunnus

_EMAIL = re.compile(
    r"^[^@\s<>(),;:\"]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9-]{1,63})+$"
)
_PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{4,38}$")
_TAG = re.compile(r"^[\w][\w .&/+-]{0,39}$")
MAX_TAGS = 20


def normalize_ytunnus(value: str) -> str:
    """``1234567-8`` from common spellings (spaces, no hyphen); check digit validated."""
    digits = re.sub(r"[\s-]", "", value)
    if not re.fullmatch(r"\d{7,8}", digits):
        raise ValueError("not a Y-tunnus (format 1234567-8)")
    digits = digits.zfill(8)
    candidate = f"{digits[:7]}-{digits[7]}"
    if not is_valid_ytunnus(candidate):
        raise ValueError("not a valid Y-tunnus (check digit)")
    return candidate


def normalize_vat_number(value: str) -> str:
    """An EU VAT number in compact form; Finnish ones (``FI`` + 8 digits) have their check digit validated."""
    compact = re.sub(r"[\s.-]", "", value).upper()
    if compact.startswith("FI"):
        if not is_valid_vat_number(compact):
            raise ValueError("not a valid Finnish VAT number (FI + 8 digits with check digit)")
        return compact
    from stdnum.eu import vat

    if not re.fullmatch(r"[A-Z]{2}[0-9A-Z]{2,13}", compact) or not vat.is_valid(compact):
        raise ValueError("not a valid EU VAT number")
    return compact


def check_vat_matches_ytunnus(business_id: str | None, vat_number: str | None) -> None:
    """A Finnish VAT number is the Y-tunnus without its hyphen: the two must agree."""
    if (
        business_id
        and vat_number
        and vat_number.startswith("FI")
        and vat_number_to_ytunnus(vat_number) != business_id
    ):
        raise ValueError("the Finnish VAT number does not match the Y-tunnus")


def normalize_email(value: str) -> str:
    """A plausible e-mail address, trimmed; the domain is lower-cased."""
    text = value.strip()
    if len(text) > 254 or not _EMAIL.match(text):
        raise ValueError("not a valid e-mail address")
    local, domain = text.rsplit("@", 1)
    return f"{local}@{domain.lower()}"


def normalize_phone(value: str) -> str:
    """A phone number of digits, spaces, hyphens and brackets, with an optional leading ``+``."""
    text = " ".join(value.split())
    if not _PHONE.match(text):
        raise ValueError("not a valid phone number")
    return text


def normalize_tags(values: list[str]) -> list[str]:
    """Tags trimmed, lower-cased, de-duplicated in order; at most 20 of 1-40 characters."""
    tags: list[str] = []
    for value in values:
        tag = " ".join(value.split()).lower()
        if not tag:
            continue
        if not _TAG.match(tag):
            raise ValueError("tags are 1-40 letters, digits, spaces or . & / + - _")
        if tag not in tags:
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise ValueError(f"at most {MAX_TAGS} tags")
    return tags

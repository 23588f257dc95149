"""The country a receipt was issued in, from its VAT number prefix, currency and a few words.

Minimal on purpose: the VAT reader needs to know which rate table applies, and that a foreign
receipt's VAT is never Finnish deductible VAT. ``None`` means the receipt gives no evidence; Finland is
returned only when Finnish evidence exists.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from docflow.receipts.lines import TextLine
from docflow.receipts.numbers import find_amounts

#: A VAT number's two-letter prefix (``FI12345678``, ``SE556677889901``, ``EE100123456``, ``DE123456789``).
_VAT_NUMBER = re.compile(r"(?<![A-Z0-9])(FI|SE|EE|DE)\s?(\d{8,12})(?!\d)")
_CURRENCY_COUNTRY = {"SEK": "SE"}

#: Words (over folded text) that only a receipt of one country prints.
_COUNTRY_WORDS: dict[str, re.Pattern[str]] = {
    "FI": re.compile(
        r"(?<![A-Z])(?:ALV|ALV-?\w+|Y-?TUNNUS|FO-?NUMMER|YHTEENSA|VEROTON|VEROLLINEN|KUITTI|KATEINEN|KORTTIMAKSU)"
        r"(?![A-Z])"
    ),
    "SE": re.compile(r"(?<![A-Z])(?:ORG\.?\s?NR|MOMSREG\w*|SWISH|KVITTONR|KR)(?![A-Z])"),
    "EE": re.compile(r"(?<![A-Z])(?:KM|KMKR|KAIBEMAKS\w*|KOKKU|SUMMA\s?KOKKU)(?![A-Z])"),
    "DE": re.compile(r"(?<![A-Z])(?:MWST|UST|UST-?ID\w*|STEUER-?NR|SUMME|NETTOSUMME)(?![A-Z])"),
}
#: A rate printed with a VAT word that exists in only one country (``ALV 25,5 %``, ``13,5 %``).
_FINNISH_ONLY_RATE = re.compile(r"(?<![\d.,])(?:25[.,]5|13[.,]5)\s?%")


def detect_country(lines: Sequence[TextLine]) -> str | None:
    """The ISO 3166 code of the receipt's country (``FI``, ``SE``, ``EE``, ``DE``), or ``None``.

    A VAT number decides; else the currency (SEK); else the country whose words the receipt prints
    most, when no other country's words are printed as often.
    """
    text = "\n".join(line.text.upper() for line in lines)
    prefixes = Counter(match[1] for match in _VAT_NUMBER.finditer(text))
    if prefixes:
        return prefixes.most_common(1)[0][0]
    currencies = Counter(
        match.currency for line in lines for match in find_amounts(line.text) if match.currency
    )
    for code, country in _CURRENCY_COUNTRY.items():
        if currencies[code] > 0 and currencies[code] >= currencies.get("EUR", 0):
            return country
    folded = "\n".join(line.folded for line in lines)
    scores = Counter({country: len(pattern.findall(folded)) for country, pattern in _COUNTRY_WORDS.items()})
    scores["FI"] += 2 * len(_FINNISH_ONLY_RATE.findall(folded))
    ranked = [(country, score) for country, score in scores.most_common() if score > 0]
    if not ranked or (len(ranked) > 1 and ranked[0][1] == ranked[1][1]):
        return None
    return ranked[0][0]


def is_foreign(country: str | None) -> bool:
    """Whether a receipt of ``country`` is from abroad (its VAT is not Finnish deductible VAT)."""
    return country is not None and country != "FI"

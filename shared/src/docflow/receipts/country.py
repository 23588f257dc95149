"""The country a receipt was issued in, read from the receipt itself: never assumed.

Evidence, strongest first: a VAT or business registration number with its country's format (``SE``
+ 12 digits, ``EE`` + 9, ``DE`` + 9, ``FI`` + 8, a Y-tunnus, a Swedish org.nr, an Estonian
registry code), a currency printed next to amounts (``SEK``, ``NOK``, ``DKK``), a phone number with a
country prefix, the country's name, and the receipt's own words (``MwSt``, ``MOMS``, ``KÄIBEMAKS``,
``ALV`` ...) and street names (``-straße``, ``-gatan``, ``tänav``, ``-katu``). Each piece of evidence adds
a weight to its country; the best-scored country wins when it clearly leads. A receipt without any
evidence has no country (``None``), so callers decide what an unknown origin means.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from docflow.receipts.identifiers import find_business_ids, find_vat_numbers
from docflow.receipts.lines import TextLine

#: ISO 3166 country code -> the currency its receipts are in.
COUNTRY_CURRENCY: dict[str, str] = {
    "FI": "EUR",
    "SE": "SEK",
    "EE": "EUR",
    "DE": "EUR",
    "NO": "NOK",
    "DK": "DKK",
}

#: How much each kind of evidence counts.
REGISTRATION_WEIGHT = 4.0
CURRENCY_WEIGHT = 3.0
PHONE_WEIGHT = 2.0
COUNTRY_NAME_WEIGHT = 2.0
WORD_WEIGHT = 1.0
STREET_WEIGHT = 1.0
#: A country needs this score, and this much more than the runner-up, to be chosen.
MIN_SCORE = 2.0
MIN_LEAD = 1.0


def _digits(count: int) -> str:
    """``count`` digits, perhaps printed in groups (``DE 813 129 242``)."""
    return rf"((?:\d\s?){{{count - 1}}}\d)"


#: VAT numbers by country prefix; the prefix may follow a label without a space (``Momsreg.nr:SE...``).
_VAT_NUMBERS: dict[str, re.Pattern[str]] = {
    "SE": re.compile(rf"(?<![A-Z0-9])SE\s?{_digits(10)}\s?01(?!\d)|(?<=NR)SE\s?{_digits(10)}\s?01(?!\d)"),
    "EE": re.compile(rf"(?:(?<![A-Z0-9])|(?<=KMKR)|(?<=NR))EE\s?{_digits(9)}(?!\d)"),
    "DE": re.compile(rf"(?:(?<![A-Z0-9])|(?<=NR)|(?<=ID))DE\s?{_digits(9)}(?!\d)"),
    "NO": re.compile(rf"(?<![A-Z0-9])NO\s?{_digits(9)}\s?MVA(?![A-Z])"),
    "DK": re.compile(rf"(?:(?<![A-Z0-9])|(?<=NR))DK\s?{_digits(8)}(?!\d)"),
}
#: Registration numbers with a label: Swedish org.nr, Estonian registry code, German tax number, CVR.
_REGISTRATIONS: dict[str, re.Pattern[str]] = {
    "SE": re.compile(r"ORG\.?\s?(?:NR|NUMMER)\.?\s?:?\s?(\d{6}\s?-\s?\d{4})(?!\d)"),
    "EE": re.compile(
        r"(?:REG\.?\s?(?:NR|KOOD)|REGISTRIKOOD|KMKR)\.?\s?(?:NR)?\.?\s?:?\s?(?:EE)?(\d{8,9})(?!\d)"
    ),
    "DE": re.compile(
        r"(?:ST\.?\s?-?\s?NR|STEUER\s?-?\s?NR|STEUERNUMMER|UST\.?\s?-?\s?ID\w*)\.?\s?:?\s?(\d[\d/ ]{8,14}\d)"
    ),
    "DK": re.compile(r"CVR\.?\s?(?:NR)?\.?\s?:?\s?(\d{8})(?!\d)"),
    "NO": re.compile(r"(?:ORG\.?\s?NR|FORETAKSREGISTERET)\.?\s?:?\s?(\d{3}\s?\d{3}\s?\d{3})\s?MVA"),
}
#: The Finnish business id's label in Swedish (``FO-nummer``): Finland-Swedish receipts print it, Swedish
#: ones print ``Org.nr``; it tells Finland even when the OCR garbled the number beside it.
_FO_NUMBER = re.compile(r"(?<![A-Z])FO-?\s?(?:NUMME\w|NR)(?![A-Z])")
#: A Swedish org.nr printed without its label: six digits, a hyphen, four digits, starting 5 (companies).
_BARE_ORGNR = re.compile(r"(?<![\d-])(5\d{5}-\d{4})(?![\d-])")
_CURRENCIES: dict[str, re.Pattern[str]] = {
    # ``kr`` alone is any Nordic krona or krone: no evidence.
    "SE": re.compile(r"(?<![A-Z])SEK(?![A-Z])"),
    "NO": re.compile(r"(?<![A-Z])NOK(?![A-Z])"),
    "DK": re.compile(r"(?<![A-Z])DKK(?![A-Z])"),
}
_PHONES: dict[str, re.Pattern[str]] = {
    "FI": re.compile(r"\+\s?358(?!\d{4,}\d)"),
    "SE": re.compile(r"\+\s?46(?=[\s(\d])"),
    "EE": re.compile(r"\+\s?372(?=[\s\d])"),
    "DE": re.compile(r"\+\s?49(?=[\s(\d])"),
    "NO": re.compile(r"\+\s?47(?=[\s\d])"),
    "DK": re.compile(r"\+\s?45(?=[\s\d])"),
}


def _words(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"(?<![A-Z])(?:" + "|".join(alternatives) + r")(?![A-Z])")


_COUNTRY_NAMES: dict[str, re.Pattern[str]] = {
    "FI": _words(r"SUOMI", r"FINLAND"),
    "SE": _words(r"SVERIGE", r"SWEDEN"),
    "EE": _words(r"EESTI", r"ESTONIA", r"EESTI\s?VABARIIK"),
    "DE": _words(r"DEUTSCHLAND", r"GERMANY"),
    "NO": _words(r"NORGE", r"NORWAY"),
    "DK": _words(r"DANMARK", r"DENMARK"),
}
#: Words only that country's receipts print (folded: upper case, ÄÖÅÜ without dots).
_COUNTRY_WORDS: dict[str, re.Pattern[str]] = {
    "FI": _words(
        r"ALV",
        r"YHTEENSA",
        r"KUITTI",
        r"KATEINEN",
        r"VEROTON",
        r"VEROLLINEN",
        r"Y-?TUNNUS",
        r"KPL",
        r"KIITOS",
        r"MAKSETTAVAA",
        r"PANKKIKORTTI",
        r"TAKAISIN",
        r"PULLON?PALAUTUS",
        r"LUNASTA",
        r"KASSALLA",
        r"HYVAKSYTTY",
        r"ASIAKKAAN",
        r"ARKISTOINTITUNNUS",
        r"PAATE",
        r"KAUPPIAS",
        r"OSTO",
        r"TERVETULOA",
        r"HINNAT",
        r"SISALTAVAT",
        r"PALAUTUS",
        r"HYVITYS",
    ),
    "SE": _words(
        r"MOMS\w*",
        r"ATT\s?BETALA",
        r"TOTALT",
        r"KONTANT\w*",
        r"VAXEL",
        r"KVITTO",
        r"ORG\.?\s?NR",
        r"TACK\s?FOR\s?\w+",
        r"BELOPP",
        r"KORTKOP",
        r"AVRUNDNING",
    ),
    "EE": _words(
        r"KOKKU",
        r"KAIBEMAKS\w*",
        r"KM",
        r"KMKR",
        r"SULARAHA",
        r"KAARDIMAKSE",
        r"KAART",
        r"TASUDA",
        r"TAGASI",
        r"AITAH",
        r"REG\.?\s?NR",
        r"ARVE",
        r"KM-?TA",
    ),
    "DE": _words(
        r"MWST\w*",
        r"MEHRWERTST\w*",
        r"UST",
        r"SUMME",
        r"ZU\s?ZAHLEN",
        r"GESAMT\w*",
        r"RUCKGELD",
        r"GEGEBEN",
        r"EC-?\s?KARTE",
        r"GIROCARD",
        r"STEUER\w*",
        r"BRUTTO",
        r"BAR",
        r"DANKE",
        r"KASSENBON",
        r"BELEG\w*",
        r"PFAND",
        r"KARTENZAHLUNG",
        r"ZWISCHENSUMME",
    ),
    "NO": _words(r"MVA", r"A\s?BETALE", r"KVITTERING", r"VEKSEL", r"BANKAXEPT", r"VIPPS"),
    "DK": _words(r"AT\s?BETALE", r"BYTTEPENGE", r"KVITTERING"),
}
#: Street names in their country's form.
_STREETS: dict[str, re.Pattern[str]] = {
    "FI": re.compile(r"[A-Z](?:KATU|TIE|KUJA|POLKU|RAITTI)\b"),
    "SE": re.compile(r"[A-Z](?:GATAN|VAGEN|GRAND|TORGET)\b"),
    "EE": re.compile(r"(?<![A-Z])(?:TANAV|MNT|MAANTEE|PST)\b"),
    "DE": re.compile(r"[A-Z](?:STRASSE|STR\.|WEG|ALLEE|PLATZ)(?![A-Z])|(?<![A-Z])(?:STRASSE|STR\.)"),
}
#: A postcode and town in the Swedish form (``114 55 Stockholm``).
_SWEDISH_POSTCODE = re.compile(r"(?<![\d.,])\d{3}\s\d{2}\s[A-Z]{3,}")


@dataclass(frozen=True, slots=True)
class CountryEvidence:
    """The country a receipt comes from, its currency, how sure (0..1) and why."""

    country: str | None
    currency: str | None
    confidence: float
    reasons: tuple[str, ...]
    #: A VAT number of the detected country (``SE556036079301``), when one is printed.
    vat_number: str | None = None


def _german_text(text: str) -> str:
    """``ß`` folded the way German spells it out, so ``Straße`` reads ``STRASSE``."""
    return text.replace("ß", "ss").replace("ẞ", "SS")


def _valid_vat_number(country: str, digits: str) -> bool:
    from stdnum.de import vat as de_vat  # python-stdnum loads its registry modules: keep it off cold start
    from stdnum.dk import cvr
    from stdnum.ee import kmkr
    from stdnum.no import mva
    from stdnum.se import vat as se_vat

    checks = {
        "SE": lambda: se_vat.is_valid(f"SE{digits}01"),
        "EE": lambda: kmkr.is_valid(f"EE{digits}"),
        "DE": lambda: de_vat.is_valid(f"DE{digits}"),
        "NO": lambda: mva.is_valid(f"NO{digits}MVA"),
        "DK": lambda: cvr.is_valid(digits),
    }
    return bool(checks[country]())


def _printed_upper(text: str, prefix: str, first_digit: str) -> bool:
    """Whether ``text`` prints the VAT number's country ``prefix`` in capitals before its first digit:
    VAT numbers always do, where OCR noise (``Pos-Info ee 192 00 055``) folds to capitals too."""
    return re.search(rf"{prefix}\s?{first_digit}", text) is not None


def _valid_orgnr(value: str) -> bool:
    from stdnum.se import orgnr

    return bool(orgnr.is_valid(value.replace(" ", "")))


class _Scores:
    """Weights and reasons per country."""

    def __init__(self) -> None:
        self.scores: dict[str, float] = defaultdict(float)
        self.reasons: dict[str, list[str]] = defaultdict(list)
        self.vat_numbers: dict[str, str] = {}
        self.words: dict[str, set[str]] = defaultdict(set)

    def add(self, country: str, weight: float, reason: str) -> None:
        self.scores[country] += weight
        if reason not in self.reasons[country]:
            self.reasons[country].append(reason)


#: Simple evidence: patterns per country over the folded line, their weight and reason.
_PATTERN_EVIDENCE: tuple[tuple[dict[str, re.Pattern[str]], float, str], ...] = (
    (_REGISTRATIONS, REGISTRATION_WEIGHT / 2, "registration number"),
    (_CURRENCIES, CURRENCY_WEIGHT, "currency"),
    (_COUNTRY_NAMES, COUNTRY_NAME_WEIGHT, "country name"),
    (_STREETS, STREET_WEIGHT, "street name"),
)


def _registration_evidence(line: TextLine, folded: str, found: _Scores) -> None:
    """VAT numbers, Y-tunnus and org.nr of a line."""
    if find_vat_numbers(line.text):
        found.add("FI", REGISTRATION_WEIGHT, "FI VAT number")
    elif find_business_ids(line.text):
        found.add("FI", REGISTRATION_WEIGHT, "Y-tunnus")
    elif _FO_NUMBER.search(folded):
        found.add("FI", REGISTRATION_WEIGHT / 2, "FO-nummer label")
    for country, pattern in _VAT_NUMBERS.items():
        for match in pattern.finditer(folded):
            digits = "".join(group for group in match.groups() if group).replace(" ", "")
            if not _printed_upper(line.text, country, digits[0]):
                continue
            valid = _valid_vat_number(country, digits)
            weight = REGISTRATION_WEIGHT if valid else REGISTRATION_WEIGHT / 2
            found.add(country, weight, f"{country} VAT number")
            if valid:
                suffix = "01" if country == "SE" else "MVA" if country == "NO" else ""
                found.vat_numbers.setdefault(country, f"{country}{digits}{suffix}")
    if any(_valid_orgnr(match[1]) for match in _BARE_ORGNR.finditer(folded)):
        found.add("SE", REGISTRATION_WEIGHT / 2, "SE org.nr")


def _line_evidence(line: TextLine, found: _Scores) -> None:
    folded = _german_text(line.folded)
    _registration_evidence(line, folded, found)
    for patterns, weight, reason in _PATTERN_EVIDENCE:
        for country, pattern in patterns.items():
            if pattern.search(folded):
                found.add(country, weight, reason)
    for country, pattern in _PHONES.items():
        if pattern.search(line.text):
            found.add(country, PHONE_WEIGHT, "phone prefix")
    if _SWEDISH_POSTCODE.search(folded):
        found.add("SE", STREET_WEIGHT, "postcode")
    for country, pattern in _COUNTRY_WORDS.items():
        found.words[country].update(match.group(0).replace(" ", "") for match in pattern.finditer(folded))


def detect_country(lines: Sequence[TextLine]) -> CountryEvidence:
    """The receipt's country from its registration numbers, currency, phone prefixes and words."""
    found = _Scores()
    for line in lines:
        _line_evidence(line, found)
    for country, seen in found.words.items():
        if seen:
            # Distinct words count, each once: one word alone may be a loan word or an OCR accident.
            found.add(country, WORD_WEIGHT * min(4, len(seen)) - 0.5, f"words: {', '.join(sorted(seen)[:4])}")
    if not found.scores:
        return CountryEvidence(None, None, 0.0, ())
    ranked = sorted(found.scores.items(), key=lambda item: item[1], reverse=True)
    country, score = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    if score < MIN_SCORE or score - runner_up < MIN_LEAD:
        return CountryEvidence(None, None, 0.0, tuple(found.reasons[country]))
    confidence = min(0.97, 0.5 + 0.06 * score + 0.04 * (score - runner_up))
    return CountryEvidence(
        country,
        COUNTRY_CURRENCY.get(country),
        round(confidence, 3),
        tuple(found.reasons[country]),
        found.vat_numbers.get(country),
    )


def is_foreign(country: str | None) -> bool:
    """Whether a receipt of ``country`` is from abroad (its VAT is not Finnish deductible VAT)."""
    return country is not None and country != "FI"

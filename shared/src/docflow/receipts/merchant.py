"""The seller: merchant name and address from the receipt header.

The name is the header line with a legal-form or business word (``Oy``, ``Ab``, ``SDN BHD``, ``Ltd``,
``Ravintola`` ...), else the first line that reads like a name. A legal form printed on its own line
joins the line above, and a line ending in ``&`` joins the next. Street and postcode lines and an item
table's column headings are never the name, nor is a line below the street address without a company
word (a branch or mall). The address is the run of lines after the name (or, with no name read, from the
first street line) up to the first contact, registration or document line, or the first line below the
postcode and town that is no state or country (an OCR speck before a state line dropped), joined with
single spaces.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass

from docflow.receipts.brands import NAME_COUNTRIES, names_a_chain, repair_name
from docflow.receipts.dates import find_dates
from docflow.receipts.lines import TextLine, fold
from docflow.receipts.numbers import find_amounts, lookalike_table
from docflow.receipts.places import repair_place_names
from docflow.receipts.vat import HOME_COUNTRY
from docflow.receipts.vocabulary import COMPANY_MARK, NOT_MERCHANT

HEADER_LINES = 12
MAX_ADDRESS_LINES = 5

#: A parenthesised place or ``(M)`` (Malaysia) printed before a Malaysian legal form: ``(KL) SDN BHD``.
_FORM_PLACE = r"(?:CO\.?\s?)?(?:\([A-Z][A-Z .]{0,19}\)\s?)?"
_LEGAL_FORM_ONLY = re.compile(
    rf"^(?:{_FORM_PLACE}(?:SDN\.?\s?BHD\.?|BHD\.?|SDN|S/B|BERHAD|SENDIRIAN\s?BERHAD)|OYJ?|AB|KY|LTD\.?|"
    r"LIMITED|INC\.?)$"
)
_STRONG_LEGAL_FORM = re.compile(
    r"(?<![A-Z])(?:SDN\.?\s?BHD\.?|BHD|BERHAD|OYJ|OY|AB|LTD|LIMITED|INC|S/B|TMI|KY|GMBH|PLC|LLC|PTE)(?![A-Z])"
)
_EDGE_JUNK = re.compile(r"^[^\w(]+|[^\w.)&]+$")
_LEADING_JUNK = re.compile(r"^[^\w(]+")
_REGISTRATION_SUFFIX = re.compile(r"\s*\(?\s*\d{4,}[\d-]*-?\s?[A-Z]\s*\)?(?:\s*\(.*\))?\s*$")
_REGISTRATION_ANYWHERE = re.compile(r"\(\s*\d{3,}[\d-]*-?\s?[A-Z]\s*\)")
_CONTINUATION = re.compile(
    r"^(?:CO\.?|\(M\)|SDN|BHD|BERHAD|S/B|OYJ?|AB|LTD)(?![A-Z])|"
    r"^\([A-Z][A-Z .]{0,19}\)\s?(?:SDN|BHD|BERHAD|S/B)(?![A-Z])"
)
_PHONE_PREFIX = re.compile(r"^[TF]\s?[:.]")
#: Header lines that are neither name nor address: ``Site: 1046``, ``Counter: 12 Take Away``,
#: ``Licensee of ...``; a house number (``NO: 28, JALAN ...``) is no such label.
_SKIP_IN_ADDRESS = re.compile(r"^[A-Z]+\s?:\s?\d+$|^(?!NO\b|LOT\b)[A-Z]{3,}\s?:\s?\d+(?![\d,])|^LICENSEE\b")
_STRAY_BARS = re.compile(r"\s*\|\s*")
#: Contact words glued to a brand (``myNEWScareline``), e-mail addresses and web links end the address.
_ADDRESS_STOP_ANYWHERE = re.compile(r"CARELINE|HOTLINE|@|WWW\.|HTTPS?:")
#: A line ending in a country name is the last address line.
_COUNTRY_END = re.compile(r"(?<![A-Z])(?:MALAYSIA?|SINGAPORE|FINLAND|SUOMI|SVERIGE|SWEDEN)\W*$")
#: A five-digit postcode with the town after it on the same line: ``47400 Petaling Jaya``.
_POSTCODE_AND_TOWN = re.compile(r"(?<![\w-])\d{5}(?![\w-])\W*[A-Z]{2}")
#: What may follow the postcode line: a state, a country or a parenthesised branch note.
_REGION_LINE = re.compile(
    r"^\W*(?:(?:JOHOR|KEDAH|KELANTAN|MELAKA|MALACCA|NEGERI|SEMBILAN|PAHANG|PERAK|PERLIS|PULAU|PINANG|PENANG|"
    r"SABAH|SARAWAK|SELANGOR|TERENGGANU|KUALA|LUMPUR|KL|W\.?\s?P\.?|WILAYAH|PERSEKUTUAN|PUTRAJAYA|LABUAN|"
    r"DARUL|EHSAN|TAKZIM|AMAN|D\.?\s?E\.?|MALAYSIA?|SINGAPORE|FINLAND|SUOMI|SVERIGE|SWEDEN|DEUTSCHLAND|"
    r"GERMANY)(?![A-Z])\W*)+$|^\(.*\)\W*$"
)
#: An OCR speck before a state or country line (``4 SELANGOR DARUL EHSAN``): a lone digit, a lone
#: lower-case letter or marks.
_REGION_SPECK = re.compile(r"^(?:\d|[a-z]|[^\w\s(]+)\s+(?=[A-Za-z])")
#: An address starts at its house, lot, unit or level number: ``No 2A Jalan ...``, ``LOT 5, ...``.
_HOUSE_NUMBER = re.compile(r"^(?:NO\b|NO\.|LOT\b|UNIT\b|LEVEL\b|\d)")
#: Words of a building or street name, which belong to the address: ``WISMA MAJU``, ``PLAZA BATAI``.
_BUILDING_WORD = re.compile(
    r"(?<![A-Z])(?:WISMA|PLAZA|MENARA|KOMPLEKS|COMPLEX|BANGUNAN|BUILDING|BLO[CK]K?|TAMAN|JALAN|JLN|LORONG|"
    r"MALL|CENTRE|CENTER|PUSAT|SQUARE|PARADE|ARCADE|TOWER|KAWASAN|PERSIARAN|LEBUH|LEBUHRAYA|LRG|TMN|STATION|"
    r"AIRPORT|ROAD|STREET|AVENUE)(?![A-Z])"
)
#: A line that opens with a street word is a street line (``Jalan Lapangan Terbang Subang``).
_STREET_FIRST = re.compile(r"^(?:JALAN|JLN|LORONG|LRG|PERSIARAN|LEBUHRAYA|LEBUH)\s")
#: Column headings of the item table (``QTY UOM Amt Inc. GST``, ``ITEM QTY AMOUNT``, ``Tuote Kpl Hinta``):
#: a line with two of them is a table header, never a name, whatever company word it seems to hold.
_COLUMN_WORD = re.compile(
    r"(?<![A-Z])(?:QTY|OTY|QUANTITY|ITEM|ITEMS|DESCRIPTION|DESC|PRICE|AMOUNT|AMT|UOM|U/P|UNIT|DISC|"
    r"KPL|HINTA|TUOTE|MAARA|MENGE|PREIS|BETRAG|ANTAL|PRIS|BELOPP)(?![A-Z])"
)
#: OCR misreadings in street addresses: ``N0.15`` (number), ``JIn``/``Jin`` (``Jln``, jalan), ``$``, ``’``.
_ADDRESS_FIXES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b([Nn])0(?=[.:\s]*\d)"), r"\1O"),
    (re.compile(r"\bJ[Il1|i]([nN])\b(?=\.?\s+[A-Z0-9])"), r"JL\1"),
    # ``Jalan $$21/39``, ``Subang ($$)``: a dollar sign in an address is a misread S.
    (re.compile(r"\$"), "S"),
    # ``Level’6``: an apostrophe between a word and a number is a misread space.
    (re.compile(r"(?<=[A-Za-z])[’'`](?=\d)"), " "),
    # ``Kuala !umpur``: an exclamation mark before a lower-case letter is a misread l.
    (re.compile(r"(?<![^\s\w])!(?=[a-z])"), "l"),
    # ``No 8; Jalan``: addresses print no semicolons, it is a misread comma.
    (re.compile(r";"), ","),
    # ``D.E,' MALAYSIA``: an apostrophe right after a comma or full stop is a speck.
    (re.compile(r"(?<=[,.])\s?['’‘`]+(?=\s|$)"), ""),
    # ``D. E," MALAYSIA``: addresses print no double quotes, they are specks.
    (re.compile(r"\s?[\"“”]"), ""),
    # ``SELANGOR D. E``, ``W. P.``: an abbreviation of single letters is printed tight (``D.E``).
    (re.compile(r"(?<![\w.])([A-Z])\.\s(?=[A-Z](?![\w]))"), r"\1."),
    # ``Johor .``: a space before a closing full stop or comma is a gap the OCR added.
    (re.compile(r"(?<=\w)\s+(?=[.,](?:\s|$))"), ""),
    # ``SELATAN,, 84600``: a doubled comma is one comma.
    (re.compile(r",(?:\s*,)+"), ","),
    # ``53200, KUALA LUMPUR,``: an address ends in no comma; small print's full stop reads as one.
    (re.compile(r",$"), "."),
    # ``No. 53``: the number abbreviation is printed tight against its number (``NO.53``).
    (re.compile(r"\b(N[Oo])\.\s+(?=\d)"), r"\1."),
)
#: A five-digit postcode before its town with digits read as look-alike letters (``7D1DD KUOPIO``,
#: dot-matrix print): read as digits when at least two real digits show it is a number.
_LOOKALIKE_POSTCODE = re.compile(r"(?<![\w-])[\dOoQDIl|SZBG]{5}(?=\s+[A-ZÅÄÖ][A-Za-zÅÄÖåäö])")
_POSTCODE_DIGITS = lookalike_table()
_POSTCODE_MIN_DIGITS = 2
#: An address whose postcode was so repaired, or a state or country name in it
#: (:mod:`docflow.receipts.places`), is trusted no more than this.
REPAIRED_ADDRESS = 0.6
#: An OCR speck after the last word of an address line: ``81200 Johor Bahru, Johor i``.
_ADDRESS_TRAILING_SPECK = re.compile(r"(?<=[\w.,)])\s+[a-z|]$")
_REGISTRATION = re.compile(r"^\(?\s*[A-Z]{0,3}\s?\d[\d\s-]*-?\s?[A-Z]?\s*\)?[:;.]?$|^\(.*\d.*\)$")
_ADDRESS_STOP = re.compile(
    r"(?<![A-Z])(?:TEL|PUH|PHONE|FAX|GST|VAT|ALV|Y-?TUNNUS|FO-?NUMMER|BUSINESS\s?ID|E-?MAIL|WWW|HTTP|"
    r"INVOICE|RECEIPT|KUITTI|KVITTO|CASHIER|KASSA|REG|ROC|COMPANY|CO\.?\s?NO|DATE|PVM|DATUM|TABLE|ORDER|"
    r"BILL|DOC|TAX(?:INVOICE)?|SST|MYYJA|THANK|KIITOS|TACK|OPEN|AUKI|TELEPHONE|CARELINE|HOTLINE)(?![A-Z])"
)


@dataclass(frozen=True, slots=True)
class Party:
    """The merchant name, its line index and confidence, and the address with its confidence."""

    name: str | None
    name_index: int | None
    name_confidence: float
    address: str | None
    address_confidence: float


def _clean(text: str) -> str:
    return _EDGE_JUNK.sub("", text).strip()


_OCR_LEGAL_FORM_FIXES: tuple[tuple[re.Pattern[str], str], ...] = (
    # ``SON BHD``, ``SDN 8HD``, ``S0N BH0``: O/0 for D and 8 for B in the Malaysian legal form.
    (re.compile(r"\bS[DO0]N(\.?\s?)[B8]H[DO0]\b"), r"SDN\1BHD"),
    # ``Son Bhd``, ``Sdn 8hd``: the same in title case.
    (re.compile(r"\bS[do0]n(\.?\s?)[B8]h[do0]\b"), r"Sdn\1Bhd"),
    # ``(M) 8HD``: the long form's ``BHD`` alone, 8 for B.
    (re.compile(r"(?<=\s)8H[DO0]\b"), "BHD"),
    # ``5/B``, ``S/E``, ``5/8``: the short form ``S/B`` (Sendirian Berhad).
    (re.compile(r"(?<![\w/])[S5]/[BE8](?![\w/])"), "S/B"),
    (re.compile(r"[’‘`]"), "'"),
    # ``KING”S``: a double quote between letters is a misread apostrophe.
    (re.compile(r"(?<=[A-Za-z])[”“\"](?=[A-Za-z])"), "'"),
    # ``HANDEL. SDN BHD``, ``INTERNATIONAL.SDN BHD``, ``INTERNATIONAL-SDN BHD``: a stray dot or dash
    # before the legal form.
    (re.compile(r"(?<=[A-Za-z]{3})\s?[.\-]\s?(?=S[Dd][Nn]\.?\s?B[Hh][Dd]\b)"), " "),
)
#: A registration or contact note printed on the name line: ``(GST Reg No. ...)``, ``Co. No. 1138``.
_NAME_TAIL = re.compile(
    r"\s*[(\[]?\s*(?<![A-Za-z])(?:GST|VAT|ALV|Y-?TUNNUS|CO\.?\s?NO|COMPANY\s?NO|REG(?:ISTRATION)?\s?NO|ROC|TEL|PUH)\b.*$",
    re.IGNORECASE,
)
#: Trailing OCR specks after a name: ``TRADING i``, ``SDN BHD ,``.
_TRAILING_SPECKS = re.compile(r"(?:\s+(?:[a-z]|[^\w\s&.()]+))+$")
#: Specks after a legal form that ends the name (``Coop Nord AB sd``, ``Kuusen Kauppa Oyj L``,
#: ``Hemköp AB E i 3``): one or two lower-case letters, a lone capital, one or two digits, or marks.
_AFTER_LEGAL_FORM = re.compile(
    r"(?<![A-Za-z])((?i:OYJ|OY|AB|KY|TMI|GMBH|LTD|BHD|AS|OÜ|OU|AG|KG)\.?)"
    r"(?:\s+(?:[a-z]{1,2}|[A-Z]|\d{1,2}|[^\w\s&]+))+$"
)
#: The same before the name: a lone lower-case letter or digit, or marks, that clutter beside the paper
#: leaves (``a Konditori Lindholm``, ``3 Alko Kamppi``, ``j n Sale``).
_LEADING_SPECKS = re.compile(r"^(?:(?:[a-z]|\d|[^\w\s(]+)\s+)+(?=\w)")
#: A lone capital before the name (``E EuroPark Finland Ky``): clutter beside the paper read as a letter,
#: or part of the name (``K Citymarket``); which one, the line does not tell, so the name is not sure.
_LONE_LEADING_CAPITAL = re.compile(r"^[A-ZÅÄÖ]\s+\w")
#: Contact and registration lines: they close the merchant's own header block.
_CONTACT = re.compile(
    r"(?<![A-Z])(?:TEL|PUH|PHONE|FAX|GST\s?(?:REG\w*\s?)?(?:NO|ID)|VAT\s?(?:REG\w*\s?)?NO|Y-?TUNNUS|"
    r"BUSINESS\s?ID|FO-?NUMMER|ORG\.?\s?NR|ROC|CO\.?\s?(?:REG\.?\s?)?NO|COMPANY\s?NO)(?![A-Z])"
)
#: The document title: below it and the contact lines, a company name is the customer's.
_DOCUMENT_TITLE = re.compile(r"(?<![A-Z])(?:INVOICE|RECEIPT|BILL|KUITTI|KVITTO|LASKU|FAKTURA)(?![A-Z])")
#: A name below the merchant's contact lines and the document title (a customer) loses this much.
AFTER_CONTACT_PENALTY = 3.0
#: A merchant name no other line of the receipt repeats a word of is trusted no more than this: a
#: misread name (``Herköp AB`` for ``Hemköp``) reads as cleanly as a right one.
UNCORROBORATED_NAME = 0.85
#: So is a name on a line Tesseract read with less confidence than this: specks beside it read as
#: letters (``E vää Puuilo Oy``), and the line's other words still corroborate it.
NOISY_NAME_LINE = 0.85
#: Words too common in names to corroborate one (legal forms, countries, trade words).
_GENERIC_NAME_WORDS = frozenset(
    [
        "OYJ",
        "FINLAND",
        "SUOMI",
        "SVERIGE",
        "EESTI",
        "DEUTSCHLAND",
        "GMBH",
        "MARKET",
        "MARKT",
        "KAUPPA",
        "RAVINTOLA",
        "APTEEKKI",
        "STORE",
        "CAFE",
        "LIMITED",
        "TRADING",
        "SERVICE",
        "SERVICES",
        "GROUP",
        "TAKSI",
        "TAXI",
        "KIOSKI",
        "KIOSK",
        "APOTEK",
        "APTEEK",
        "HOTEL",
        "HOTELLI",
        "PARKING",
        "PARKERING",
        "PYSAKOINTI",
        "KAHVILA",
        "BISTRO",
        "KAUPPIAS",
    ]
)
_NAME_WORD = re.compile(r"[A-Z]{4,}")
_LEGAL_WORDS = frozenset({"OY", "OYJ", "AB", "KY", "AY", "TMI", "AS", "OU", "GMBH", "AG", "KG", "LTD", "INC"})
#: A street line: a street word and a house number (``Pohlweg 110``, ``Warburger Straße 130``,
#: ``Hämeenkatu 43``), perhaps with specks between them (``Pohlweg' 110``); a merchant name is never one.
_STREET = re.compile(
    r"(?:STRASSE|STRABE|STR\.|WEG|ALLEE|PLATZ|GASSE|KATU|TIE|KUJA|POLKU|GATAN|VAGEN|GATA|VAG|TANAV|MNT)"
    r"[\s'`.,:;-]{0,3}\d{1,4}[A-Z]?\b"
)
#: A postcode and town line (``33100 Paderborn``, ``S-411 06 GÖTEBORG``): an address, not a name.
_POSTCODE_LINE = re.compile(r"^\W*(?:[A-Z]{1,2}-)?\d{3}\s?\d{2}\s+[A-Z]{3,}")
#: A header name that the receipt's web address repeats (``Marktkauf Lehr`` / ``www.marktkauf-lehr.de``)
#: gains this (item names repeat on a receipt, web addresses name the seller).
CORROBORATED_BONUS = 1.0
#: A header line that names a known chain (:func:`docflow.receipts.brands.names_a_chain`) ranks this
#: much higher among the name candidates; its confidence is reckoned without it.
CHAIN_BONUS = 1.0
#: A legal name found below the header (the header's logo unread) is trusted no more than this.
FOOTER_NAME_CONFIDENCE = 0.6
#: A legal name: words up to a company form (``Aldi GmbH & Co. KG``, ``Kesko Oyj``, ``Rimi Eesti Food AS``).
_FOOTER_LEGAL_NAME = re.compile(
    r"(?:[A-ZÄÖÅÜ][\w&.'-]*\s){1,4}(?:GmbH(?:\s?&\s?Co\.?\s?KG)?|Oyj|Oy|AB|AS|OÜ|Ltd)\b"
)
#: A line that is mostly short fragments (``3 18 OI OIF``) is OCR noise more often than a name.
NOISE_PENALTY = 1.0


#: A seller label before the name: ``Myyjä: Pohjolan Verkkokauppa Oy``, ``Seller: ...``, ``Verkäufer:``.
_SELLER_LABEL = re.compile(
    r"^\W*(?:myyj[äa]|seller|s[äa]ljare|verk[äa]ufer|merchant|kauppias|m[üu][üu]ja)\s?[:.-]\s*", re.IGNORECASE
)


def _clean_name(text: str) -> str:
    """A merchant line without a seller label, edge junk or a trailing registration number, legal
    forms repaired."""
    text = _SELLER_LABEL.sub("", text)
    name = _clean(_REGISTRATION_SUFFIX.sub("", _NAME_TAIL.sub("", text)))
    name = _clean(_LEADING_SPECKS.sub("", _TRAILING_SPECKS.sub("", name)))
    name = _AFTER_LEGAL_FORM.sub(r"\1", name)
    for pattern, replacement in _OCR_LEGAL_FORM_FIXES:
        name = pattern.sub(replacement, name)
    return name


def _address_like(folded: str) -> bool:
    """A street address line: a house or lot number and a street or building word (``No 8, Jalan
    7/118B``, ``LOT 5, PLAZA BATAI``), or a postcode and its town (``56000 Kuala Lumpur``)."""
    start = _LEADING_JUNK.sub("", folded)
    if (_HOUSE_NUMBER.match(start) and _BUILDING_WORD.search(folded)) or _STREET_FIRST.match(start):
        return True
    return bool(_POSTCODE_AND_TOWN.search(folded)) and not _STRONG_LEGAL_FORM.search(folded)


def _letters(text: str) -> int:
    return sum(char.isalpha() for char in text)


def _name_like(line: TextLine) -> bool:
    text = line.text
    compact = text.replace(" ", "")
    if _letters(text) < 3 or not compact:
        return False
    if _letters(compact) / len(compact) < 0.6 or line.confidence < 0.45:
        return False
    folded = line.folded
    if _STREET.search(folded) or _POSTCODE_LINE.match(folded) or _address_like(folded):
        return False
    return not (NOT_MERCHANT.search(folded) or find_amounts(text) or find_dates(text) or "@" in text)


def _name_score(index: int, line: TextLine) -> float:
    folded = line.folded
    score = 1.0 - 0.08 * index + 0.3 * line.confidence
    if COMPANY_MARK.search(folded):
        score += 2.0
    if _STRONG_LEGAL_FORM.search(folded):
        score += 1.0
    if line.text.islower():
        score -= 0.8
    if len(_clean(line.text)) < 4:
        score -= 0.5
    tokens = line.text.split()
    if sum(_letters(token) >= 3 for token in tokens) * 2 < len(tokens):
        score -= NOISE_PENALTY
    return score


def _is_name_candidate(line: TextLine, *, after_address: bool) -> bool:
    """Whether a header line may be the merchant's name: a name-like line, or one with a company word
    that is no street line; below the street address only a line with a company word."""
    folded = line.folded
    marked = bool(COMPANY_MARK.search(folded))
    if (after_address and not marked) or len(_COLUMN_WORD.findall(folded)) >= 2:
        return False
    is_candidate = _name_like(line) or (
        marked
        and (_STRONG_LEGAL_FORM.search(folded) or not _address_like(folded))
        and _letters(line.text) >= 4
        and not find_amounts(line.text)
        and "%" not in line.text
    )
    return bool(is_candidate) and (marked or not NOT_MERCHANT.search(folded))


def find_merchant(lines: Sequence[TextLine], country: str | None = None) -> tuple[str, int, float] | None:
    """(name, line index, confidence) of the merchant, or ``None``; on a Finnish receipt the trade name
    printed above the operator's legal name (see :func:`_trade_name_above`)."""
    header = _header(lines)
    best: tuple[float, float, int] | None = None
    seen_name = after_address = False
    after_contact = after_title = False
    for index, line in enumerate(header):
        folded = line.folded
        # Below the street address come branch, mall and cashier names; the seller's is above it.
        after_address = after_address or (index > 0 and _address_like(header[index - 1].folded))
        after_contact = after_contact or (
            index > 0 and seen_name and bool(_CONTACT.search(header[index - 1].folded))
        )
        after_title = after_title or (after_contact and bool(_DOCUMENT_TITLE.search(folded)))
        if not _is_name_candidate(line, after_address=after_address):
            continue
        seen_name = True
        score = _name_score(index, line) - (AFTER_CONTACT_PENALTY if after_title else 0.0)
        if _in_web_address(_clean_name(line.text), lines):
            score += CORROBORATED_BONUS
        # A known chain's name ranks the line first, but is no second reading of it: not more sure.
        rank = score + (CHAIN_BONUS if country in NAME_COUNTRIES and names_a_chain(line.text) else 0.0)
        if best is None or rank > best[0]:
            best = (rank, score, index)
    if best is None or not COMPANY_MARK.search(header[best[2]].folded):
        footer = _footer_legal_name(lines)
        if footer is not None:
            return footer
    if best is None:
        return None
    _, score, index = best
    operator, index = index, _trade_name_above(header, index, country)
    parts = [_clean_name(header[index].text)]
    last = index
    if _CONTINUATION.match(fold(parts[0])) and index > 0 and _name_like(header[index - 1]):
        parts.insert(0, _clean_name(header[index - 1].text))
    if last + 1 < len(header):
        following = _clean_name(header[last + 1].text)
        if _LEGAL_FORM_ONLY.match(fold(following)) or (
            header[last].text.rstrip().endswith("&") and _name_like(header[last + 1])
        ):
            parts.append(following)
            last += 1
    name = " ".join(part for part in parts if part)
    if not name:
        return None
    # The address starts below the operator's legal name when the store's name above it was taken.
    last = max(last, operator)
    confidence = min(0.95, 0.35 + 0.15 * score) * min(1.0, header[index].confidence + 0.2)
    repaired = repair_name(name) if country in NAME_COUNTRIES else name
    if (
        header[index].confidence < NOISY_NAME_LINE
        or not _corroborated(name, lines, range(index, last + 1))
        or _LONE_LEADING_CAPITAL.match(name)
        or repaired != name
    ):
        confidence = min(confidence, UNCORROBORATED_NAME)
    return repaired, last, round(max(0.1, confidence), 3)


def _header(lines: Sequence[TextLine]) -> Sequence[TextLine]:
    """The lines the seller's name is looked for in: the first :data:`HEADER_LINES`, up to the first
    item or price line below the first line (a unit-price line under an item, ``kg EURO/kg EURO``, is
    no name)."""
    header = lines[:HEADER_LINES]
    first_item = next((i for i in range(1, len(header)) if _ends_in_amount(header[i].text)), len(header))
    return header[:first_item]


def _trade_name_above(header: Sequence[TextLine], index: int, country: str | None) -> int:
    """The line of the trade name printed first, directly above the operator's legal name chosen at
    ``index`` (``K-Market Kuusi`` over ``Kuusen Kauppa Oyj``, ``Prisma Kaleva`` over ``Pirkanmaan
    Osuuskauppa``), else ``index``. Finnish chains print the store so and read it as the merchant; German
    receipts put slogans there (``Respekt, wer's selber macht.``), so the rule is Finnish only."""
    above = index - 1
    if (
        country != HOME_COUNTRY
        or above < 0
        or not _STRONG_LEGAL_FORM.search(header[index].folded)
        or _STRONG_LEGAL_FORM.search(header[above].folded)
        or not _name_like(header[above])
        or any(_name_like(line) for line in header[:above])
    ):
        return index
    return above


def _footer_legal_name(lines: Sequence[TextLine]) -> tuple[str, int, float] | None:
    """A seller's legal name printed below the header (``Aldi GmbH & Co. KG, Schloß Holte``), when the
    header has none: the name up to its legal form."""
    for index in range(HEADER_LINES, len(lines)):
        line = lines[index]
        match = _FOOTER_LEGAL_NAME.search(line.text)
        if match is None or NOT_MERCHANT.search(line.folded) or find_amounts(line.text):
            continue
        name = _clean(match[0])
        if _letters(name) >= 6:
            return name, index, FOOTER_NAME_CONFIDENCE
    return None


def _in_web_address(name: str, lines: Sequence[TextLine]) -> bool:
    """Whether a web address on the receipt holds the name's first distinctive word."""
    words = [word for word in _NAME_WORD.findall(fold(name)) if word not in _GENERIC_NAME_WORDS]
    if not words:
        return False
    return any("WWW" in line.folded and words[0] in re.sub(r"[^A-Z]", "", line.folded) for line in lines)


def _corroborated(name: str, lines: Sequence[TextLine], own: range) -> bool:
    """Whether another line repeats every distinctive word of ``name`` (``Alko Kamppi`` above ``Alko
    Oy``, ``www.shopnorth.fi`` under ``Shop North Oy``): two readings of the name that agree. A line
    read unsurely is no witness: printed in the same font, it repeats a misread letter as often as not
    (``EurcPark Kamp|`` over ``EurcPark Finland Ky``)."""
    words = set(_NAME_WORD.findall(fold(name))) - _GENERIC_NAME_WORDS
    if not words:
        return False
    # ``Shop North Oy`` is repeated by ``www.shopnorth.fi`` too.
    joined = "".join(word for word in re.findall(r"[A-Z]+", fold(name)) if word not in _LEGAL_WORDS)
    for index, line in enumerate(lines):
        if index in own or line.confidence < NOISY_NAME_LINE:
            continue
        folded = line.folded
        if words <= set(_NAME_WORD.findall(folded)):
            return True
        if (
            len(joined) >= 5
            and joined in re.sub(r"[^A-Z]", "", folded)
            and ("WWW" in folded or "." in folded)
        ):
            return True
    return False


def _ends_in_amount(text: str) -> bool:
    """An item or price line: a money amount at the end (``WS CUT SCISSORS 18.00 S``)."""
    amounts = find_amounts(text)
    return bool(amounts) and len(text) - amounts[-1].end <= 2


def _is_branch_name(line: TextLine) -> bool:
    """A short line without digits, commas or building words (``IKEA Cheras``): a branch, not a street."""
    text = line.text
    if any(char.isdigit() or char == "," for char in text) or len(text.split()) > 3:
        return False
    return not _BUILDING_WORD.search(line.folded)


def find_address(lines: Sequence[TextLine], after: int) -> tuple[str, float] | None:
    """The address printed below the merchant line ``after``: (text, confidence), or ``None``."""
    collected: list[TextLine] = []
    for printed in lines[after + 1 : after + 1 + MAX_ADDRESS_LINES + 2]:
        line, folded = printed, printed.folded
        # Below the postcode and town only the state, the country or a branch note belong to it.
        if any(_POSTCODE_AND_TOWN.search(_repair_postcode(done.folded)) for done in collected):
            region = _REGION_SPECK.sub("", line.text)
            if not _REGION_LINE.match(fold(region)):
                break
            line = dataclasses.replace(printed, text=region)
            folded = line.folded
        # The document title (``TAX INVOICE``) ends the seller's header: no address below it.
        if _DOCUMENT_TITLE.search(folded):
            break
        if (
            _ADDRESS_STOP.search(folded)
            or _ADDRESS_STOP_ANYWHERE.search(folded)
            or find_dates(line.text)
            or _ends_in_amount(line.text)
            or _PHONE_PREFIX.match(folded)
        ):
            if collected:
                break
            continue
        if (
            _SKIP_IN_ADDRESS.match(folded)
            or _REGISTRATION.match(folded)
            or _REGISTRATION_ANYWHERE.search(folded)
            or _letters(line.text) < 2
            or line.confidence < 0.3
        ):
            if collected:
                break
            continue
        collected.append(line)
        if len(collected) == MAX_ADDRESS_LINES or _COUNTRY_END.search(folded):
            break
    if not collected or not any(char.isdigit() for line in collected for char in line.text):
        return None
    if len(collected) > 1 and _is_branch_name(collected[0]) and _HOUSE_NUMBER.match(collected[1].folded):
        collected = collected[1:]
    parts = (
        _ADDRESS_TRAILING_SPECK.sub("", _STRAY_BARS.sub(" ", _LEADING_JUNK.sub("", line.text)).strip())
        for line in collected
    )
    text = " ".join(part for part in parts if part)
    for pattern, replacement in _ADDRESS_FIXES:
        text = pattern.sub(replacement, text)
    repaired = _repair_postcode(repair_place_names(text))
    confidence = sum(line.confidence for line in collected) / len(collected)
    ceiling = REPAIRED_ADDRESS if repaired != text else 0.9
    return repaired, round(min(ceiling, confidence * 0.9), 3)


def _repair_postcode(text: str) -> str:
    """``text`` with look-alike letters in a postcode before its town read as digits."""

    def digits(match: re.Match[str]) -> str:
        if sum(char.isdigit() for char in match[0]) < _POSTCODE_MIN_DIGITS:
            return match[0]
        return match[0].translate(_POSTCODE_DIGITS)

    return _LOOKALIKE_POSTCODE.sub(digits, text)


def find_party(lines: Sequence[TextLine], country: str | None = None) -> Party:
    """Merchant and address from the header lines; ``country`` as the receipt shows it."""
    merchant = find_merchant(lines, country)
    if merchant is None:
        # The name unread (a logo), the address still starts at the first street line of the header.
        start = next((i for i, line in enumerate(lines[:HEADER_LINES]) if _address_like(line.folded)), None)
        address = None if start is None else find_address(lines, start - 1)
        return Party(None, None, 0.0, address[0] if address else None, address[1] if address else 0.0)
    name, index, confidence = merchant
    address = find_address(lines, index)
    return Party(name, index, confidence, address[0] if address else None, address[1] if address else 0.0)

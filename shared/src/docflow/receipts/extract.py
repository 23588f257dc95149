"""OCR lines or plain text to :class:`ReceiptData`: every field, cross-checked, with warnings.

Deterministic and pure: no I/O, no clock (``today`` is a parameter), precompiled patterns only.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace
from decimal import Decimal

from docflow.receipts import confidence
from docflow.receipts.country import CountryEvidence, detect_country
from docflow.receipts.dates import (
    MISREAD_YEAR_CONFIDENCE,
    RECENT_YEARS,
    DateMatch,
    TimeMatch,
    find_dates,
    find_times,
    may_be_misread_recent,
    misread_year_dates,
)
from docflow.receipts.identifiers import find_business_ids, find_vat_numbers, vat_number_to_ytunnus
from docflow.receipts.items import find_items
from docflow.receipts.kinds import card_slip_amount, is_refund, receipt_kind, unsigned
from docflow.receipts.lines import LineLike, TextLine, drop_overlap, lines_from_text, merge_rows
from docflow.receipts.merchant import find_party
from docflow.receipts.models import (
    Field,
    LineItem,
    PaymentMethod,
    ReceiptData,
    ReceiptWarning,
    VatRow,
)
from docflow.receipts.numbers import CENT, digit_variants, find_amounts
from docflow.receipts.totals import (
    Check,
    Evidence,
    TotalChoice,
    choose_total,
    collect_evidence,
    payment_method,
)
from docflow.receipts.vat import is_valid_rate, rate_for_date, rate_table, tax_fits_rate
from docflow.receipts.vat_reader import (
    Candidate,
    Gathered,
    VatReading,
    gather,
    preliminary_rows,
    read_vat,
    vat_free_options,
)
from docflow.receipts.vocabulary import RECEIPT_NUMBER, TOTAL_STRONG, TOTAL_WEAK

_DATE_WORD = re.compile(r"(?<![A-Z])(?:DATE|BIZDATE|PVM|PAIVAMAARA|PAIVAYS|DATUM|AIKA|TID)(?![A-Z])")
#: A line whose date is not the purchase's (an expiry, a validity, a birth date), on folded text.
NOT_PURCHASE_DATE = re.compile(
    r"(?<![A-Z])(?:EXP\w*|VALID|VOIMASSA|ERAPAIVA|BEST\s?BEFORE|PARAS\s?ENNEN|GILTIG|GULTIG|BIRTH|SYNT\w*)(?![A-Z])"
)
_FINNISH_CUES = re.compile(
    r"(?<![A-Z])(?:ALV|YHTEENSA|Y-?TUNNUS|KUITTI|KORTTI|KATEINEN|VEROTON|MOMS|KPL)(?![A-Z])"
)
_MALAYSIAN_CUES = re.compile(r"(?<![A-Z])(?:GST|SST|SDN\.?\s?BHD|RM|MALAYSIA|JALAN)(?![A-Z])")


def to_lines(source: str | Iterable[LineLike | TextLine]) -> list[TextLine]:
    """Plain text or OCR lines to printed rows."""
    if isinstance(source, str):
        return lines_from_text(source)
    return merge_rows(source)


def extract_receipt(
    source: str | Iterable[LineLike | TextLine], *, today: dt.date | None = None
) -> ReceiptData:
    """Read every field of a receipt from its OCR lines (or plain text).

    ``today`` bounds plausible dates (default: the current date); pass it explicitly for
    reproducible results.
    """
    today = today or dt.date.today()
    lines = drop_overlap(to_lines(source))
    refund = is_refund(lines)
    if refund:
        lines = unsigned(lines)  # read as a sale, negated at the end
    origin = detect_country(lines)
    country = origin.country
    party = find_party(lines, country)
    business_id, vat_number = _identifiers(lines)
    date_match = _choose_date(lines, today)
    time = _choose_time(lines, date_match)
    gathered = gather(lines, country)
    preliminary = preliminary_rows(gathered)
    vat_gross = sum((row.row.gross for row in preliminary), Decimal("0.00")) if preliminary else None
    first_total = next(
        (
            i
            for i, line in enumerate(lines)
            if TOTAL_STRONG.search(line.folded) or TOTAL_WEAK.search(line.folded)
        ),
        None,
    )
    header_end = _header_end(lines, date_match, first_total)
    items = tuple(find_items(lines, first_total, header_end))
    items_sum = sum((item.amount for item in items), Decimal("0.00")) if items else None
    evidence = collect_evidence(lines, vat_gross, items_sum)
    total = _misread_by_one_digit(choose_total(lines, evidence), evidence, preliminary, lines, country)
    day = date_match[0].value if date_match is not None else None
    total_value = total.value if total is not None else None
    reading = read_vat(
        lines,
        gathered,
        total_value,
        day=day,
        country=country,
        items_sum=items_sum,
        vat_free=vat_free_options(lines, country),
        total_confirmed=total is not None and bool(total.agrees_with),
    )
    total = _disputed_by_vat(_confirmed_by_vat(total, reading), reading, gathered)
    date_match = _doubted_if_old(_date_for_rates(date_match, reading, country, today), today)
    day = date_match[0].value if date_match is not None else None
    # Rows whose sum is the only reading of the total cannot confirm themselves by it.
    ceiling = confidence.VAT_ROW_UNCHECKED[3] if total is not None and total.source == Check.VAT_ROWS else 1.0
    vat_rows = tuple(
        VatRow(row.rate, row.net, row.tax, row.gross, min(score, ceiling)) for row, score in reading.rows
    )
    if day is not None:
        vat_rows = tuple(_rate_for_date(row, day, country) for row in vat_rows)
    payment = payment_method(evidence, lines)
    currency = _currency(lines, business_id is not None, origin)
    kind = receipt_kind(
        lines,
        refund=refund,
        has_vat=bool(vat_rows),
        has_payment=bool(evidence.card or evidence.mobile or evidence.cash_given),
    )
    total, vat_rows, items = _by_kind(kind, lines, total, vat_rows, items)
    if vat_number is None and origin.vat_number is not None:
        vat_number = Field(origin.vat_number, confidence.VAT_NUMBER_FOREIGN)
    receipt = ReceiptData(
        merchant=Field(party.name, party.name_confidence) if party.name else None,
        business_id=business_id,
        vat_number=vat_number,
        address=Field(party.address, party.address_confidence) if party.address else None,
        date=Field(date_match[0].value, date_match[1], date_match[2]) if date_match else None,
        time=time,
        total=Field(total.value, total.confidence, total.source) if total else None,
        currency=currency,
        country=Field(country, origin.confidence, "; ".join(origin.reasons)) if country else None,
        vat=vat_rows,
        payment=_payment_field(payment),
        receipt_number=_receipt_number(lines),
        items=items,
        kind=kind,
    )
    vat_free = -reading.vat_free if kind == "refund" else reading.vat_free
    warnings = build_warnings(receipt, total, items, vat_free=vat_free)
    return replace(receipt, warnings=warnings)


#: A printed total taken back to the VAT rows' sum, one look-alike digit away from it.
TOTAL_READ_FROM_VAT_ROWS = 0.8


def _misread_by_one_digit(
    total: TotalChoice | None,
    evidence: Evidence,
    rows: Sequence[Candidate],
    lines: Sequence[TextLine],
    country: str | None,
) -> TotalChoice | None:
    """The VAT rows' gross sum instead of a printed total that nothing confirms, when the two differ
    by one digit the OCR confuses (``TOTALT 324,82`` over rows adding up to 324,02).

    Only rows that print two amounts or more count; never on a receipt with deposit lines (VAT-free
    deposits of 0,80 make the rows' sum differ from the total by what looks like a misread digit), nor
    when a card or mobile payment amount is a third, different reading.
    """
    if total is None or total.agrees_with or not rows or total.source in set(Check):
        return total
    if any(row.printed < 2 for row in rows) or vat_free_options(lines, country):
        return total
    gross = sum((row.row.gross for row in rows), Decimal("0.00"))
    if gross <= 0 or f"{gross:.2f}" not in digit_variants(f"{total.value:.2f}"):
        return total
    if any(paid != gross for paid in (*evidence.card, *evidence.mobile)):
        return total
    return replace(total, value=gross, confidence=min(total.confidence, TOTAL_READ_FROM_VAT_ROWS))


#: A total that only the VAT rows confirm (their printed tax fits it), no payment or second reading.
TOTAL_CONFIRMED_BY_VAT = 0.8


def _confirmed_by_vat(total: TotalChoice | None, reading: VatReading) -> TotalChoice | None:
    """The total, confirmed when VAT rows with printed amounts add up to it (``ALV 25,5 % 6,09`` under
    a total of 29,97) and nothing else did; never when the total was itself read from the VAT rows."""
    if total is None or total.agrees_with or not reading.matches_total or total.source == Check.VAT_ROWS:
        return total
    if not any(score >= confidence.VAT_ROW_TAX_NOTE for _, score in reading.rows):
        return total
    return replace(
        total, confidence=max(total.confidence, TOTAL_CONFIRMED_BY_VAT), agrees_with=(Check.VAT_ROWS,)
    )


#: A total that the printed VAT amounts contradict (their gross amounts, or a printed tax, do not fit it)
#: and that the items do not confirm: the total or the VAT block is misread, so the total is not sure.
TOTAL_DISPUTED_BY_VAT = 0.85


def _disputed_by_vat(
    total: TotalChoice | None, reading: VatReading, gathered: Gathered
) -> TotalChoice | None:
    """The total, no surer than :data:`TOTAL_DISPUTED_BY_VAT` when VAT amounts are printed but none of
    their readings adds up to it (a payment line printed in the same font may repeat a misread total)."""
    if total is None or reading.matches_total or Check.LINE_ITEMS in total.agrees_with:
        return total
    if not (reading.rows or gathered.notes) or total.confidence <= TOTAL_DISPUTED_BY_VAT:
        return total
    return replace(total, confidence=TOTAL_DISPUTED_BY_VAT)


def _rate_for_date(row: VatRow, day: dt.date, country: str | None) -> VatRow:
    """The row with its rate corrected to the one valid on ``day`` and net and tax derived from the gross."""
    rate = rate_for_date(row.rate, row.net, row.tax, day, country)
    if rate is None:
        return row
    net = (row.gross * 100 / (100 + rate)).quantize(CENT)
    return VatRow(
        rate, net, row.gross - net, row.gross, min(row.confidence, confidence.VAT_ROW_RATE_CORRECTED)
    )


#: A date whose year was read again because the VAT rates printed on the receipt were not in force then.
DATE_FROM_RATES = 0.6


def _date_for_rates(
    date_match: tuple[DateMatch, float, str] | None, reading: VatReading, country: str | None, today: dt.date
) -> tuple[DateMatch, float, str] | None:
    """The date, or when a VAT rate the receipt prints (its tax fitting the rate to the cent) was not
    in force on it (25.5 % on a 2020 date), the one date with a year digit read as its look-alike on
    which every printed rate was (2026): a misread year, at :data:`DATE_FROM_RATES`."""
    if date_match is None:
        return None
    table = rate_table(country)
    printed = [row.rate for row, _ in reading.rows if tax_fits_rate(row.rate, row.net, row.tax, strict=True)]
    if all(is_valid_rate(rate, date_match[0].value, table) for rate in printed):
        return date_match
    days = {
        day
        for day in misread_year_dates(date_match[0].value, today)
        if all(is_valid_rate(rate, day, table) for rate in printed)
    }
    if len(days) != 1:
        return date_match
    return replace(date_match[0], value=days.pop()), min(date_match[1], DATE_FROM_RATES), date_match[2]


def _doubted_if_old(
    date_match: tuple[DateMatch, float, str] | None, today: dt.date
) -> tuple[DateMatch, float, str] | None:
    """The date, trusted no more than :data:`~docflow.receipts.dates.MISREAD_YEAR_CONFIDENCE` when it
    may be a recent date with a year digit misread (``28.02.2004`` for 2024), and no more than
    :data:`OLD_DATE` when it is older than the years vouchers are kept all the same (``2008`` read for
    2026, two digits misread): a person confirms a date that old before it is booked."""
    if date_match is None or date_match[0].value.year >= today.year - RECENT_YEARS:
        return date_match
    cap = MISREAD_YEAR_CONFIDENCE if may_be_misread_recent(date_match[0].value, today) else OLD_DATE
    return date_match[0], min(date_match[1], cap), date_match[2]


#: The most a date older than :data:`~docflow.receipts.dates.RECENT_YEARS` is trusted: below review.
OLD_DATE = 0.6


def _header_end(
    lines: Sequence[TextLine], date_match: tuple[DateMatch, float, str] | None, first_total: int | None
) -> int:
    """The first line below the header (merchant, address, date), where items may start."""
    if date_match is None:
        return 0
    index = next((i for i, line in enumerate(lines) if line.text == date_match[2]), 0)
    return index + 1 if first_total is None or index < first_total else 0


def _payment_field(payment: tuple[str, float] | None) -> Field[PaymentMethod] | None:
    if payment is None:
        return None
    method: PaymentMethod = "card"
    for known in ("card", "cash", "mobile", "invoice"):
        if payment[0] == known:
            method = known
    return Field(method, payment[1])


#: A business id read from a line Tesseract read with less confidence than this is noisy print.
NOISY_ID_LINE = 0.8


def _identifiers(lines: Sequence[TextLine]) -> tuple[Field[str] | None, Field[str] | None]:
    business_ids = [
        (index, found) for index, line in enumerate(lines) for found in find_business_ids(line.text)
    ]
    vat_numbers = [number for line in lines for number in find_vat_numbers(line.text)]
    business_id: Field[str] | None = None
    if business_ids:
        index, best = max(business_ids, key=lambda pair: (pair[1].labelled, -pair[0]))
        score = confidence.BUSINESS_ID_LABELLED if best.labelled else confidence.BUSINESS_ID_UNLABELLED
        score = min(score, confidence.BUSINESS_ID_REPAIRED) if best.repaired else score
        confirmed = any(vat_number_to_ytunnus(number) == best.value for number in vat_numbers)
        if vat_numbers and not confirmed:
            # The VAT number is the Y-tunnus without its hyphen: one of the two is misread.
            score = min(score, confidence.BUSINESS_ID_CONTRADICTED)
        elif not confirmed and not best.from_vat_number and lines[index].confidence < NOISY_ID_LINE:
            # A misread digit still passes the check digit one time in ten.
            score = min(score, confidence.BUSINESS_ID_NOISY)
        business_id = Field(best.value, score)
    vat_number = Field(vat_numbers[0], confidence.VAT_NUMBER) if vat_numbers else None
    return business_id, vat_number


def _choose_date(lines: Sequence[TextLine], today: dt.date) -> tuple[DateMatch, float, str] | None:
    best: tuple[float, int, DateMatch, str] | None = None
    for index, line in enumerate(lines):
        folded = line.folded
        if NOT_PURCHASE_DATE.search(folded):
            continue
        for match in find_dates(line.text, today):
            score = match.confidence + (0.3 if _DATE_WORD.search(folded) else 0.0)
            score += 0.1 if _times_on_date_line(line.text, match) else 0.0
            score -= 0.002 * index
            if best is None or score > best[0]:
                best = (score, index, match, line.text)
    if best is None:
        return None
    score, index, match, text = best
    value = min(0.99, match.cap, score * line_confidence(lines[index]))
    if not _date_corroborated(lines, index, match, today):
        value = min(value, UNCORROBORATED_DATE)
        if _date_contradicted(lines, index, match):
            value = min(value, CONTRADICTED_DATE)
    return match, round(value, 3), text


#: A date read once, from a line the OCR was not sure of or with a two-digit year, is trusted no more
#: than this: a misread digit (``26.02.20`` for ``29.02.20``) reads as cleanly as the right one.
UNCORROBORATED_DATE = 0.85
#: A single reading counts as sure from this OCR line confidence, with a four-digit year.
_SURE_DATE_LINE = 0.9
#: The most a date is trusted that another line contradicts (see :func:`_date_contradicted`): below
#: review, as either reading may hold the misread digit.
CONTRADICTED_DATE = 0.6
#: A day and month on a line (``AS-Zeit 15.04. 16:14``, ``Datum: 15.04.202€``), the year not needed.
_DAY_MONTH = re.compile(r"(?<![\d.,])(\d{1,2})\.\s?(\d{1,2})\.")


def _date_corroborated(lines: Sequence[TextLine], index: int, match: DateMatch, today: dt.date) -> bool:
    """Whether another line prints the same date (a card slip below the receipt), one of the two read
    surely, or the one reading is a clean four-digit-year date on a line the OCR was sure of."""
    year = f"{match.value.year % 100:02d}"
    for other, line in enumerate(lines):
        if other == index or year not in line.text:  # cheap filter before the date patterns
            continue
        if max(line.confidence, lines[index].confidence) < _SURE_DATE_LINE:
            continue  # the same print read noisily twice repeats its misread digits
        if any(found.value == match.value for found in find_dates(line.text, today)):
            return True
    year_digits = sum(char.isdigit() for char in lines[index].text[match.start : match.end])
    return match.confidence >= 0.95 and year_digits >= 8 and lines[index].confidence >= _SURE_DATE_LINE


def _date_contradicted(lines: Sequence[TextLine], index: int, match: DateMatch) -> bool:
    """Whether another line prints a day and month one digit away from the date's (a card slip's
    ``15.04.`` under a receipt read ``16.04.20``): two readings of one date, one of them misread."""
    chosen = f"{match.value.day:02d}{match.value.month:02d}"
    for other, line in enumerate(lines):
        if other == index or NOT_PURCHASE_DATE.search(line.folded):
            continue
        for day, month in _DAY_MONTH.findall(line.text):
            printed = f"{int(day):02d}{int(month):02d}"
            if int(month) <= 12 and sum(a != b for a, b in zip(chosen, printed, strict=True)) == 1:
                return True
    return False


def _times_on_date_line(text: str, match: DateMatch) -> list[TimeMatch]:
    """Times on a date's line, also one glued to the date's year (``24.12.2417:14``, the space lost):
    the text after the date is searched on its own."""
    return find_times(text, after_date=True) or find_times(text[match.end :], after_date=True)


def line_confidence(line: TextLine) -> float:
    """A line's OCR confidence, floored so that one weak word does not sink a field."""
    return max(0.5, min(1.0, line.confidence + 0.1))


def _choose_time(
    lines: Sequence[TextLine], date_match: tuple[DateMatch, float, str] | None
) -> Field[dt.time] | None:
    if date_match is not None:
        times = _times_on_date_line(date_match[2], date_match[0])
        if times:
            return Field(times[0].value, confidence.TIME_ON_DATE_LINE, date_match[2])
    for line in lines:
        times = find_times(line.text)
        if times:
            return Field(times[0].value, confidence.TIME_ELSEWHERE, line.text)
    return None


def _by_kind(
    kind: str,
    lines: Sequence[TextLine],
    total: TotalChoice | None,
    vat_rows: tuple[VatRow, ...],
    items: tuple[LineItem, ...],
) -> tuple[TotalChoice | None, tuple[VatRow, ...], tuple[LineItem, ...]]:
    """The total, VAT rows and items as the receipt's kind has them.

    A refund's amounts are negative; a deposit-return voucher has no VAT; a card slip has neither
    items nor VAT rows, and its total is the card amount, never trusted without review.
    """
    if kind == "refund":
        negated_total = None if total is None else replace(total, value=-total.value)
        negated_rows = tuple(replace(row, net=-row.net, tax=-row.tax, gross=-row.gross) for row in vat_rows)
        negated_items = tuple(
            replace(
                item,
                amount=-item.amount,
                unit_price=None if item.unit_price is None else -item.unit_price,
                discount=None if item.discount is None else -item.discount,
                deposit=None if item.deposit is None else -item.deposit,
            )
            for item in items
        )
        return negated_total, negated_rows, negated_items
    if kind == "deposit_return":
        return total, (), items
    if kind == "card_slip":
        amount = total.value if total is not None else card_slip_amount(lines)
        if amount is None:
            return None, (), ()
        source = total.source if total is not None else "card slip"
        confidence = min(CARD_SLIP_CONFIDENCE, total.confidence if total else CARD_SLIP_CONFIDENCE)
        return TotalChoice(amount, confidence, source, ()), (), ()
    return total, vat_rows, items


#: A card slip's amount is the payment, but a slip is no receipt: its total always needs a look.
CARD_SLIP_CONFIDENCE = 0.6


#: A country read at least this surely decides the currency against a single other currency mark.
COUNTRY_OUTVOTES_ONE_MARK = 0.9


def _currency(
    lines: Sequence[TextLine], has_business_id: bool, country: CountryEvidence
) -> Field[str] | None:
    marks: Counter[str] = Counter()
    for line in lines:
        codes: list[str] = []
        for match in find_amounts(line.text):
            if match.currency:
                # ``kr`` is the krona or krone of the receipt's country.
                code = match.currency
                if code == "SEK" and country.currency in ("NOK", "DKK") and "SEK" not in line.folded:
                    code = country.currency
                codes.append(code)
        # A euro sign away from the amounts (``Summa €``, ``€/kg``) counts once, one beside an amount
        # is that amount's mark.
        if "€" in line.text and "EUR" not in codes:
            codes.append("EUR")
        marks.update(codes)
    if marks:
        code, count = marks.most_common(1)[0]
        # One stray mark (``£`` read in a photo's clutter) does not outvote the country's own currency.
        lone_stranger = count == 1 and country.currency not in (None, code)
        if not (lone_stranger and country.confidence >= COUNTRY_OUTVOTES_ONE_MARK):
            return Field(code, min(0.95, 0.7 + 0.05 * count))
    if country.currency is not None:
        return Field(country.currency, round(min(0.9, country.confidence), 3), "country")
    text = "\n".join(line.folded for line in lines)
    if has_business_id or len(_FINNISH_CUES.findall(text)) >= 2:
        return Field("EUR", 0.6)
    if _MALAYSIAN_CUES.search(text):
        return Field("MYR", 0.5)
    return None


def _receipt_number(lines: Sequence[TextLine]) -> Field[str] | None:
    for line in lines:
        match = RECEIPT_NUMBER.search(line.folded)
        if match and any(char.isdigit() for char in match["number"]):
            return Field(match["number"], confidence.RECEIPT_NUMBER, line.text)
    return None


def build_warnings(
    receipt: ReceiptData,
    total: TotalChoice | None,
    items: Sequence[LineItem],
    *,
    vat_free: Decimal = Decimal("0.00"),
) -> tuple[ReceiptWarning, ...]:
    """Everything a reviewer should check before the receipt is booked.

    ``vat_free``: the part of the total outside VAT (deposits) that the VAT rows leave out.
    """
    warnings = _missing_field_warnings(receipt)
    warnings.extend(_vat_warnings(receipt, vat_free))
    warnings.extend(_kind_warnings(receipt))
    if total is not None and not total.agrees_with and receipt.total is not None:
        warnings.append(
            ReceiptWarning(
                "total_unconfirmed", "the total is not confirmed by the payment, VAT rows or items"
            )
        )
    if items and receipt.total is not None:
        items_sum = sum((item.amount for item in items), Decimal("0.00"))
        if abs(items_sum - receipt.total.value) > CENT and total is not None and total.agrees_with:
            warnings.append(ReceiptWarning("items_total_mismatch", "line items do not add up to the total"))
    return tuple(warnings)


def _is_domestic(receipt: ReceiptData) -> bool:
    """Finnish, or of unknown origin and in euros: Finnish voucher rules apply."""
    if receipt.country is not None:
        return not receipt.is_foreign
    return receipt.currency is None or receipt.currency.value == "EUR"


#: Warnings for papers that are not a plain domestic sale, by what they are.
_KIND_WARNINGS: dict[str, ReceiptWarning] = {
    "refund": ReceiptWarning("refund", "a refund: the total and VAT are negative"),
    "deposit_return": ReceiptWarning(
        "deposit_return", "a bottle-deposit return voucher: not a purchase, no VAT"
    ),
    "card_slip": ReceiptWarning(
        "card_slip", "a card-terminal slip: the amount only, no VAT breakdown; attach the receipt"
    ),
}


def _kind_warnings(receipt: ReceiptData) -> list[ReceiptWarning]:
    warnings: list[ReceiptWarning] = []
    if receipt.kind in _KIND_WARNINGS:
        warnings.append(_KIND_WARNINGS[receipt.kind])
    if receipt.is_foreign:
        assert receipt.country is not None
        warnings.append(
            ReceiptWarning(
                "foreign_receipt",
                f"issued in {receipt.country.value}: its VAT is not deductible as Finnish VAT",
            )
        )
    return warnings


def _missing_field_warnings(receipt: ReceiptData) -> list[ReceiptWarning]:
    warnings: list[ReceiptWarning] = []
    domestic = _is_domestic(receipt)
    if receipt.total is None:
        warnings.append(ReceiptWarning("no_total", "no total found"))
    if receipt.date is None:
        warnings.append(ReceiptWarning("no_date", "no plausible purchase date found"))
    if receipt.merchant is None:
        warnings.append(ReceiptWarning("no_merchant", "no merchant name found"))
    if domestic and receipt.business_id is None and receipt.kind in ("sale", "refund"):
        warnings.append(ReceiptWarning("no_business_id", "no Y-tunnus: not a valid VAT voucher"))
    if domestic and not receipt.vat and receipt.kind in ("sale", "refund"):
        warnings.append(ReceiptWarning("no_vat_breakdown", "no VAT breakdown: not a valid VAT voucher"))
    return warnings


def _vat_warnings(receipt: ReceiptData, vat_free: Decimal) -> list[ReceiptWarning]:
    warnings: list[ReceiptWarning] = []
    if receipt.vat and receipt.total is not None:
        gross = sum((row.gross for row in receipt.vat), vat_free)
        if abs(gross - receipt.total.value) > CENT:
            warnings.append(ReceiptWarning("vat_total_mismatch", "VAT rows do not add up to the total"))
    country = None if receipt.country is None else receipt.country.value
    table = rate_table(country)
    for row in receipt.vat:
        if abs(row.gross - row.net - row.tax) > CENT:
            warnings.append(
                ReceiptWarning("vat_row_inconsistent", f"VAT {row.rate} %: tax is not gross - net")
            )
        if receipt.date is not None and not is_valid_rate(row.rate, receipt.date.value, table):
            warnings.append(
                ReceiptWarning(
                    "vat_rate_invalid",
                    f"VAT rate {row.rate} % is not valid on {receipt.date.value.isoformat()}"
                    + (f" in {country}" if country else ""),
                )
            )
    return warnings

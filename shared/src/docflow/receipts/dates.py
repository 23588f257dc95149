"""Dates and times as printed on receipts, read day-first, with plausibility against a given "today".

Finnish receipts print ``DD.MM.YYYY``, ``D.M.YY`` or ISO dates; English ones also ``14 MAR 2018``,
``20180304``, ``27032018`` and ``12-01-19``. A numeric date is read day-first; month-first is only a
fallback when day-first is impossible, and gets a lower confidence. Future dates and dates before
:data:`EARLIEST_YEAR` are never plausible.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Iterator
from dataclasses import dataclass

from docflow.receipts.numbers import digit_variants, lookalike_table

EARLIEST_YEAR = 2000
#: Receipts are booked within the years their vouchers are kept (six in Finland): a date in the future
#: whose year is one digit away from exactly one year within them is that year, misread (``2125`` for
#: 2025, ``2075`` for 2025), at :data:`MISREAD_YEAR_CONFIDENCE`.
RECENT_YEARS = 6
MISREAD_YEAR_CONFIDENCE = 0.5

_MONTHS: dict[str, int] = {
    "JAN": 1,
    "FEB": 2,
    "MAR": 3,
    "APR": 4,
    "MAY": 5,
    "MAJ": 5,
    "JUN": 6,
    "JUL": 7,
    "AUG": 8,
    "SEP": 9,
    "OCT": 10,
    "OKT": 10,
    "NOV": 11,
    "DEC": 12,
    "DES": 12,
}
_MONTH_NAME = r"(?P<mon>JAN|FEB|MAR|APR|MA[YJ]|JUN|JUL|AUG|SEP|O[CK]T|NOV|DE[CS])[A-Z]*\.?"

#: Day, month and year; a two-digit "year" followed by ``:MM`` is the hour of a time (``04.04. 13:43``).
_NUMERIC = re.compile(r"(?<![\d.,/-])(\d{1,2})\s?([./-])\s?(\d{1,2})\s?\2\s?(\d{4}|\d{2}(?!\s?:\d))(?![\d])")
#: A separator as OCR reads it: the printed ``.``, ``/`` or ``-``, or a misread ``,``, ``:``, ``;`` or
#: (for ``/``) ``|``, ``l``, ``I``.
_NOISY_SEPARATOR = r"\s?[./,:;|lI-]\s?"
#: OCR-garbled separators, four-digit years only: mixed or misread (``27/03-2018``, ``27.03,2018``,
#: ``17/01:2018``, ``17/01l2018``) or one lost (``2703/2018``, ``27/032018``).
_GARBLED = re.compile(
    rf"(?<![\d.,/-])(?:(\d{{1,2}}){_NOISY_SEPARATOR}(\d{{1,2}}){_NOISY_SEPARATOR}|(\d{{2}})(\d{{2}})[./-]|"
    r"(\d{2})[./-](\d{2}))((?:19|20)\d\d)(?!\d)"
)
#: After its label, a day-first date with a two-digit year and a separator misread (``Datum 11;04.20``):
#: the label says a date follows, which a bare ``11;04.20`` does not. Not a colon: ``Pvm 10:05:24`` may
#: be a time.
_LABEL_SEPARATOR = r"\s?[./,;|lI-]\s?"
_LABELLED_GARBLED = re.compile(
    rf"(?<![A-Za-z])(?:DATUM|DATE|PVM|DATO)\W{{0,3}}(\d{{1,2}}){_LABEL_SEPARATOR}(\d{{1,2}}){_LABEL_SEPARATOR}"
    r"(\d{2})(?![\d.,:])",
    re.IGNORECASE,
)
#: After its label and before a time, a day-first date whose separators the OCR read as spaces
#: (``Datum 08 10 16 14:16 Uhr``): without the label and the time, three numbers are no date.
_LABELLED_SPACED = re.compile(
    r"(?<![A-Za-z])(?:DATUM|DATE|PVM|DATO)\W{0,3}(\d{2}) (\d{2}) (\d{2}|\d{4})\s+[0-2]?\d[:.][0-5]\d(?!\d)",
    re.IGNORECASE,
)
#: How sure a date is that was read after its label with a misread separator, and the most the receipt's
#: date may be trusted when it is this one (never enough to book it unseen).
LABELLED_GARBLED_CONFIDENCE = 0.55
LABELLED_GARBLED_CAP = 0.65
#: A four-digit year split by a stray space (``10-05-20 17``, ``10/05/201 7``); not when a time follows
#: the two-digit year (``10-05-20 17:30`` is 10 May 2020).
_SPLIT_YEAR = re.compile(
    r"(?<![\d.,/-])(\d{1,2})\s?([./-])\s?(\d{1,2})\s?\2\s?"
    r"(?P<year>2 0\d\d|20 \d\d|20\d \d)(?!\d)(?!\s?[:.]\d)"
)
#: A four-digit year glued to the time printed after it: ``15/01/201810:30``.
_GLUED_TIME = re.compile(
    r"(?<![\d.,/-])(\d{1,2})\s?([./-])\s?(\d{1,2})\s?\2\s?((?:19|20)\d\d)(?=[0-2]?\d[:.][0-5]\d)"
)
#: A two-digit year glued to the time printed after it: ``24.12.2417:14`` (24.12.24 17:14). Not when the
#: four digits read as a year (``2017:14``): the clean patterns read those.
_GLUED_SHORT_YEAR = re.compile(
    r"(?<![\d.,/-])(\d{1,2})\s?([./-])\s?(\d{1,2})\s?\2\s?(?!19|20)(\d{2})(?=(?:[01]\d|2[0-3])[:.][0-5]\d(?!\d))"
)
#: How sure a date is that was read apart from a glued time.
GLUED_SHORT_YEAR_CONFIDENCE = 0.75
#: Letters OCR reads for digits inside a date (``1O/05/2O18``, ``l7.01.2018``): same length, so the
#: spans found in the repaired text are the spans in the original.
_DIGIT_LOOKALIKE = re.compile(r"(?<=[\d./-])[OoQD](?=[\d./-])|(?<=[\d./-])[Il|](?=[\d./-])|[OoIl](?=\d[./-])")
_LOOKALIKE_DIGITS = str.maketrans("OoQDIl|", "0000111")
#: A token shaped like a day-first date whose digits the OCR partly read as letters (dot-matrix print:
#: ``BD. 03. 205`` for 30.03.2025, ``1S.OG.2O24`` for 15.06.2024); ``B`` is an 8 or a 3.
_LOOKALIKE_CHAR = r"[\dOoQDIl|SZGB]"
_LOOKALIKE_DATE = re.compile(
    rf"(?<![\w.,/-]){_LOOKALIKE_CHAR}{{1,2}}\s?[./,-]\s?{_LOOKALIKE_CHAR}{{1,2}}\s?[./,-]\s?"
    rf"{_LOOKALIKE_CHAR}{{2,4}}(?![\w.,/-])"
)
_LOOKALIKE_TABLES = (lookalike_table(), lookalike_table(b="3"))
#: How sure a date is whose ``B`` reads as 8 and as 3 into two dates (the 8 is taken).
_AMBIGUOUS_LOOKALIKE = 0.4
#: A date token needs this many real digits before its letters are read as digits.
_LOOKALIKE_MIN_DIGITS = 3
_ISO = re.compile(r"(?<![\d.,/-])(\d{4})([-./])(\d{1,2})\2(\d{1,2})(?![\d])")
_COMPACT = re.compile(r"(?<!\d)(20\d\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?!\d)")
_COMPACT_DAY_FIRST = re.compile(r"(?<!\d)(0[1-9]|[12]\d|3[01])(0[1-9]|1[0-2])(20\d\d)(?!\d)")
#: Day, then month and year whose separators the OCR lost, before a time: ``25 102025 18:49``.
_LOST_SEPARATORS = re.compile(r"(?<![\d.,/-])(\d{1,2})\s(\d{2})((?:19|20)\d\d)(?=\s+[0-2]?\d[:.][0-5]\d)")
#: A year one of whose digits the OCR lost, before a time: ``22. 12. 205 15:00``.
_THREE_DIGIT_YEAR = re.compile(
    r"(?<![\d.,/-])(\d{1,2})\s?[./,-]\s?(\d{1,2})\s?[./,-]\s?(2\d\d)(?!\d)(?=\s+[0-2]?\d[:.][0-5]\d)"
)
#: A separator read as the digit ``1``, before a time: ``26.03125 16:47`` (26.03.25), and with the other
#: separator lost, ``081212025 10:28`` (08.12.2025, or 08.12 read the other way round when that is no date).
_SEPARATOR_AS_ONE = re.compile(
    r"(?<![\d.,/-])(?:(?P<day>\d{2})[./-](?P<month>\d{2})1(?P<short>\d{2})|(?P<digits>\d{4}1\d{4}|\d{2}1\d{6}))"
    r"(?=\s+[0-2]?\d[:.][0-5]\d)"
)
_DAY_MONTH_NAME = re.compile(
    rf"(?<!\d)(?P<day>\d{{1,2}})\s?[-/ ]?\s?{_MONTH_NAME}\s?[-/ ,]?\s?(?P<year>\d{{4}}|\d{{2}})(?!\d)",
    re.IGNORECASE,
)
_MONTH_NAME_DAY = re.compile(
    rf"(?<![A-Z]){_MONTH_NAME}\s?(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s?(?P<year>\d{{4}})(?!\d)",
    re.IGNORECASE,
)
_TIME = re.compile(
    r"(?<![\d.,:])(?P<h>[01]?\d|2[0-3])(?P<sep>[:.])(?P<m>[0-5]\d)(?:(?P=sep)(?P<s>[0-5]\d))?(?![\d.,]\d)"
    r"(?:\s?(?P<ampm>[AaPp])\.?[Mm]\.?)?"
)
_CLOCK_WORD = re.compile(r"\b(?:klo|kl|kello|time|aika|tid)\b\.?:?\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class DateMatch:
    """A plausible date found in a line, where it is and how sure the reading is (0..1)."""

    value: dt.date
    start: int
    end: int
    confidence: float
    #: The most a receipt's date read here may be trusted, whatever its line and label add.
    cap: float = 1.0


@dataclass(frozen=True, slots=True)
class TimeMatch:
    """A time of day found in a line and where it is."""

    value: dt.time
    start: int
    end: int


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if year < 100 else year


def _make_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _plausible(value: dt.date | None, today: dt.date) -> bool:
    return value is not None and value.year >= EARLIEST_YEAR and value <= today


#: A date reading before the plausibility check: (date or ``None``, start, end, confidence).
_Reading = tuple[dt.date | None, int, int, float]


def _noisy_readings(text: str) -> Iterator[_Reading]:
    """Readings of OCR-damaged dates that must win over the clean patterns on the same span."""
    # Letters misread for digits: ``l7.01.2018`` is 17 January, not 7 January.
    repaired = _DIGIT_LOOKALIKE.sub(lambda match: match[0].translate(_LOOKALIKE_DIGITS), text)
    for match in _NUMERIC.finditer(repaired):
        if repaired[match.start() : match.end()] != text[match.start() : match.end()]:
            value = _make_date(_year(match[4]), int(match[3]), int(match[1]))
            yield value, match.start(), match.end(), 0.5
    for match in _SPLIT_YEAR.finditer(text):
        first, second, year = int(match[1]), int(match[3]), int(match["year"].replace(" ", ""))
        yield _make_date(year, second, first), match.start(), match.end(), 0.75
    for match in _GLUED_TIME.finditer(text):
        yield _make_date(int(match[4]), int(match[3]), int(match[1])), match.start(), match.end(), 0.8
    for match in _GLUED_SHORT_YEAR.finditer(text):
        value = _make_date(_year(match[4]), int(match[3]), int(match[1]))
        yield value, match.start(), match.end(), GLUED_SHORT_YEAR_CONFIDENCE


def _lookalike_readings(text: str, today: dt.date) -> Iterator[_Reading]:
    """Dates in date-shaped tokens once their look-alike letters are read as digits. ``B`` is read as
    an 8, else as a 3 when only that gives a date; when both give one (``D5.DB.2024``), the 8 (the
    commoner confusion) is kept with even less confidence."""
    for token in _LOOKALIKE_DATE.finditer(text):
        printed = token[0]
        digits = sum(char.isdigit() for char in printed)
        if digits < _LOOKALIKE_MIN_DIGITS or printed == printed.translate(_LOOKALIKE_TABLES[0]):
            continue
        readings: list[DateMatch] = []
        for table in _LOOKALIKE_TABLES:
            repaired = text[: token.start()] + printed.translate(table) + text[token.end() :]
            readings.extend(
                match
                for match in _find_dates(repaired, today, repair=False)
                if match.start < token.end() and match.end > token.start()
            )
        if readings:
            confidence = 0.5 if len({match.value for match in readings}) == 1 else _AMBIGUOUS_LOOKALIKE
            yield readings[0].value, readings[0].start, readings[0].end, confidence


def _first_readings(text: str, today: dt.date, *, repair: bool) -> Iterator[_Reading]:
    """Readings that must win over the clean patterns on the same span: look-alike letters (when
    ``repair``), then other OCR damage."""
    if repair:
        yield from _lookalike_readings(text, today)
    yield from _noisy_readings(text)


def _separator_as_one(match: re.Match[str]) -> dt.date | None:
    """The date a :data:`_SEPARATOR_AS_ONE` match reads, or ``None`` when no or two dates fit."""
    if match["day"]:
        return _make_date(_year(match["short"]), int(match["month"]), int(match["day"]))
    digits, year = match["digits"], int(match["digits"][-4:])
    readings = {
        _make_date(year, int(digits[2:4]), int(digits[:2])) if digits[4] == "1" else None,
        _make_date(year, int(digits[3:5]), int(digits[:2])) if digits[2] == "1" else None,
    } - {None}
    return readings.pop() if len(readings) == 1 else None


def _weak_readings(text: str, today: dt.date) -> Iterator[_Reading]:
    """Readings of dates whose separators or a year digit the OCR lost, before a time: never sure."""
    for match in _LOST_SEPARATORS.finditer(text):
        yield _make_date(int(match[3]), int(match[2]), int(match[1])), match.start(), match.end(), 0.5
    for match in _SEPARATOR_AS_ONE.finditer(text):
        yield _separator_as_one(match), match.start(), match.end(), 0.5
    for match in _THREE_DIGIT_YEAR.finditer(text):
        year = _restored_year(match[3], today)
        if year is not None:
            yield _make_date(year, int(match[2]), int(match[1])), match.start(), match.end(), 0.5
    for match in _NUMERIC.finditer(text):
        if len(match[4]) == 4:
            yield _impossible_date(match, today), match.start(), match.end(), MISREAD_DIGIT_CONFIDENCE


def _labelled_readings(text: str) -> Iterator[tuple[dt.date | None, int, int]]:
    """Dates after their label with separators misread or read as spaces: (date, start, end)."""
    for pattern in (_LABELLED_GARBLED, _LABELLED_SPACED):
        for match in pattern.finditer(text):
            yield _make_date(_year(match[3]), int(match[2]), int(match[1])), match.start(1), match.end(3)


#: A date read only after one look-alike digit of its day or month was turned back.
MISREAD_DIGIT_CONFIDENCE = 0.5


def _impossible_date(match: re.Match[str], today: dt.date) -> dt.date | None:
    """For a day-first date that is no date either way (``13.81.2026``), the one date that reading one
    digit of its day or month as its look-alike gives (``8`` for ``0``: 13.01.2026); ``None`` when the
    printed digits are a date or no or several readings are."""
    day, month, year = match[1], match[3], int(match[4])
    if _make_date(year, int(month), int(day)) or _make_date(year, int(day), int(month)):
        return None
    readings = {
        _make_date(year, int(new_month), int(new_day))
        for new_day, new_month in [(variant, month) for variant in digit_variants(day)]
        + [(day, variant) for variant in digit_variants(month)]
    }
    plausible = {value for value in readings if value is not None and _plausible(value, today)}
    return plausible.pop() if len(plausible) == 1 else None


def misread_year_dates(value: dt.date, today: dt.date) -> set[dt.date]:
    """The dates ``value`` may be when one digit of its year is a misread look-alike (``2020`` for
    2026, ``2004`` for 2024), none in the future or before :data:`EARLIEST_YEAR`."""
    readings = {_make_date(int(year), value.month, value.day) for year in digit_variants(f"{value.year:04d}")}
    return {reading for reading in readings if reading is not None and _plausible(reading, today)}


def _recent_one_digit_away(value: dt.date, today: dt.date) -> set[dt.date]:
    """The dates within the last :data:`RECENT_YEARS` up to ``today`` whose year differs from
    ``value``'s in one digit (same day and month)."""
    earliest = today.year - RECENT_YEARS
    printed = f"{value.year:04d}"
    years = {
        int(printed[:at] + digit + printed[at + 1 :])
        for at in range(len(printed))
        for digit in string.digits
        if digit != printed[at]
    }
    readings = {_make_date(year, value.month, value.day) for year in years if earliest <= year <= today.year}
    return {reading for reading in readings if reading is not None and reading <= today}


def may_be_misread_recent(value: dt.date, today: dt.date) -> bool:
    """Whether ``value`` is older than the last :data:`RECENT_YEARS` and one digit of its year away
    from a date within them (``2004`` for 2024, ``2016`` for 2026): a receipt that old is rare, a misread
    year digit is not, so such a date is never sure. Older dates no digit brings near (``2018``) are not
    doubted."""
    return value.year < today.year - RECENT_YEARS and bool(_recent_one_digit_away(value, today))


def _restored_year(digits: str, today: dt.date) -> int | None:
    """The latest year up to ``today``'s that ``digits`` (a year missing one digit) can be: a receipt
    is usually recent (``205`` -> 2025 rather than 2005)."""
    years = {
        int(digits[:at] + digit + digits[at:]) for at in range(len(digits) + 1) for digit in string.digits
    }
    plausible = [year for year in years if EARLIEST_YEAR <= year <= today.year]
    return max(plausible, default=None)


def _recent_reading(value: dt.date, today: dt.date) -> dt.date | None:
    """For a date in the future, the one date within the last :data:`RECENT_YEARS` whose year differs in
    one digit (``2125`` read for 2025); ``None`` when none or several fit. An old date is kept as read:
    real receipts of any age are scanned."""
    if value <= today:
        return None
    readings = _recent_one_digit_away(value, today)
    return readings.pop() if len(readings) == 1 else None


def find_dates(text: str, today: dt.date | None = None) -> list[DateMatch]:
    """Every plausible date in ``text`` (day-first), left to right; ``today`` bounds the future."""
    return _find_dates(text, today or dt.date.today(), repair=True)


def _find_dates(text: str, today: dt.date, *, repair: bool) -> list[DateMatch]:
    found: list[DateMatch] = []
    taken: list[range] = []

    def add(value: dt.date | None, start: int, end: int, confidence: float, cap: float = 1.0) -> None:
        if value is None or any(start in span for span in taken):
            return
        recent = _recent_reading(value, today)
        if recent is not None:
            value, confidence = recent, min(confidence, MISREAD_YEAR_CONFIDENCE)
        if not _plausible(value, today):
            return
        taken.append(range(start, end))
        found.append(DateMatch(value, start, end, confidence, cap))

    for reading in _first_readings(text, today, repair=repair):
        add(*reading)
    for match in _ISO.finditer(text):
        add(_make_date(int(match[1]), int(match[3]), int(match[4])), match.start(), match.end(), 0.95)
    for match in _NUMERIC.finditer(text):
        first, second, year = int(match[1]), int(match[3]), _year(match[4])
        day_first = _make_date(year, second, first)
        confidence = 0.95 if len(match[4]) == 4 else 0.85
        if day_first is not None:
            add(day_first, match.start(), match.end(), confidence)
        else:
            add(_make_date(year, first, second), match.start(), match.end(), confidence - 0.3)
    for pattern in (_DAY_MONTH_NAME, _MONTH_NAME_DAY):
        for match in pattern.finditer(text):
            month = _MONTHS[match["mon"].upper()[:3]]
            value = _make_date(_year(match["year"]), month, int(match["day"]))
            add(value, match.start(), match.end(), 0.9)
    for match in _GARBLED.finditer(text):
        day_text = match[1] or match[3] or match[5]
        month_text = match[2] or match[4] or match[6]
        value = _make_date(int(match[7]), int(month_text), int(day_text))
        add(value, match.start(), match.end(), 0.55)
    for match in _COMPACT.finditer(text):
        add(_make_date(int(match[1]), int(match[2]), int(match[3])), match.start(), match.end(), 0.7)
    for match in _COMPACT_DAY_FIRST.finditer(text):
        add(_make_date(int(match[3]), int(match[2]), int(match[1])), match.start(), match.end(), 0.6)
    for reading in _weak_readings(text, today):
        add(*reading)
    for value, start, end in _labelled_readings(text):
        add(value, start, end, LABELLED_GARBLED_CONFIDENCE, cap=LABELLED_GARBLED_CAP)
    return sorted(found, key=lambda item: item.start)


def parse_date(text: str, today: dt.date | None = None) -> dt.date | None:
    """The first plausible date in ``text``, else ``None``."""
    matches = find_dates(text, today)
    return matches[0].value if matches else None


def find_times(text: str, *, after_date: bool = False) -> list[TimeMatch]:
    """Times of day in ``text``. ``HH.MM`` counts only after a clock word or when ``after_date`` is set."""
    found: list[TimeMatch] = []
    for match in _TIME.finditer(text):
        hour = int(match["h"])
        if match["sep"] == "." and not (after_date or _CLOCK_WORD.search(text[: match.start()])):
            continue
        ampm = (match["ampm"] or "").upper()
        if ampm == "P" and hour < 12:
            hour += 12
        elif ampm == "A" and hour == 12:
            hour = 0
        second = int(match["s"]) if match["s"] else 0
        found.append(TimeMatch(dt.time(hour, int(match["m"]), second), match.start(), match.end()))
    return found

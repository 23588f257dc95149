"""Finnish business identifiers on receipts: Y-tunnus ``NNNNNNN-C`` and VAT number ``FINNNNNNNN``.

Check digits are validated with python-stdnum; OCR noise around the hyphen is tolerated, but a number
whose check digit fails is never returned.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from docflow.receipts.numbers import lookalike_table

_YTUNNUS = re.compile(r"(?<![\d-])(\d{6,7})\s?[-‐‑–—]{1,2}\s?(\d)(?!\d)")
#: Next to its label only: a dot for the hyphen (``0206799.7``) or the hyphen lost (``22789110``).
_LABELLED_YTUNNUS = re.compile(r"(?<![\d.,-])(\d{7})(?:\.|\s?)(\d)(?![\d.,])")
#: Letters the OCR reads for digits inside a number next to the label (``270S919-9``, ``O206799-7``,
#: dot-matrix ``121BD72-3``, ``S219642-3``): ``S`` may be a 5, an 8 or a 3, ``B`` an 8 or a 3; the check
#: digit decides.
#: Dot print's ``7`` read as ``?`` or ``T`` (``15B2?BB-?``) is one more look-alike inside the number.
_SEVEN = str.maketrans("?T", "77")
_LOOKALIKE_TABLES = tuple(lookalike_table(s=s, b=b) | _SEVEN for s in "583" for b in "83")
_LOOKALIKE_RUN = re.compile(r"[\dOoQDIl|SZBG?T]{7}(?=\s?[-‐‑–—.]{0,2}\s?[\dOoQDIl|SZBG?T](?![\w]))")
#: A space between two digits of a number.
_SPACE_IN_NUMBER = re.compile(r"(?<=\d) (?=\d)")
#: Eight digits before the check digit: one of them is read twice or made up.
_EXTRA_DIGIT = re.compile(r"(?<![\d-])(\d{8})\s?[-‐‑–—]{1,2}\s?(\d)(?!\d)")
_VAT_NUMBER = re.compile(r"(?<![A-Z0-9])F[I1l]\s?(\d{8})(?!\d)", re.IGNORECASE)
_LABEL = re.compile(
    r"y[a-z]?[-\s]?[tl]unnus|y[-\s]?tun|[yt][a-z]?h?unnus|fo[-\s]?[nr]u?m+er|fo-nr|business\s?id|org\.?\s?nr|ly[-\s]?tunnus",
    re.I,
)


@dataclass(frozen=True, slots=True)
class BusinessId:
    """A validated Y-tunnus (``1234567-8``) and whether it was printed next to its label."""

    value: str
    labelled: bool
    from_vat_number: bool = False
    #: Read only after repairing OCR damage (a lost hyphen, a letter for a digit).
    repaired: bool = False


def is_valid_ytunnus(value: str) -> bool:
    """Whether ``value`` is a Y-tunnus with a correct check digit."""
    from stdnum.fi import ytunnus  # python-stdnum loads its registry modules: keep it off cold start

    return bool(ytunnus.is_valid(value))


def is_valid_vat_number(value: str) -> bool:
    """Whether ``value`` is a Finnish VAT number (``FI`` + 8 digits) with a correct check digit."""
    from stdnum.fi import alv

    return bool(alv.is_valid(value))


def vat_number_to_ytunnus(value: str) -> str:
    """``FI12345671`` -> ``1234567-1`` (the VAT number is the Y-tunnus without its hyphen)."""
    digits = re.sub(r"\D", "", value)
    return f"{digits[:7]}-{digits[7]}"


def find_business_ids(text: str) -> list[BusinessId]:
    """Valid Y-tunnus numbers in ``text``, whether printed as such or as a FI VAT number.

    Next to its label (``Y-tunnus``, ``FO-nummer``, also as OCR misreads them: ``Ytunnus``,
    ``Yhunnus``) a number is also read with a dot for the hyphen or the hyphen lost, and with letters
    the OCR reads for digits (``270S919-9``) turned back, a space inside it (``2651 170-6``) or one digit
    too many (``27085919-9``) dropped, when exactly one valid number comes out;
    such a repaired number is marked ``repaired``, as is a six-digit number read with its leading zero.
    """
    found: list[BusinessId] = []
    labelled = bool(_LABEL.search(text))
    for match in _YTUNNUS.finditer(text):
        candidate = f"{match[1].zfill(7)}-{match[2]}"
        if is_valid_ytunnus(candidate) and (labelled or len(match[1]) == 7):
            # Six digits are the old form (``123456-7``), or seven with one the OCR lost: the leading
            # zero makes the check digit fit one lost digit in ten, so it is no more than repaired.
            found.append(BusinessId(candidate, labelled, repaired=len(match[1]) == 6))
    for match in _VAT_NUMBER.finditer(text):
        number = f"FI{match[1]}"
        if is_valid_vat_number(number):
            found.append(BusinessId(vat_number_to_ytunnus(number), labelled=True, from_vat_number=True))
    if labelled and not found:
        found.extend(_repaired(text))
    return found


def _repaired(text: str) -> list[BusinessId]:
    """The one valid Y-tunnus a labelled line gives once its separator and look-alike letters are
    repaired; none when no or several readings are valid."""
    label = _LABEL.search(text)
    tail = text[label.end() :] if label else text
    values: set[str] = set()
    for table in _LOOKALIKE_TABLES:

        def digits(match: re.Match[str], table: dict[int, int] = table) -> str:
            return match[0].translate(table)

        repaired = re.sub(r"(?<=[\d-])[OoQDIl|SZBG?T](?![\w?])", digits, _LOOKALIKE_RUN.sub(digits, tail))
        values.update(
            f"{match[1]}-{match[2]}"
            for pattern in (_YTUNNUS, _LABELLED_YTUNNUS)
            for match in pattern.finditer(repaired)
            if len(match[1]) == 7
        )
    # A space read into the number (``2651 170-6``), or one digit too many (``27085919-9``).
    joined = _SPACE_IN_NUMBER.sub("", tail)
    values.update(f"{match[1]}-{match[2]}" for match in _YTUNNUS.finditer(joined) if len(match[1]) == 7)
    for match in _EXTRA_DIGIT.finditer(joined):
        body = match[1]
        values.update(f"{body[:cut]}{body[cut + 1 :]}-{match[2]}" for cut in range(len(body)))
    valid = {value for value in values if is_valid_ytunnus(value)}
    return [BusinessId(valid.pop(), labelled=True, repaired=True)] if len(valid) == 1 else []


def find_vat_numbers(text: str) -> list[str]:
    """Valid Finnish VAT numbers (``FI12345678``) in ``text``."""
    numbers = (f"FI{match[1]}" for match in _VAT_NUMBER.finditer(text))
    return [number for number in numbers if is_valid_vat_number(number)]


#: A look-alike letter next to a digit or the hyphen inside a number (``2204B891-D``): read as a digit.
_LOOKALIKE_BESIDE_DIGIT = re.compile(r"(?<=[\d‐‑–—-])[OoQDIl|SZBG?T]|[OoQDIl|SZBG?T](?=[\d‐‑–—-])")
_ID_DIGITS = lookalike_table() | _SEVEN
#: A printed number: digits, with the hyphens and dots OCR puts inside it, and spaces between digits.
_NUMBER_RUN = re.compile(r"\d(?:[\d.‐‑–—-]|\s(?=\d))*")
#: A number is the Y-tunnus of its line from this many digits on (shorter ones are specks or the label's
#: garble).
_MIN_ID_DIGITS = 6
#: Fewer readings of a line than this cannot outvote one garbled reading.
MIN_READINGS = 3
#: A number agreed on is printed whole by at least this many readings to be trusted as read (one
#: reading's number may be a fresh misread that happens to pass the check digit, about one in ten).
SURE_PRINTS = 2


@dataclass(frozen=True, slots=True)
class AgreedId:
    """The Y-tunnus several readings of a line agree on, and how many of them printed it whole."""

    value: str
    printed: int


def _label_at_word_start(text: str) -> re.Match[str] | None:
    """The first Y-tunnus label of ``text`` that starts a word (not ``Arkistointitunnus``)."""
    return next((match for match in _LABEL.finditer(text) if not text[: match.start()][-1:].isalpha()), None)


def is_business_id_line(text: str) -> bool:
    """Whether ``text`` prints a Y-tunnus label at the start of a word."""
    return _label_at_word_start(text) is not None


def _printed_digits(reading: str) -> str:
    """The digits of the first number of at least :data:`_MIN_ID_DIGITS` digits after the reading's
    label (in the whole reading when the label itself was garbled), look-alike letters beside its digits
    read as digits."""
    label = _label_at_word_start(reading)
    tail = reading[label.end() :] if label else reading
    tail = _LOOKALIKE_BESIDE_DIGIT.sub(lambda match: match[0].translate(_ID_DIGITS), tail)
    runs = (re.sub(r"\D", "", run) for run in _NUMBER_RUN.findall(tail))
    return next((digits for digits in runs if len(digits) >= _MIN_ID_DIGITS), "")


def _within_one_edit(first: str, second: str) -> bool:
    """Whether one substitution, insertion or deletion (or none) turns ``first`` into ``second``."""
    if abs(len(first) - len(second)) > 1:
        return False
    if len(first) == len(second):
        return sum(a != b for a, b in zip(first, second, strict=True)) <= 1
    shorter, longer = sorted((first, second), key=len)
    return any(longer[:at] + longer[at + 1 :] == shorter for at in range(len(longer)))


def agreed_business_id(readings: Sequence[str]) -> AgreedId | None:
    """The Y-tunnus several readings of one labelled line agree on, or ``None``.

    A candidate is a number :func:`find_business_ids` finds in a reading (its look-alike letters and
    separators repaired as there); it is taken when more than half of the readings print its digits or
    miss them by one (a misread, a digit lost or read twice) and no other candidate has that support.
    A number no reading printed is never made up from the others: a digit changed until the check digit
    fits is one guess in a handful that fit, however many readings it lies near. How many readings
    printed it whole is returned too (:data:`SURE_PRINTS`).
    """
    if len(readings) < MIN_READINGS:
        return None
    found = [{found.value for found in find_business_ids(reading)} for reading in readings]
    printed = [_printed_digits(reading) for reading in readings]
    candidates = {value for values in found for value in values}
    agreed = [
        value
        for value in candidates
        if 2 * sum(_within_one_edit(value.replace("-", ""), other) for other in printed) > len(printed)
    ]
    if len(agreed) != 1:
        return None
    return AgreedId(agreed[0], sum(agreed[0] in values for values in found))

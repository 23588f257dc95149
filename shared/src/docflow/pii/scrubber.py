"""Find personal data and credentials in text and replace each with a typed marker such as ``[EMAIL]``.

Detection runs in two tiers. Specific detectors (keys by prefix, JWTs, emails, IBANs, henkilötunnus,
cards, phones) are tried in priority order; a candidate overlapping one already accepted is dropped.
Context detectors (``Authorization``/``Cookie`` headers, ``password=...`` pairs) then cover whatever
part of their value no specific entity took, so nothing in a credential's value survives.
"""

from __future__ import annotations

import bisect
import re
import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal

from docflow.pii import patterns
from docflow.pii.validators import is_valid_card, is_valid_hetu, is_valid_iban

EntityKind = Literal["EMAIL", "PHONE", "HETU", "IBAN", "CARD", "JWT", "SECRET"]

_SEPARATED_TOKEN = re.compile(r"[^ .\-]+")
_SPACED_TOKEN = re.compile(r"[^ ]+")
_DIGIT = re.compile(r"[0-9]")
_LETTER = re.compile(r"[A-Za-z]")
_PHONE_INTERNATIONAL_NOT_AFTER = re.compile(r"[\w+]\Z")
_SPACED_DATE = re.compile(r"0[1-9][ -](?:0[1-9]|1[0-2])[ -](?:19|20)[0-9]{2}$")  # "01 02 2024" from OCR
_HETU_SHAPE = re.compile(r"[0-9]{6}-[0-9]{4}$")  # a henkilötunnus with a bad check digit
_SECRET_PREFIX = re.compile(r"^(?:[a-z]+_(?:live|test|api|oauth|wh|secret|publishable)_|[a-z]+[-_]|AIza)")


@dataclass(frozen=True, slots=True)
class Entity:
    """One detected span of ``text[start:end]`` and what it is."""

    kind: EntityKind
    start: int
    end: int


def marker(kind: str) -> str:
    """The replacement text for an entity kind."""
    return f"[{kind}]"


# --- validators of whole candidates -------------------------------------------------------------


def _digit_count(candidate: str) -> int:
    return sum(char.isdigit() for char in candidate)


def _is_random_looking_key(candidate: str) -> bool:
    """Keys are random: after the issuer prefix comes a digit or mixed-case letters.

    AWS key ids are exempt: their fixed length and upper-case alphabet are specific enough, and a
    base32 body is often all letters.
    """
    if candidate[:4].isupper() and len(candidate) == 20 and candidate.isalnum():
        return True
    body = _SECRET_PREFIX.sub("", candidate, count=1)
    has_digit = _DIGIT.search(body) is not None
    return (has_digit or (body != body.lower() and body != body.upper())) and bool(_LETTER.search(body))


def _is_national_phone(candidate: str) -> bool:
    digits = "".join(char for char in candidate if char.isdigit())
    if not digits.startswith("0") or digits[1:2] == "0":
        return False
    if _HETU_SHAPE.match(candidate) or _SPACED_DATE.match(candidate):
        return False
    if candidate.isdigit():  # compact: 9-11 digits, so EAN-8/UPC-12/EAN-13 barcodes stay intact
        return 9 <= len(digits) <= 11
    return 8 <= len(digits) <= 12


def _is_international_phone(candidate: str) -> bool:
    if not candidate.startswith(("+", "00")):
        return False
    return 8 <= _digit_count(candidate.replace("(0)", "")) <= 15


def _valid_runs(
    text: str,
    start: int,
    end: int,
    *,
    token: re.Pattern[str],
    is_valid: Callable[[str], bool],
    sizes: tuple[int, int],
) -> Iterator[tuple[int, int]]:
    """Runs of whole tokens inside ``text[start:end]`` that pass ``is_valid``.

    Patterns match whole runs of separated groups, which may hold several entities or run on into a
    neighbouring number (a date after a card, a year after an IBAN). Each entity is the longest valid
    run of groups from the leftmost position where one starts. Only runs whose characters, separators
    left out, number between ``sizes`` are checked.
    """
    low, high = sizes
    if is_valid(text[start:end]):
        yield start, end
        return
    bounds = [(match.start(), match.end()) for match in token.finditer(text, start, end)]
    total = [0]
    for bound_start, bound_end in bounds:
        total.append(total[-1] + bound_end - bound_start)
    first = 0
    while first < len(bounds):
        last = bisect.bisect_right(total, total[first] + high) - 2
        while last >= first and total[last + 1] - total[first] >= low:
            span_start, span_end = bounds[first][0], bounds[last][1]
            if is_valid(text[span_start:span_end]):
                yield span_start, span_end
                first = last
                break
            last -= 1
        first += 1


# --- detectors ----------------------------------------------------------------------------------

_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
_KEY_CHAR_BEFORE = re.compile(r"[A-Za-z0-9_-]\Z")
_EMAIL_LOCAL_WINDOW = 64  # RFC 5321: a local part has at most 64 octets
_EMAIL_EDGE = re.compile(r"[\w.%+-]")  # what may stand right before and after the "@"


class _Source:
    """The text under scan and, computed once, its ASCII lower-case twin (same length, same indices)."""

    __slots__ = ("_lower", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._lower: str | None = None

    @property
    def lower(self) -> str:
        if self._lower is None:
            lower = self.text.lower()
            # Only U+0130 (İ) lower-cases to two characters; then fall back to ASCII-only (slower).
            self._lower = lower if len(lower) == len(self.text) else self.text.translate(_ASCII_LOWER)
        return self._lower


Detector = Callable[[_Source], Iterator[Entity]]


def _preceded_by(text: str, start: int, not_after: re.Pattern[str] | None) -> bool:
    return not_after is not None and not_after.search(text, max(0, start - 2), start) is not None


def _simple(
    kind: EntityKind,
    pattern: re.Pattern[str],
    *,
    trigger: str | None = None,
    is_valid: Callable[[str], bool] | None = None,
) -> Detector:
    def detect(source: _Source) -> Iterator[Entity]:
        text = source.text
        if trigger is not None and trigger not in text:
            return
        for match in pattern.finditer(text):
            if is_valid is None or is_valid(match.group()):
                yield Entity(kind, match.start(), match.end())

    return detect


def _grouped(
    kind: EntityKind,
    pattern: re.Pattern[str],
    *,
    token: re.Pattern[str],
    is_valid: Callable[[str], bool],
    sizes: tuple[int, int],
    not_after: re.Pattern[str] | None = None,
) -> Detector:
    def detect(source: _Source) -> Iterator[Entity]:
        text = source.text
        for match in pattern.finditer(text):
            start, end = match.span()
            if end - start < sizes[0] or _preceded_by(text, start, not_after):
                continue
            for run_start, run_end in _valid_runs(
                text, start, end, token=token, is_valid=is_valid, sizes=sizes
            ):
                yield Entity(kind, run_start, run_end)

    return detect


def _after_keyword(
    keywords: tuple[str, ...], tail: re.Pattern[str], groups: tuple[str, ...] = ("value",)
) -> Detector:
    """Credentials found from a keyword (case-insensitive substring) and the ``tail`` right after it."""

    def detect(source: _Source) -> Iterator[Entity]:
        text, lower = source.text, source.lower
        for keyword in keywords:
            position = lower.find(keyword)
            while position != -1:
                match = tail.match(text, position + len(keyword))
                if match is None:
                    position = lower.find(keyword, position + len(keyword))
                    continue
                group = next(name for name in groups if match.group(name) is not None)
                yield Entity("SECRET", match.start(group), match.end(group))
                position = lower.find(keyword, match.end())

    return detect


def _emails(source: _Source) -> Iterator[Entity]:
    """Emails, found from each ``@`` (or URL-encoded ``%40``): the local part before, the domain after."""
    text = source.text
    for separator in ("@", "%40"):
        position = text.find(separator)
        while position != -1:
            domain_start = position + len(separator)
            if position == 0 or not (
                _EMAIL_EDGE.match(text, position - 1) and _EMAIL_EDGE.match(text, domain_start)
            ):
                position = text.find(separator, position + 1)
                continue
            before = text[max(0, position - _EMAIL_LOCAL_WINDOW) : position][::-1]
            local = patterns.EMAIL_LOCAL_PART.match(before)
            domain = patterns.EMAIL_DOMAIN.match(text, domain_start)
            if local is not None and domain is not None:
                yield Entity("EMAIL", position - local.end(), domain.end())
                position = text.find(separator, domain.end())
            else:
                position = text.find(separator, position + 1)


def _prefixed_keys(source: _Source) -> Iterator[Entity]:
    """API keys, found from each issuer prefix and confirmed by :data:`patterns.SECRET_TOKEN`."""
    text = source.text
    for prefix in patterns.SECRET_TOKEN_PREFIXES:
        position = text.find(prefix)
        while position != -1:
            match = patterns.SECRET_TOKEN.match(text, position)
            if (
                match is not None
                and not _preceded_by(text, position, _KEY_CHAR_BEFORE)
                and _is_random_looking_key(match.group())
            ):
                yield Entity("SECRET", position, match.end())
                position = text.find(prefix, match.end())
            else:
                position = text.find(prefix, position + 1)


def _stripe_session_urls(source: _Source) -> Iterator[Entity]:
    """Stripe portal and checkout session URLs are bearer credentials: their path token is a secret."""
    text = source.text
    position = text.find("stripe.com/")
    while position != -1:
        match = patterns.STRIPE_SESSION_URL_TAIL.match(text, position + len("stripe.com/"))
        if match is not None:
            yield Entity("SECRET", match.start("value"), match.end("value"))
        position = text.find("stripe.com/", position + 1)


def _url_passwords(source: _Source) -> Iterator[Entity]:
    text = source.text
    position = text.find("://")
    while position != -1:
        match = patterns.URL_PASSWORD_TAIL.match(text, position + 3)
        if match is not None:
            yield Entity("SECRET", match.start("value"), match.end("value"))
        position = text.find("://", position + 3)


#: Detectors whose entities are exact; earlier ones win overlaps.
SPECIFIC_DETECTORS: tuple[Detector, ...] = (
    _simple("SECRET", patterns.PEM_PRIVATE_KEY, trigger="-----BEGIN"),
    _simple("JWT", patterns.JWT, trigger="eyJ"),
    _prefixed_keys,
    _url_passwords,
    _stripe_session_urls,
    _emails,
    _grouped("IBAN", patterns.IBAN, token=_SPACED_TOKEN, is_valid=is_valid_iban, sizes=(15, 34)),
    _simple("HETU", patterns.HETU, is_valid=is_valid_hetu),
    _grouped("CARD", patterns.CARD, token=_SEPARATED_TOKEN, is_valid=is_valid_card, sizes=(14, 19)),
    _grouped(
        "PHONE",
        patterns.PHONE_INTERNATIONAL,
        token=_SEPARATED_TOKEN,
        is_valid=_is_international_phone,
        sizes=(9, 22),
        not_after=_PHONE_INTERNATIONAL_NOT_AFTER,
    ),
    _grouped(
        "PHONE",
        patterns.PHONE_NATIONAL,
        token=_SEPARATED_TOKEN,
        is_valid=_is_national_phone,
        sizes=(8, 14),
        not_after=patterns.PHONE_NATIONAL_NOT_AFTER,
    ),
)

#: Detectors of credential values by context; they cover what the specific detectors left.
CONTEXT_DETECTORS: tuple[Detector, ...] = (
    _after_keyword(patterns.AUTH_HEADER_KEYWORDS, patterns.AUTH_HEADER_TAIL),
    _after_keyword(patterns.BEARER_KEYWORDS, patterns.BEARER_TAIL),
    _after_keyword(patterns.WHOLE_VALUE_HEADER_KEYWORDS, patterns.WHOLE_VALUE_HEADER_TAIL),
    _after_keyword(
        patterns.SECRET_ASSIGNMENT_KEYWORDS, patterns.SECRET_ASSIGNMENT_TAIL, ("dq", "sq", "bare")
    ),
)


class _Spans:
    """Accepted, non-overlapping spans kept sorted by start."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.entities: list[Entity] = []

    def overlaps(self, start: int, end: int) -> bool:
        index = bisect.bisect_left(self.starts, end)
        return index > 0 and self.entities[index - 1].end > start

    def add(self, entity: Entity) -> None:
        index = bisect.bisect_left(self.starts, entity.start)
        self.starts.insert(index, entity.start)
        self.entities.insert(index, entity)

    def gaps(self, start: int, end: int) -> Iterator[tuple[int, int]]:
        """The parts of ``[start, end)`` no accepted span covers."""
        cursor = start
        index = max(bisect.bisect_right(self.starts, start) - 1, 0)
        for entity in self.entities[index:]:
            if entity.start >= end:
                break
            if entity.end > cursor:
                if entity.start > cursor:
                    yield cursor, entity.start
                cursor = entity.end
        if cursor < end:
            yield cursor, end


def find_entities(text: str) -> list[Entity]:
    """Every entity in ``text``, sorted by position and never overlapping."""
    if not text:
        return []
    source = _Source(text)
    spans = _Spans()
    for detect in SPECIFIC_DETECTORS:
        for entity in detect(source):
            if not spans.overlaps(entity.start, entity.end):
                spans.add(entity)
    context = [entity for detect in CONTEXT_DETECTORS for entity in detect(source)]
    for entity in context:
        for start, end in spans.gaps(entity.start, entity.end):
            if text[start:end].strip(" \t;,"):
                spans.add(Entity("SECRET", start, end))
    return spans.entities


def scrub_text(text: str) -> str:
    """``text`` with every detected entity replaced by its typed marker, e.g. ``[EMAIL]``."""
    entities = find_entities(text)
    if not entities:
        return text
    parts: list[str] = []
    cursor = 0
    for entity in entities:
        parts.append(text[cursor : entity.start])
        parts.append(marker(entity.kind))
        cursor = entity.end
    parts.append(text[cursor:])
    return "".join(parts)


def scrub_bytes(data: bytes) -> bytes:
    """Scrub UTF-8 text held in bytes; bytes that are not UTF-8 pass through unchanged."""
    text = data.decode("utf-8", "surrogateescape")
    scrubbed = scrub_text(text)
    return data if scrubbed == text else scrubbed.encode("utf-8", "surrogateescape")

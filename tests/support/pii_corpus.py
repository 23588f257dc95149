"""Deterministic (seeded) corpora for the scrubber: positives per entity kind in realistic contexts,
and negatives that must come back unchanged.

Each positive sample is text plus the spans where an entity was placed. Values are generated to be
valid (checksums, prefixes), in the formats people and systems actually print them.
"""

from __future__ import annotations

import base64
import calendar
import json
import random
import string
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from tests.support.identifiers import ytunnus_check_digit

HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
ALNUM = string.ascii_letters + string.digits


@dataclass(frozen=True)
class Sample:
    """A text and the entities placed in it as ``(kind, start, end)``."""

    text: str
    spans: tuple[tuple[str, int, int], ...]


# --- value generators ---------------------------------------------------------------------------


def _digits(rng: random.Random, count: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(count))


def _token(rng: random.Random, count: int, alphabet: str = ALNUM) -> str:
    return "".join(rng.choice(alphabet) for _ in range(count))


def make_hetu(rng: random.Random) -> str:
    century = rng.choices([1800, 1900, 2000], weights=[1, 6, 3])[0]
    year = rng.randint(0, 24) if century == 2000 else rng.randint(0, 99)
    month = rng.randint(1, 12)
    day = rng.randint(1, calendar.monthrange(century + year, month)[1])
    sign = {1800: "+", 1900: rng.choice("-YXWVU"), 2000: rng.choice("ABCDEF")}[century]
    individual = rng.randint(2, 999)
    body = f"{day:02d}{month:02d}{year:02d}"
    check = HETU_CHECK[int(f"{body}{individual:03d}") % 31]
    return f"{body}{sign}{individual:03d}{check}"


def iban_check_digits(country: str, bban: str) -> str:
    numeric = "".join(str(int(char, 36)) for char in bban + country + "00")
    return f"{98 - int(numeric) % 97:02d}"


_IBAN_FORMATS: dict[str, Callable[[random.Random], str]] = {
    "FI": lambda rng: _digits(rng, 14),
    "SE": lambda rng: _digits(rng, 20),
    "DE": lambda rng: _digits(rng, 18),
    "NO": lambda rng: _digits(rng, 11),
    "DK": lambda rng: _digits(rng, 14),
    "EE": lambda rng: _digits(rng, 16),
    "GB": lambda rng: _token(rng, 4, string.ascii_uppercase) + _digits(rng, 14),
    "NL": lambda rng: _token(rng, 4, string.ascii_uppercase) + _digits(rng, 10),
    "FR": lambda rng: (
        _digits(rng, 10) + _token(rng, 11, string.ascii_uppercase + string.digits) + _digits(rng, 2)
    ),
}


def make_iban(rng: random.Random) -> str:
    country = rng.choices(list(_IBAN_FORMATS), weights=[6, 2, 2, 1, 1, 1, 1, 1, 1])[0]
    bban = _IBAN_FORMATS[country](rng)
    compact = country + iban_check_digits(country, bban) + bban
    if rng.random() < 0.5:
        return compact
    return " ".join(compact[index : index + 4] for index in range(0, len(compact), 4))


def luhn_check_digit(partial: str) -> str:
    total = 0
    for index, char in enumerate(reversed(partial)):
        value = int(char)
        if index % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


_CARD_SCHEMES: tuple[tuple[Callable[[random.Random], str], int], ...] = (
    (lambda rng: "4", 16),
    (lambda rng: "4", 19),
    (lambda rng: f"5{rng.randint(1, 5)}", 16),
    (lambda rng: str(rng.randint(2221, 2720)), 16),
    (lambda rng: rng.choice(["34", "37"]), 15),
    (lambda rng: "6011", 16),
    (lambda rng: f"35{rng.randint(28, 89)}", 16),
    (lambda rng: "36", 14),
    (lambda rng: "62", 16),
)


def make_card(rng: random.Random) -> str:
    prefix_of, length = rng.choice(_CARD_SCHEMES)
    partial = prefix_of(rng)
    partial += _digits(rng, length - 1 - len(partial))
    number = partial + luhn_check_digit(partial)
    style = rng.choice(["compact", " ", "-", ".", " "])
    if style == "compact":
        return number
    if length in (14, 15):
        groups = [number[:4], number[4:10], number[10:]]
    else:
        groups = [number[index : index + 4] for index in range(0, length, 4)]
    return style.join(groups)


def make_phone(rng: random.Random) -> str:
    mobile = rng.choice(["40", "41", "44", "45", "46", "50"])
    rest = _digits(rng, 7)
    area = rng.choice(["9", "2", "3", "5", "6", "8", "13", "17", "19"])
    landline = _digits(rng, 7 - len(area) + 1) if len(area) == 1 else _digits(rng, 6)
    formats = [
        f"0{mobile} {rest[:3]} {rest[3:]}",
        f"0{mobile}{rest}",
        f"0{mobile}-{rest[:3]} {rest[3:]}",
        f"0{mobile}-{rest}",
        f"0{mobile} {rest[:3]} {rest[3:5]} {rest[5:]}",
        f"+358 {mobile} {rest[:3]} {rest[3:]}",
        f"+358{mobile}{rest}",
        f"+358 (0){mobile} {rest[:3]} {rest[3:]}",
        f"+358-{mobile}-{rest[:3]}-{rest[3:]}",
        f"00358 {mobile} {rest}",
        f"(0{area}) {landline[:3]} {landline[3:]}",
        f"0{area} {landline[:3]} {landline[3:]}",
        f"+358 {area} {landline[:3]} {landline[3:]}",
        f"+46 70 {rest[:3]} {rest[3:5]} {rest[5:]}",
        f"07{rng.randint(0, 9)}-{rest[:3]} {rest[3:5]} {rest[5:]}",
        f"+44 20 {rest[:4]} {_digits(rng, 4)}",
        f"+1 {rng.randint(201, 989)} {rest[:3]} {_digits(rng, 4)}",
        f"+1 ({rng.randint(201, 989)}) {rest[:3]}-{_digits(rng, 4)}",
        f"+49 30 {_digits(rng, 8)}",
    ]
    return rng.choice(formats)


_FIRST = ["matti", "maija", "liisa", "jukka", "anna", "erik", "päivi", "sofia", "ville", "aino", "björn"]
_LAST = ["virtanen", "korhonen", "nieminen", "mäkinen", "lindqvist", "hämäläinen", "koskinen", "berg"]
_DOMAINS = [
    "example.fi",
    "yritys.fi",
    "tilitoimisto-virtanen.fi",
    "gmail.com",
    "outlook.com",
    "mail.example.co.uk",
    "företag.se",
    "sub.docflow-test.io",
    "ääkkönen.fi",
]


def make_email(rng: random.Random) -> str:
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    local = rng.choice(
        [
            f"{first}.{last}",
            f"{first}_{last}",
            f"{first[0]}{last}{rng.randint(1, 99)}",
            f"{first}+kuitit",
            f"{first}.{last}-{rng.randint(1, 9)}",
            "info",
            "KIRJANPITO",
        ]
    )
    return f"{local}@{rng.choice(_DOMAINS)}"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make_jwt(rng: random.Random) -> str:
    header = {"alg": rng.choice(["HS256", "ES256", "RS256"]), "typ": "JWT"}
    if header["alg"] != "HS256":
        header["kid"] = _token(rng, 12)
    payload = {
        "sub": str(uuid.UUID(int=rng.getrandbits(128))),
        "aud": "authenticated",
        "exp": rng.randint(1_700_000_000, 1_900_000_000),
        "email": make_email(rng),
    }
    signature = bytes(rng.getrandbits(8) for _ in range(rng.choice([32, 64])))
    return ".".join(
        [_b64url(json.dumps(header).encode()), _b64url(json.dumps(payload).encode()), _b64url(signature)]
    )


_SECRET_MAKERS: tuple[Callable[[random.Random], str], ...] = (
    lambda rng: f"sk_live_{_token(rng, 24)}",
    lambda rng: f"sk_test_{_token(rng, 24)}",
    lambda rng: f"rk_live_{_token(rng, 24)}",
    lambda rng: f"rk_test_{_token(rng, 24)}",
    lambda rng: f"whsec_{_token(rng, 32)}",
    lambda rng: f"re_{_token(rng, 8)}_{_token(rng, 24)}",
    lambda rng: f"sb_secret_{_token(rng, 32)}",
    lambda rng: f"sb_publishable_{_token(rng, 22)}_{_token(rng, 8)}",
    lambda rng: "AKIA" + _token(rng, 16, string.ascii_uppercase + string.digits),
    lambda rng: "ASIA" + _token(rng, 16, string.ascii_uppercase + string.digits),
    lambda rng: f"lin_api_{_token(rng, 40)}",
    lambda rng: f"ntn_{_token(rng, 46)}",
    lambda rng: f"secret_{_token(rng, 43)}",
    lambda rng: f"sk-{_token(rng, 48)}",
    lambda rng: f"sk-proj-{_token(rng, 64, ALNUM + '_-')}",
    lambda rng: f"ghp_{_token(rng, 36)}",
)


def make_secret(rng: random.Random) -> str:
    return rng.choice(_SECRET_MAKERS)(rng)


MAKERS: dict[str, Callable[[random.Random], str]] = {
    "EMAIL": make_email,
    "PHONE": make_phone,
    "HETU": make_hetu,
    "IBAN": make_iban,
    "CARD": make_card,
    "JWT": make_jwt,
    "SECRET": make_secret,
}

# --- contexts -----------------------------------------------------------------------------------

_CONTEXTS: dict[str, tuple[str, ...]] = {
    "log": (
        "2024-03-15T10:22:01.123Z INFO receipt 7f3c processed for {} in 1843 ms",
        'level=ERROR msg="delivery failed" to={} attempt=3 retry_in=30s',
        "WARNING user lookup by {} returned 2 rows (tenant 42)",
        "[ocr] line 14: {}",
        "{}",
    ),
    "error": (
        "ValueError: could not parse {} as a date",
        "psycopg.errors.UniqueViolation: duplicate key value violates constraint: Key (value)=({}) exists.",
        "UpstreamError: Resend answered 422 for {}: invalid field",
        "KeyError: '{}'",
    ),
    "json": (
        '{{"contact": "{}", "status": 400, "retry": false}}',
        '{{"event": "receipt.created", "data": {{"note": "see {}", "amount": "12,40"}}}}',
        '[{{"id": 17, "value": "{}"}}]',
    ),
    "receipt": (
        "K-MARKET KAMPPI\nY-tunnus 1234567-8\n15.03.2024 12:34\nMAITO 1L 1,29\n"
        "YHTEENSÄ 12,40 EUR\n{}\nKIITOS",
        "ALV% VEROTON VERO VEROLLINEN\n14 % 10,88 1,52 12,40\nKORTTI {}\nKuitti 0042/17",
        "S-Market Kannelmäki\nAsiakas: {}\nPANKKIKORTTI 23,90 €",
    ),
    "fi": (
        "Hei, yhteystietoni on {} ja vastaan mielelläni kysymyksiin.",
        "Tilitoimisto pyysi lähettämään tiedon {} ennen kuun 12. päivää.",
        "Asiakkaan tieto: {}. Lasku erääntyy 30.4.2024.",
    ),
    "sv": (
        "Hej! Du når mig på {} under kontorstid.",
        "Kunden uppgav {} i formuläret, summa 99,90 €.",
        "Vänligen kontrollera uppgiften {} före fredag.",
    ),
}

#: Credentials that are found by their context (a header or assignment), not by their shape.
_CONTEXT_SECRETS: tuple[str, ...] = (
    "Authorization: Bearer {}",
    "authorization: Basic {}",
    "'Authorization': 'Bearer {}'",
    "Cookie: {}",
    "Set-Cookie: {}",
    "password={}",
    '{{"client_secret": "{}", "grant_type": "client_credentials"}}',
    "DATABASE_URL=postgresql://docflow_app:{}@db.internal:5432/docflow",
    "Stripe-Signature: {}",
)


def _opaque_credential(rng: random.Random, template: str) -> str:
    if "Cookie" in template:
        return f"sid={_token(rng, 32)}; theme=dark; Path=/; HttpOnly"
    if "Signature" in template:
        return f"t={rng.randint(1_700_000_000, 1_800_000_000)},v1={_token(rng, 64, '0123456789abcdef')}"
    if "Basic" in template:
        return base64.b64encode(f"{rng.choice(_FIRST)}:{_token(rng, 12)}".encode()).decode()
    return _token(rng, rng.randint(16, 40))


def _place(template: str, value: str, kind: str) -> Sample:
    before, after = template.split("{}", 1)
    before, after = before.replace("{{", "{").replace("}}", "}"), after.replace("{{", "{").replace("}}", "}")
    return Sample(before + value + after, ((kind, len(before), len(before) + len(value)),))


def positive_corpus(per_kind: int = 300, seed: int = 2024) -> dict[str, list[Sample]]:
    """``per_kind`` samples for each entity kind, each value in a random context."""
    rng = random.Random(seed)
    corpus: dict[str, list[Sample]] = {}
    templates = [template for group in _CONTEXTS.values() for template in group]
    for kind, make in MAKERS.items():
        samples = [_place(rng.choice(templates), make(rng), kind) for _ in range(per_kind)]
        if kind == "SECRET":
            for index in range(0, per_kind, 3):
                template = rng.choice(_CONTEXT_SECRETS)
                samples[index] = _place(template, _opaque_credential(rng, template), kind)
        corpus[kind] = samples
    return corpus


# --- negatives ----------------------------------------------------------------------------------


def _y_tunnus(rng: random.Random) -> str:
    digits = _digits(rng, 7)
    check = ytunnus_check_digit(digits)
    if check is None:
        return _y_tunnus(rng)
    return f"{digits}-{check}"


def _reference_number(rng: random.Random) -> str:
    body = str(rng.randint(1000, 10 ** rng.randint(5, 15)))
    weights = (7, 3, 1)
    total = sum(int(d) * weights[i % 3] for i, d in enumerate(reversed(body)))
    number = body + str((10 - total % 10) % 10)
    groups = [number[max(0, end - 5) : end] for end in range(len(number), 0, -5)][::-1]
    return " ".join(groups)


def _ean13(rng: random.Random) -> str:
    body = rng.choice(["64", "40", "41", "73", "50", "57"]) + _digits(rng, 10)
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def _invalid_hetu(rng: random.Random) -> str:
    hetu = make_hetu(rng)
    wrong = rng.choice([char for char in HETU_CHECK if char != hetu[-1]])
    return hetu[:-1] + wrong


def _invalid_iban(rng: random.Random) -> str:
    iban = make_iban(rng).replace(" ", "")
    last = str((int(iban[-1]) + rng.randint(1, 9)) % 10)
    return iban[:-1] + last


def _invalid_card(rng: random.Random) -> str:
    card = "".join(char for char in make_card(rng) if char.isdigit())
    last = str((int(card[-1]) + rng.randint(1, 9)) % 10)
    return card[:-1] + last


def _amount(rng: random.Random) -> str:
    euros, cents = rng.randint(0, 9999), rng.randint(0, 99)
    return rng.choice(
        [
            f"{euros},{cents:02d}",
            f"{euros // 1000} {euros % 1000:03d},{cents:02d} €"
            if euros >= 1000
            else f"{euros},{cents:02d} €",
            f"EUR {euros}.{cents:02d}",
            f"-{euros},{cents:02d}",
            f"{euros},{cents:02d}€",
        ]
    )


def _date(rng: random.Random) -> str:
    year, month, day = rng.randint(2000, 2030), rng.randint(1, 12), rng.randint(1, 28)
    hour, minute, second = rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59)
    return rng.choice(
        [
            f"{day:02d}.{month:02d}.{year}",
            f"{day}.{month}.{year}",
            f"{day:02d}.{month:02d}.{year % 100:02d}",
            f"{year}-{month:02d}-{day:02d}",
            f"{day:02d}/{month:02d}/{year}",
            f"{year}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}Z",
            f"{year}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}.123+02:00",
            f"{hour:02d}:{minute:02d}",
            f"{hour:02d}.{minute:02d}",
            f"klo {hour}.{minute:02d}",
        ]
    )


def _vat_row(rng: random.Random) -> str:
    rate = rng.choice(["24", "25,5", "14", "13,5", "10", "0"])
    gross = rng.randint(100, 99999)
    net = gross * 100 // (100 + int(rate.split(",")[0]))
    return f"{rate} % {net // 100},{net % 100:02d} {(gross - net) // 100},{(gross - net) % 100:02d} " + (
        f"{gross // 100},{gross % 100:02d}"
    )


NEGATIVE_MAKERS: dict[str, Callable[[random.Random], str]] = {
    "amount": _amount,
    "date_time": _date,
    "y_tunnus": lambda rng: f"Y-tunnus {_y_tunnus(rng)}",
    "vat_number": lambda rng: f"ALV-nro FI{_digits(rng, 8)}",
    "receipt_number": lambda rng: rng.choice(
        [
            f"Kuitti {rng.randint(1, 9999)}/{rng.randint(1, 999)}",
            f"Kuittinro {_digits(rng, 6)}",
            f"Tosite {rng.randint(2020, 2026)}-{_digits(rng, 6)}",
            f"Kassa {rng.randint(1, 9)} Trans {_digits(rng, 5)}",
        ]
    ),
    "vat_row": _vat_row,
    "order_id": lambda rng: rng.choice(
        [
            f"ORD-{rng.randint(2020, 2026)}-{_digits(rng, 6)}",
            f"order_id={rng.randint(1, 10**9)}",
            f"#{rng.randint(1000, 999999)}",
            f"cs_{_token(rng, 10, string.ascii_lowercase)}",
        ]
    ),
    "uuid": lambda rng: str(uuid.UUID(int=rng.getrandbits(128))),
    "invalid_hetu": _invalid_hetu,
    "invalid_iban": _invalid_iban,
    "invalid_card": _invalid_card,
    "short_digits": lambda rng: " ".join(_digits(rng, rng.randint(1, 3)) for _ in range(rng.randint(1, 2))),
    "reference_number": lambda rng: f"Viitenumero {_reference_number(rng)}",
    "ean13": lambda rng: f"EAN {_ean13(rng)}",
    "postal_address": lambda rng: (
        f"Mannerheimintie {rng.randint(1, 99)} B {rng.randint(1, 40)}, 00{rng.randint(10, 99)}0 Helsinki"
    ),
    "quantity": lambda rng: f"{rng.randint(1, 9)} kpl á {rng.randint(0, 99)},{rng.randint(0, 99):02d}",
    "identifiers": lambda rng: rng.choice(
        [
            f"commit {_token(rng, 40, '0123456789abcdef')}",
            f"Root=1-{_token(rng, 8, '0123456789abcdef')}-{_token(rng, 24, '0123456789abcdef')}",
            f"incoming/{uuid.UUID(int=rng.getrandbits(128))}/receipt.jpg",
            f"https://api.docflow.fi/v1/receipts?page={rng.randint(1, 50)}",
            f"BIC NDEAFIHH v{rng.randint(1, 9)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}",
            f"ts={rng.randint(1_600_000_000_000, 1_800_000_000_000)}",
        ]
    ),
}


def negative_corpus(per_family: int = 150, seed: int = 7) -> dict[str, list[str]]:
    """Texts that must come back from the scrubber unchanged, by family, each in a random context."""
    rng = random.Random(seed)
    templates = [template for group in _CONTEXTS.values() for template in group]
    return {
        family: [_place(rng.choice(templates), make(rng), family).text for _ in range(per_family)]
        for family, make in NEGATIVE_MAKERS.items()
    }


def mixed_text(size: int = 64 * 1024, seed: int = 99) -> str:
    """About ``size`` bytes of UTF-8: positives of every kind and negatives, shuffled, one per line."""
    lines = [
        sample.text for samples in positive_corpus(per_kind=200, seed=seed).values() for sample in samples
    ]
    lines += [text for texts in negative_corpus(per_family=100, seed=seed).values() for text in texts]
    random.Random(seed).shuffle(lines)
    return "\n".join(lines).encode()[:size].decode("utf-8", "ignore")

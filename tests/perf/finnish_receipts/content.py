"""Deterministic content of synthetic Finnish receipts: merchants, items, VAT by date, payment, labels.

Every receipt is a list of printed rows (left text, right text) plus the labels the extraction must
reproduce. The same seed always gives the same receipts.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from tests.support.identifiers import ytunnus_check_digit

CENT = Decimal("0.01")
LANGUAGES = ("fi", "sv", "en")
KINDS = ("grocery", "restaurant", "fuel", "pharmacy", "taxi", "hardware")

#: (rate category, VAT rate by date): reduced is 14 % until 2025-12-31 and 13.5 % from 2026-01-01.
GENERAL = Decimal("25.5")
PERIODICALS = Decimal("10")


def reduced_rate(day: dt.date) -> Decimal:
    """The food, restaurant, medicine and transport rate on ``day``."""
    return Decimal("14") if day < dt.date(2026, 1, 1) else Decimal("13.5")


_TRADE_NAMES = {
    "grocery": ["Lähikauppa Kuusi", "Market Pohjantähti", "Ruokapuoti Aalto", "Kyläkauppa Sarvi"],
    "restaurant": ["Ravintola Kultainen Kala", "Bistro Merituuli", "Kahvila Kanerva", "Pizzeria Napoli"],
    "fuel": ["Asema Pohjola", "Huoltamo Kivikko", "Energia Express", "Tankki 24"],
    "pharmacy": ["Koivun Apteekki", "Keskustan Apteekki", "Rannan Apteekki", "Kirkonkylän Apteekki"],
    "taxi": ["Taksi Virtanen", "Kaupunkitaksi", "Taksi Nurmi", "Lentokenttätaksi"],
    "hardware": ["Rautakauppa Nurmi", "Rauta-Aitta", "Työkalutalo Lehto", "Puutarha ja Rauta"],
}
_OWNERS = ["Lindholm", "Mäkinen", "Korhonen", "Nieminen", "Heikkinen", "Laaksonen", "Holmström", "Björk"]
_FORMS = ["Oy", "Oy", "Oy", "Ab", "Ky", "Oyj"]
_STREETS = ["Mannerheimintie", "Hämeenkatu", "Kauppakatu", "Rantatie", "Koulukatu", "Storgatan", "Asemantie"]
_CITIES = [
    ("00100", "HELSINKI"),
    ("33100", "TAMPERE"),
    ("20100", "TURKU"),
    ("65100", "VAASA"),
    ("90100", "OULU"),
]

_ITEMS: dict[str, list[tuple[str, str, int, int]]] = {
    # name, rate category ("reduced" | "general" | "periodical"), price range in cents
    "grocery": [
        ("MAITO 1L", "reduced", 89, 159),
        ("RUISLEIPÄ", "reduced", 149, 329),
        ("BANAANI", "reduced", 99, 249),
        ("JUUSTO 400G", "reduced", 399, 799),
        ("KAHVI 500G", "reduced", 449, 899),
        ("JUGURTTI", "reduced", 69, 189),
        ("TOMAATTI", "reduced", 149, 399),
        ("LIMSA 1,5L", "reduced", 149, 299),
        ("TALOUSPAPERI", "general", 299, 599),
        ("PESUAINE", "general", 349, 799),
        ("AIKAKAUSLEHTI", "periodical", 599, 1299),
    ],
    "restaurant": [
        ("LOUNAS", "reduced", 1090, 1490),
        ("KEITTO", "reduced", 850, 1290),
        ("PIZZA", "reduced", 1190, 1690),
        ("JÄLKIRUOKA", "reduced", 550, 890),
        ("KAHVI", "reduced", 290, 450),
        ("OLUT 0,5L", "general", 690, 990),
        ("VIINI 16CL", "general", 850, 1290),
    ],
    "fuel": [
        ("95E10", "general", 3000, 9000),
        ("DIESEL", "general", 3000, 9000),
        ("PESU", "general", 990, 1990),
    ],
    "pharmacy": [
        ("PARASETAMOL 500MG", "reduced", 450, 990),
        ("IBUPROFEN 400MG", "reduced", 550, 1190),
        ("NENÄSUMUTE", "reduced", 690, 1290),
        ("PERUSVOIDE", "general", 890, 1890),
        ("AURINKORASVA", "general", 1290, 2490),
    ],
    "taxi": [("TAKSIMATKA", "reduced", 1290, 6990)],
    "hardware": [
        ("RUUVI 4X40 200KPL", "general", 590, 1290),
        ("VASARA", "general", 1490, 2990),
        ("MAALI 2,7L", "general", 2490, 5990),
        ("SIVELLIN", "general", 290, 890),
        ("JATKOJOHTO 5M", "general", 990, 2490),
    ],
}

_WORDS = {
    "fi": {
        "business_id": "Y-tunnus",
        "receipt": "Kuitti",
        "date": "Pvm",
        "time": "klo",
        "total": "YHTEENSÄ",
        "card": "PANKKIKORTTI",
        "cash": "KÄTEINEN",
        "change": "TAKAISIN",
        "discount": "ALENNUS",
        "deposit": "PANTTI",
        "pieces": "KPL",
        "vat_header": ("ALV%", "VEROTON", "VERO", "VEROLLINEN"),
        "thanks": "KIITOS KÄYNNISTÄ",
    },
    "sv": {
        "business_id": "FO-nummer",
        "receipt": "Kvitto",
        "date": "Datum",
        "time": "kl",
        "total": "SUMMA",
        "card": "KORT",
        "cash": "KONTANT",
        "change": "VÄXEL",
        "discount": "RABATT",
        "deposit": "PANT",
        "pieces": "ST",
        "vat_header": ("MOMS%", "NETTO", "MOMS", "BRUTTO"),
        "thanks": "TACK FÖR BESÖKET",
    },
    "en": {
        "business_id": "Business ID",
        "receipt": "Receipt",
        "date": "Date",
        "time": "",
        "total": "TOTAL",
        "card": "CARD",
        "cash": "CASH",
        "change": "CHANGE",
        "discount": "DISCOUNT",
        "deposit": "DEPOSIT",
        "pieces": "PCS",
        "vat_header": ("VAT%", "NET", "VAT", "GROSS"),
        "thanks": "THANK YOU",
    },
}


@dataclass
class SyntheticReceipt:
    """Printed rows (left, right) and the labels of one receipt."""

    receipt_id: str
    kind: str
    language: str
    rows: list[tuple[str, str]] = field(default_factory=list)
    labels: dict[str, Any] = field(default_factory=dict)


def money(value: Decimal) -> str:
    """``Decimal("1234.5")`` -> ``"1234,50"`` (decimal comma)."""
    return f"{value.quantize(CENT):.2f}".replace(".", ",")


def random_ytunnus(rng: random.Random) -> str:
    """A random Y-tunnus with a valid check digit (seven digits without one are skipped)."""
    while True:
        digits = "".join(str(rng.randrange(10)) for _ in range(7))
        check = ytunnus_check_digit(digits)
        if check is not None:
            return f"{digits}-{check}"


def _rate(category: str, day: dt.date) -> Decimal:
    if category == "reduced":
        return reduced_rate(day)
    return PERIODICALS if category == "periodical" else GENERAL


def _random_day(rng: random.Random) -> dt.date:
    start = dt.date(2025, 1, 2)
    return start + dt.timedelta(days=rng.randrange((dt.date(2026, 10, 31) - start).days))


def _format_date(day: dt.date, language: str, rng: random.Random) -> str:
    style = rng.randrange(4)
    if style == 0:
        return f"{day.day:02d}.{day.month:02d}.{day.year}"
    if style == 1:
        return f"{day.day}.{day.month}.{day.year}"
    if style == 2:
        return f"{day.day:02d}.{day.month:02d}.{day.year % 100:02d}"
    return day.isoformat() if language != "en" else f"{day.day:02d}/{day.month:02d}/{day.year}"


def make_receipt(index: int, seed: int) -> SyntheticReceipt:
    """The ``index``-th receipt of the set with ``seed``."""
    rng = random.Random(seed * 100_003 + index)
    kind = KINDS[index % len(KINDS)]
    language = LANGUAGES[(index // len(KINDS)) % len(LANGUAGES)]
    words = _WORDS[language]
    day = _random_day(rng)
    owner = rng.choice(_OWNERS)
    trade = rng.choice(_TRADE_NAMES[kind])
    legal = f"{trade.split()[-1]} {owner} {rng.choice(_FORMS)}"
    business_id = random_ytunnus(rng)
    street = f"{rng.choice(_STREETS)} {rng.randrange(1, 80)}"
    postcode, city = rng.choice(_CITIES)
    receipt = SyntheticReceipt(f"fi{index:04d}", kind, language)
    rows = receipt.rows
    if rng.random() < 0.6:
        rows.append((trade.upper(), ""))
    rows += [(legal, ""), (street, ""), (f"{postcode} {city}", "")]
    rows.append((f"{words['business_id']} {business_id}", ""))
    hour, minute = rng.randrange(7, 23), rng.randrange(60)
    clock = f"{hour:02d}:{minute:02d}" if language == "en" else f"{words['time']} {hour:02d}.{minute:02d}"
    rows.append((f"{words['date']} {_format_date(day, language, rng)} {clock}", ""))
    rows.append((f"{words['receipt']} {rng.randrange(1000, 99999)}", ""))
    rows.append(("", ""))

    gross_by_rate: dict[Decimal, Decimal] = {}
    count = 1 if kind in {"taxi", "fuel"} else rng.randrange(2, 8)
    for name, category, low, high in rng.sample(_ITEMS[kind], min(count, len(_ITEMS[kind]))):
        unit = Decimal(rng.randrange(low, high)) / 100
        rate = _rate(category, day)
        quantity = rng.choice((1, 1, 1, 2, 3)) if kind not in {"taxi", "fuel"} else 1
        amount = (unit * quantity).quantize(CENT)
        rows.append((name, money(amount)))
        if quantity > 1:
            rows.append((f"  {quantity} {words['pieces']} x {money(unit)}", ""))
        gross_by_rate[rate] = gross_by_rate.get(rate, Decimal(0)) + amount
        if name.startswith("LIMSA"):
            deposit = Decimal("0.40") * quantity
            rows.append((words["deposit"], money(deposit)))
            gross_by_rate[rate] += deposit
        if rng.random() < 0.15 and amount > 2:
            discount = (amount * Decimal("0.2")).quantize(CENT)
            rows.append((words["discount"], "-" + money(discount)))
            gross_by_rate[rate] -= discount
    total = sum(gross_by_rate.values(), Decimal(0)).quantize(CENT)
    rows.append(("-" * 12, ""))
    currency_suffix = rng.choice(("", " EUR", " €"))
    rows.append((words["total"], money(total) + currency_suffix))
    rows.append(("", ""))

    payment = "cash" if rng.random() < 0.3 else "card"
    if payment == "cash":
        given = Decimal(next(n for n in (5, 10, 20, 50, 100, 200, 500, 1000) if n >= total))
        rows.append((words["cash"], money(given)))
        rows.append((words["change"], money(given - total)))
    else:
        rows.append((words["card"], money(total)))
        rows.append((f"VISA ************{rng.randrange(1000, 9999)}", ""))
    rows.append(("", ""))

    vat_rows = []
    header = words["vat_header"]
    rows.append((f"{header[0]:<6}{header[1]:>9}{header[2]:>7}", header[3]))
    for rate in sorted(gross_by_rate):
        gross = gross_by_rate[rate].quantize(CENT)
        tax = (gross * rate / (100 + rate)).quantize(CENT, rounding=ROUND_HALF_UP)
        net = gross - tax
        rate_text = f"{rate}".replace(".", ",")
        rows.append((f"{rate_text + ' %':<7}{money(net):>8}{money(tax):>7}", money(gross)))
        vat_rows.append({"rate": str(rate), "net": str(net), "tax": str(tax), "gross": str(gross)})
    rows.append(("", ""))
    rows.append((words["thanks"], ""))
    receipt.labels = {
        "id": receipt.receipt_id,
        "kind": kind,
        "language": language,
        "merchant": legal,
        "business_id": business_id,
        "address": f"{street} {postcode} {city}",
        "date": day.isoformat(),
        "total": str(total),
        "currency": "EUR",
        "payment": payment,
        "vat": vat_rows,
    }
    return receipt

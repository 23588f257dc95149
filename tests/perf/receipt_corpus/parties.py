"""Sellers: valid business IDs and VAT numbers (check digits from python-stdnum), addresses by country."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from stdnum.de import vat as de_vat
from stdnum.ee import kmkr
from stdnum.fi import ytunnus
from stdnum.se import vat as se_vat


@dataclass(frozen=True, slots=True)
class Seller:
    """Who printed the receipt: trade name, legal name, IDs and address lines."""

    trade_name: str
    legal_name: str
    business_id: str | None
    vat_number: str
    street: str
    city: str
    phone: str


def _complete(prefix: str, valid: Callable[[str], bool], suffix: str = "") -> str:
    """``prefix`` + the one check digit that makes the number valid (+ ``suffix``)."""
    for digit in "0123456789":
        if valid(prefix + digit + suffix):
            return prefix + digit + suffix
    raise ValueError("no check digit")  # a Y-tunnus whose sum leaves remainder 1 has none


def make_ytunnus(rng: random.Random) -> str:
    """A Y-tunnus ``NNNNNNN-C`` whose check digit is right."""
    while True:
        body = f"{rng.randrange(100000, 3400000):07d}"
        try:
            return _complete(body + "-", ytunnus.is_valid)
        except ValueError:
            continue


def make_vat_number(country: str, rng: random.Random, business_id: str | None = None) -> str:
    """A VAT number of ``country`` with a right check digit (FI from the Y-tunnus)."""
    if country == "FI":
        assert business_id is not None
        return "FI" + business_id.replace("-", "")
    if country == "SE":
        return _complete(f"SE{rng.randrange(5, 10)}{rng.randrange(10**7, 10**8):08d}", se_vat.is_valid, "01")
    if country == "EE":
        return "EE" + _complete(f"10{rng.randrange(10**6, 10**7):07d}"[:8], kmkr.is_valid)
    if country == "DE":
        return "DE" + _complete(
            f"{rng.randrange(1, 4)}{rng.randrange(10**7, 10**8):08d}"[:8], de_vat.is_valid
        )
    raise ValueError(country)


_STREETS = {
    "FI": [
        "Mannerheimintie",
        "Hämeenkatu",
        "Kauppakatu",
        "Rantatie",
        "Koulukatu",
        "Asemantie",
        "Teollisuustie",
        "Pohjoisesplanadi",
        "Itäinen Pitkäkatu",
        "Kirkkokatu",
        "Satamakatu",
        "Länsiväylä",
        "Kalevankatu",
    ],
    "SE": ["Storgatan", "Drottninggatan", "Kungsgatan", "Sveavägen", "Götgatan", "Järnvägsgatan"],
    "EE": ["Narva mnt", "Pärnu mnt", "Tartu mnt", "Viru väljak", "Mustamäe tee", "Pikk tn", "Rävala pst"],
    "DE": ["Hauptstraße", "Bahnhofstraße", "Schillerstraße", "Lindenallee", "Friedrichstraße", "Marktplatz"],
}
_CITIES = {
    "FI": [
        "00100 HELSINKI",
        "33100 TAMPERE",
        "20100 TURKU",
        "65100 VAASA",
        "90100 OULU",
        "02150 ESPOO",
        "40100 JYVÄSKYLÄ",
        "70100 KUOPIO",
        "15110 LAHTI",
        "96200 ROVANIEMI",
        "68600 PIETARSAARI",
    ],
    "SE": ["111 20 STOCKHOLM", "411 05 GÖTEBORG", "211 20 MALMÖ", "753 20 UPPSALA", "951 31 LULEÅ"],
    "EE": ["10111 TALLINN", "51004 TARTU", "80010 PÄRNU", "20308 NARVA"],
    "DE": ["10117 BERLIN", "20095 HAMBURG", "80331 MÜNCHEN", "50667 KÖLN", "18055 ROSTOCK"],
}
_PHONE = {"FI": "+358 {a} {b}", "SE": "+46 {a} {b}", "EE": "+372 {a} {b}", "DE": "+49 {a} {b}"}
_FORMS = {
    "FI": ["Oy", "Oy", "Oy", "Ab", "Ky", "Oyj"],
    "SE": ["AB"],
    "EE": ["OÜ", "AS"],
    "DE": ["GmbH", "KG", "GmbH & Co. KG"],
}


def make_seller(country: str, trade_name: str, owner: str, rng: random.Random) -> Seller:
    """A seller of ``country``: the legal name is ``owner`` + a company form; valid IDs."""
    form = rng.choice(_FORMS[country])
    business_id = make_ytunnus(rng) if country == "FI" else None
    street = f"{rng.choice(_STREETS[country])} {rng.randrange(1, 120)}"
    phone = _PHONE[country].format(a=rng.randrange(10, 99), b=rng.randrange(100000, 9999999))
    return Seller(
        trade_name=trade_name,
        legal_name=f"{owner} {form}",
        business_id=business_id,
        vat_number=make_vat_number(country, rng, business_id),
        street=street,
        city=rng.choice(_CITIES[country]),
        phone=phone,
    )

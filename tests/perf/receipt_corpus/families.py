"""The layout families: who prints the receipt, what it sells, and how its lines and VAT block look.

Families are split into TUNING families (rendered to the shared corpus folder, fine to look at while
improving the engine) and HELD-OUT families (only rendered inside the benchmark run; their figures are the
ones that count). Held-out families must never be used for tuning.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from tests.perf.receipt_corpus import blocks
from tests.perf.receipt_corpus.basket import BasketStyle, Product, make_items, pick_date
from tests.perf.receipt_corpus.blocks import Look, rate_codes, word
from tests.perf.receipt_corpus.parties import make_seller
from tests.perf.receipt_corpus.rates import (
    DE_RESTAURANT_CHANGE,
    EE_GENERAL_CHANGE,
    FI_GENERAL_CHANGE,
    FI_REDUCED_CHANGE,
    FI_TEN_TO_FOURTEEN,
    SE_FOOD_CUT,
)
from tests.perf.receipt_corpus.text import Sheet, date_text
from tests.perf.receipt_corpus.truth import Item, Kind, Receipt, vat_rows

Layout = Callable[[Receipt, Sheet, Look, random.Random], None]
FI_CHANGES = (FI_GENERAL_CHANGE, FI_TEN_TO_FOURTEEN, FI_REDUCED_CHANGE)


@dataclass(frozen=True)
class Family:
    """One layout family: its sellers, products, widths, fonts, kinds of receipt and printed layout."""

    name: str
    split: str
    country: str
    language: str
    traders: tuple[tuple[str, str], ...]
    products: tuple[Product, ...]
    layout: Layout
    basket: BasketStyle = dataclasses.field(default_factory=BasketStyle)
    widths: tuple[int, ...] = (40, 42)
    fonts: tuple[str, ...] = ("mono",)
    kinds: tuple[tuple[str, float], ...] = (("sale", 1.0),)
    deductible: bool = True
    payments: tuple[str, ...] = ("card", "card", "card", "cash", "mobile")
    looks: tuple[Look, ...] = (Look(),)
    change_dates: tuple[dt.date, ...] = FI_CHANGES


# --- layouts ------------------------------------------------------------------------------------------


def _grocery_k(r: Receipt, s: Sheet, look: Look, rng: random.Random) -> None:
    """Grocery chain: centred header, item lines, header VAT table ``ALV% VEROTON VERO VEROLLINEN``."""
    blocks.header(s, r, rng)
    s.blank()
    blocks.stamp(s, r, look, rng)
    s.rule()
    if r.kind == "refund":
        s.center(word(r.language, "refund", rng), bold=True)
    blocks.item_lines(s, r, look, rng)
    blocks.total_line(s, r, look, rng)
    blocks.payment(s, r, look, rng)
    s.blank()
    blocks.vat_header_table(s, r, look)
    blocks.footer(s, r, rng)


def _grocery_s(r: Receipt, s: Sheet, look: Look, rng: random.Random) -> None:
    """Co-op grocery: rate letters after amounts, ``ALV-erittely`` with gross before net, tax last."""
    codes = rate_codes(r.vat)
    blocks.header(s, r, rng, logo=True, legal=True)
    blocks.stamp(s, r, look, rng, one_line=False)
    s.rule("=")
    if r.kind == "refund":
        s.left(word(r.language, "refund", rng), bold=True)
    blocks.item_lines(s, r, dataclasses.replace(look, codes=True), rng, codes)
    blocks.total_line(s, r, look, rng, rule="=")
    blocks.payment(s, r, look, rng)
    s.blank()
    blocks.vat_letter_table(
        s,
        r,
        look,
        codes=codes,
        heading="ALV-erittely",
        labels=("ALV", "BRUTTO", "NETTO", "VERO"),
        order=("gross", "net", "tax"),
    )
    blocks.footer(s, r, rng)


def _discount(r: Receipt, s: Sheet, look: Look, rng: random.Random) -> None:
    """Discount store: left header, letters after amounts, ``A 25,5 %  netto  alv  brutto`` rows."""
    codes = rate_codes(r.vat)
    blocks.header(s, r, rng, centered=False, logo=True, legal=False)
    blocks.item_lines(s, r, dataclasses.replace(look, codes=True, quantity_under=False), rng, codes)
    blocks.total_line(s, r, look, rng)
    blocks.payment(s, r, look, rng)
    s.blank()
    blocks.vat_letter_table(
        s,
        r,
        look,
        codes=codes,
        heading="",
        labels=("ALV%", "Netto", "ALV", "Brutto"),
        order=("net", "tax", "gross"),
    )
    blocks.stamp(s, r, look, rng)
    blocks.footer(s, r, rng)


def _hardware(r: Receipt, s: Sheet, look: Look, rng: random.Random) -> None:
    """Hardware store: product codes, tax on one line and the net on the next."""
    blocks.header(s, r, rng)
    blocks.stamp(s, r, look, rng, one_line=False)
    s.left(f"Asiakas {rng.randrange(100000, 999999)}")
    s.rule()
    if r.kind == "refund":
        s.center(word(r.language, "refund", rng), bold=True)
    blocks.item_lines(s, r, look, rng)
    blocks.total_line(s, r, look, rng)
    s.blank()
    blocks.vat_rate_then_net(s, r, look, rng)
    s.rule()
    blocks.payment(s, r, look, rng)
    blocks.footer(s, r, rng)


def _pharmacy(r: Receipt, s: Sheet, look: Look, rng: random.Random) -> None:
    """Pharmacy: ``Sis. ALV`` notes per rate."""
    blocks.header(s, r, rng, legal=False)
    s.center(f"Apteekkari {r.seller.legal_name.split()[0]}")
    blocks.stamp(s, r, look, rng)
    s.rule()
    blocks.item_lines(s, r, dataclasses.replace(look, upper=False), rng)
    blocks.total_line(s, r, look, rng)
    blocks.vat_included_notes(s, r, look, rng)
    s.blank()
    blocks.payment(s, r, look, rng)
    blocks.footer(s, r, rng)


def _alko(r: Receipt, s: Sheet, look: Look, rng: random.Random) -> None:
    """Alcohol monopoly: ``Hinnat sisältävät ALV:n`` and a net/tax table of the one rate; deposits."""
    blocks.header(s, r, rng, legal=True)
    blocks.stamp(s, r, look, rng)
    s.rule()
    blocks.item_lines(s, r, dataclasses.replace(look, upper=False), rng)
    blocks.total_line(s, r, look, rng)
    blocks.payment(s, r, look, rng)
    s.blank()
    s.left("Hinnat sisältävät ALV:n")
    blocks.vat_header_table(s, r, look, ("ALV", "Veroton", "Vero", "Yhteensä"))
    blocks.footer(s, r, rng)


def _fuel(r: Receipt, s: Sheet, look: Look, rng: random.Random) -> None:
    """Fuel station: pump line, litres x price, tax per rate on one line ``ALV 25,5 %  net  tax``."""
    blocks.header(s, r, rng)
    blocks.stamp(s, r, look, rng)
    s.left(f"Mittari {rng.randrange(1, 12)}")
    s.rule()
    blocks.item_lines(s, r, look, rng)
    blocks.total_line(s, r, look, rng)
    blocks.payment(s, r, look, rng)
    s.blank()
    if len(r.vat) == 1 and rng.random() < 0.5:
        blocks.vat_single_included(s, r, look, rng)
    else:
        blocks.vat_header_table(s, r, look, ("ALV", "Veroton", "Vero", "Verollinen"))
    blocks.footer(s, r, rng)


def _taxi(r: Receipt, s: Sheet, look: Look, rng: random.Random) -> None:
    """Taxi meter: car and driver, fare lines, ``Veron osuus``."""
    s.center("TAKSIKUITTI", bold=True)
    blocks.header(s, r, rng, logo=False, legal=True, phone=False)
    s.left(f"Auto {rng.randrange(1, 999)}  Kuljettaja {rng.randrange(1000, 9999)}")
    s.lr(date_text(r.date, look.date_style), r.time.strftime("%H:%M"))
    s.lr("Matka", f"{rng.randrange(2, 40)},{rng.randrange(10)} km")
    s.rule()
    for item in r.items:
        s.lr(item.name, look.amount(item.amount))
    blocks.total_line(s, r, look, rng)
    blocks.vat_share(s, r, look, rng)
    blocks.payment(s, r, look, rng)
    blocks.footer(s, r, rng)


def _restaurant(r: Receipt, s: Sheet, look: Look, rng: random.Random) -> None:
    """Restaurant and bar: table and waiter, food and drinks, ``Verokanta Veroton Vero Verollinen``."""
    blocks.header(s, r, rng)
    s.lr(f"Pöytä {rng.randrange(1, 40)}", f"Tarjoilija {rng.choice(('Aino', 'Mikko', 'Sanna', 'Jere'))}")
    blocks.stamp(s, r, look, rng)
    s.rule()
    blocks.item_lines(s, r, dataclasses.replace(look, upper=False, quantity_under=False), rng)
    blocks.total_line(s, r, look, rng, rule="=")
    blocks.payment(s, r, look, rng)
    s.blank()
    blocks.vat_header_table(s, r, look, ("Verokanta", "Veroton", "Vero", "Verollinen"))
    blocks.footer(s, r, rng)


def _cafe(r: Receipt, s: Sheet, look: Look, rng: random.Random) -> None:
    """Café in bilingual Finland: Swedish words, ``Moms 13,5 %  0,55  Netto 3,95``."""
    blocks.header(s, r, rng, legal=True, business_id_word=rng.choice(("FO-nummer", "Y-tunnus/FO-nr")))
    blocks.stamp(s, r, look, rng)
    s.rule()
    blocks.item_lines(s, r, dataclasses.replace(look, upper=False), rng)
    blocks.total_line(s, r, look, rng)
    blocks.vat_moms_netto(s, r, look)
    blocks.payment(s, r, look, rng)
    blocks.footer(s, r, rng)


def _kiosk(r: Receipt, s: Sheet, look: Look, rng: random.Random) -> None:
    """Kiosk (airport and station): English text, ``VAT 25.5%  2.34  excl. VAT 9.18``."""
    blocks.header(s, r, rng, centered=True, legal=True)
    blocks.stamp(s, r, look, rng)
    s.rule("*")
    blocks.item_lines(s, r, look, rng)
    blocks.total_line(s, r, look, rng, rule="*")
    blocks.payment(s, r, look, rng)
    blocks.vat_english(s, r, look)
    blocks.footer(s, r, rng)


def _parking(r: Receipt, s: Sheet, look: Look, rng: random.Random) -> None:
    """Parking machine: zone, entry and exit times, one rate without a table."""
    s.center("PYSÄKÖINTIKUITTI", bold=True)
    blocks.header(s, r, rng, logo=False, legal=True, phone=False)
    s.left(f"Alue {rng.randrange(100, 999)}  Laite {rng.randrange(1, 40)}")
    start = dt.datetime.combine(r.date, r.time) - dt.timedelta(minutes=rng.randrange(20, 600))
    s.lr("Saapunut", start.strftime("%d.%m.%Y %H:%M"))
    s.lr("Poistunut", dt.datetime.combine(r.date, r.time).strftime("%d.%m.%Y %H:%M"))
    for item in r.items:
        s.lr(item.name, look.amount(item.amount))
    blocks.total_line(s, r, look, rng)
    blocks.vat_single_included(s, r, look, rng)
    blocks.payment(s, r, look, rng)
    s.left(f"Tunniste {rng.randrange(10**7, 10**8)}")


def _webshop(r: Receipt, s: Sheet, look: Look, rng: random.Random) -> None:
    """Web shop receipt (a PDF page): order table with quantity, unit price, VAT % and sum columns."""
    w = s.width
    s.left(r.seller.trade_name, bold=True)
    s.lr(f"{r.seller.legal_name}, {r.seller.street}, {r.seller.city}", "")
    s.left(f"Y-tunnus {r.seller.business_id}  ALV-rek. {r.seller.vat_number}")
    s.blank()
    s.left("KUITTI / TILAUSVAHVISTUS" if r.kind == "sale" else "HYVITYSLASKU", bold=True)
    s.lr(f"Tilausnumero {r.receipt_number}", f"Päivämäärä {date_text(r.date, look.date_style)}")
    s.blank()
    ends = [w - 30, w - 20, w - 10, w]
    s.columns("Tuote", ["Määrä", "À-hinta", "ALV %", "Yhteensä"], ends, bold=True)
    s.rule()
    for item in r.items:
        quantity = item.quantity or Decimal(1)
        unit = item.unit_price if item.unit_price is not None else item.amount
        s.columns(
            item.name[: w - 34],
            [str(quantity), look.amount(unit), look.rate(item.rate or Decimal(0)), look.amount(item.amount)],
            ends,
        )
    s.rule()
    for row in r.vat:
        s.lr(f"Veroton {look.rate(row.rate)}", look.amount(row.net))
        s.lr(f"ALV {look.rate(row.rate)}", look.amount(row.tax))
    s.lr("Yhteensä EUR", look.amount(r.total), bold=True)
    s.blank()
    s.left(f"Maksutapa: {'Verkkopankki' if r.payment == 'invoice' else 'Korttimaksu'}")
    s.left("Kiitos tilauksestasi!")


def _swedish(r: Receipt, s: Sheet, look: Look, rng: random.Random) -> None:
    """Swedish grocery: ``Momsspecifikation`` with ``Moms%  Moms  Netto  Brutto`` (tax before net)."""
    blocks.header(s, r, rng, business_id_word="Org.nr")
    blocks.stamp(s, r, look, rng, one_line=False)
    s.rule()
    blocks.item_lines(s, r, look, rng)
    blocks.total_line(
        s, r, dataclasses.replace(look, currency_suffix=" SEK" if rng.random() < 0.5 else ""), rng
    )
    blocks.payment(s, r, look, rng)
    s.blank()
    s.left("Momsspecifikation")
    blocks.vat_header_table(s, r, look, ("Moms%", "Moms", "Netto", "Brutto"), ("tax", "net", "gross"))
    blocks.footer(s, r, rng)


def _estonian(r: Receipt, s: Sheet, look: Look, rng: random.Random) -> None:
    """Estonian supermarket: ``KM%  Km-ta  KM  Kokku`` table."""
    blocks.header(s, r, rng)
    s.left(f"{word(r.language, 'business_id', rng)} {rng.randrange(10**7, 10**8)}")
    blocks.stamp(s, r, look, rng)
    s.rule()
    blocks.item_lines(s, r, dataclasses.replace(look, quantity_under=True), rng)
    blocks.total_line(s, r, look, rng)
    blocks.payment(s, r, look, rng)
    s.blank()
    blocks.vat_header_table(s, r, look, ("KM%", "Km-ta", "KM", "Kokku"))
    blocks.footer(s, r, rng)


def _german(r: Receipt, s: Sheet, look: Look, rng: random.Random) -> None:
    """German discounter: letters after amounts, ``MwSt  Netto  Steuer  Brutto`` with ``A 7,0 %``."""
    codes = rate_codes(r.vat, "BA" if len(r.vat) == 2 else "AB")
    blocks.header(s, r, rng, legal=False)
    s.lr("EUR", "")
    blocks.item_lines(s, r, dataclasses.replace(look, codes=True, quantity_under=True), rng, codes)
    blocks.total_line(s, r, look, rng)
    blocks.payment(s, r, look, rng)
    s.blank()
    blocks.vat_letter_table(
        s,
        r,
        look,
        codes=codes,
        heading="",
        labels=("MwSt", "Netto", "Steuer", "Brutto"),
        order=("net", "tax", "gross"),
    )
    blocks.stamp(s, r, look, rng)
    blocks.footer(s, r, rng)


def _card_slip(r: Receipt, s: Sheet, look: Look, rng: random.Random) -> None:
    """Card terminal slip: merchant, terminal, masked card, the amount only; no VAT."""
    s.center(r.seller.trade_name, bold=True)
    s.center(r.seller.street)
    s.center(r.seller.city)
    s.blank()
    s.lr(date_text(r.date, look.date_style), r.time.strftime("%H:%M"))
    s.left(f"Pääte {rng.randrange(10**7, 10**8)}  Kauppias {rng.randrange(10**6, 10**7)}")
    s.left(rng.choice(("VISA DEBIT", "MASTERCARD", "DEBIT MASTERCARD", "VISA")))
    s.left(f"************{rng.randrange(1000, 9999)}")
    s.left(rng.choice(("OSTO", "OSTO / KÖP", "PURCHASE")))
    s.lr("SUMMA EUR" if rng.random() < 0.5 else "EUR", look.amount(r.total), bold=True)
    s.blank()
    s.left(f"Arkistointitunnus {rng.randrange(10**11, 10**12)}")
    s.left("HYVÄKSYTTY" if rng.random() < 0.5 else "Hyväksytty / Godkänd")
    s.center("ASIAKKAAN KUITTI")


def _bottle_return(r: Receipt, s: Sheet, look: Look, rng: random.Random) -> None:
    """Deposit-return machine slip (pullonpalautus): counts by container, the voucher value, no VAT."""
    s.center(r.seller.trade_name, bold=True)
    s.center("PULLONPALAUTUS", scale=1.4, bold=True)
    s.lr(date_text(r.date, look.date_style), r.time.strftime("%H:%M"))
    s.rule()
    for item in r.items:
        units = item.quantity or Decimal(1)
        s.left(item.name)
        s.lr(f"  {units} x {look.amount(item.unit_price or item.amount)}", look.amount(item.amount))
    s.rule()
    s.lr("YHTEENSÄ", look.amount(r.total) + " €", bold=True)
    s.blank()
    s.center("Lunasta kassalla")
    s.center(f"{rng.randrange(10**12, 10**13)}")


# --- families -----------------------------------------------------------------------------------------

P = Product
_GROCERY = (
    P("Maito 1l", "food", 89, 159),
    P("Ruisleipä", "food", 149, 329),
    P("Banaani", "food", 129, 249, "kg"),
    P("Tomaatti", "food", 199, 499, "kg"),
    P("Juusto 400g", "food", 399, 799),
    P("Kahvi 500g", "food", 449, 899),
    P("Jogurtti", "food", 69, 189),
    P("Broilerin fileesuikale", "food", 399, 699),
    P("Kaurahiutale", "food", 99, 249),
    P("Limsa 1,5l", "food", 149, 299, deposit=40),
    P("Olut 0,33 tlk", "alcohol", 149, 249, deposit=15),
    P("Vesi 0,5l", "food", 79, 149, deposit=10),
    P("Talouspaperi", "general", 299, 599),
    P("Pesuaine", "general", 349, 799),
    P("Hammastahna", "general", 199, 399),
    P("Aikakauslehti", "periodical", 599, 1299),
    P("Porkkana", "food", 89, 199, "kg"),
    P("Jauheliha 400g", "food", 399, 649),
    P("Kananmuna 10kpl", "food", 229, 389),
    P("Karkkipussi", "food", 199, 399),
)
_HARDWARE = (
    P("Ruuvi 4,5x50 200kpl", "general", 599, 1499),
    P("Porakone 18V", "general", 7990, 19990),
    P("Maalitela 100mm", "general", 899, 1599),
    P("Sisämaali 2,7l", "general", 2990, 5990),
    P("Jatkojohto 10m", "general", 1490, 2990),
    P("Silikoni valk.", "general", 690, 1290),
    P("Kakkonen nelonen 2,4m", "general", 399, 899),
    P("Työkäsineet", "general", 490, 990),
    P("Hiomapaperi P120", "general", 390, 790),
    P("LED-lamppu E27", "general", 399, 1299),
)
_PHARMACY = (
    P("Burana 400 mg 30 tabl", "medicine", 450, 990),
    P("Panadol 500 mg 30 tabl", "medicine", 390, 890),
    P("Nenäsumute 10 ml", "medicine", 690, 1290),
    P("Kurkkupastilli", "medicine", 550, 890),
    P("Aurinkovoide SPF30", "general", 990, 1990),
    P("Käsivoide", "general", 490, 990),
    P("Laastari 20 kpl", "general", 299, 599),
    P("Vitamiini D 100 tabl", "food", 599, 1290),
)
_ALKO = (
    P("Punaviini 0,75 l", "alcohol", 899, 2490, deposit=10),
    P("Valkoviini 0,75 l", "alcohol", 899, 2190, deposit=10),
    P("Kuohuviini 0,75 l", "alcohol", 1190, 3990, deposit=10),
    P("Olut 0,5 l tlk", "alcohol", 249, 499, deposit=15),
    P("Lonkero 0,33 l tlk", "alcohol", 229, 349, deposit=15),
    P("Viski 0,7 l", "alcohol", 2990, 6990, deposit=10),
)
_FUEL = (
    P("95E10", "general", 179, 209, "l"),
    P("Diesel", "general", 165, 199, "l"),
    P("Kahvi", "food", 190, 350),
    P("Munkki", "food", 150, 290),
    P("Pesu Premium", "general", 990, 1990),
    P("Tuulilasinpesuneste", "general", 499, 899),
    P("Hampurilainen", "food", 690, 1190),
)
_RESTAURANT = (
    P("Lounas", "restaurant", 1090, 1490),
    P("Keitto", "restaurant", 850, 1290),
    P("Pizza Margherita", "restaurant", 1190, 1690),
    P("Lohikeitto", "restaurant", 1290, 1790),
    P("Jälkiruoka", "restaurant", 550, 890),
    P("Kahvi", "restaurant", 290, 450),
    P("Olut 0,5 l", "alcohol", 690, 990),
    P("Viini 16 cl", "alcohol", 850, 1290),
    P("Long drink", "alcohol", 790, 1090),
)
_CAFE = (
    P("Kaffe", "restaurant", 290, 420),
    P("Cappuccino", "restaurant", 390, 560),
    P("Korvapuusti", "restaurant", 290, 450),
    P("Smörgås", "restaurant", 590, 890),
    P("Te", "restaurant", 250, 390),
    P("Kaka", "restaurant", 450, 690),
)
_KIOSK = (
    P("Coffee", "food", 250, 390),
    P("Sandwich", "food", 490, 790),
    P("Chocolate bar", "food", 149, 299),
    P("Energy drink 0.5l", "food", 199, 349, deposit=15),
    P("Magazine", "periodical", 690, 1290),
    P("Phone charger", "general", 1490, 2990),
    P("Newspaper", "periodical", 390, 490),
    P("Chewing gum", "food", 149, 299),
)
_SWEDISH = (
    P("Mjölk 1,5 l", "food", 1490, 2290),
    P("Bröd", "food", 2490, 3990),
    P("Ost 500 g", "food", 5990, 8990),
    P("Bananer", "food", 1990, 2990, "kg"),
    P("Kaffe 450 g", "food", 4990, 7990),
    P("Diskmedel", "general", 2490, 3990),
    P("Läsk 1,5 l", "food", 1990, 2990, deposit=200),
    P("Tidning", "book", 3900, 6900),
)
_ESTONIAN = (
    P("Piim 1 l", "food", 89, 149),
    P("Leib", "food", 129, 259),
    P("Juust 400 g", "food", 399, 699),
    P("Kohv 500 g", "food", 499, 899),
    P("Õunad", "food", 99, 249, "kg"),
    P("Pesuvahend", "general", 299, 699),
    P("Raamat", "book", 990, 2490),
    P("Vitamiinid", "medicine", 599, 1290),
    P("Limonaad 1,5 l", "food", 149, 259, deposit=10),
)
_GERMAN = (
    P("Vollmilch 1 l", "food", 99, 149),
    P("Brötchen", "food", 29, 59),
    P("Butter 250 g", "food", 199, 299),
    P("Bananen", "food", 119, 199, "kg"),
    P("Kaffee 500 g", "food", 499, 799),
    P("Spülmittel", "general", 99, 249),
    P("Mineralwasser 1,5 l", "food", 19, 69, deposit=25),
    P("Bier 0,5 l", "alcohol", 79, 129, deposit=8),
    P("Batterien AA", "general", 299, 599),
    P("Zahnpasta", "general", 99, 199),
)

_MONO_PROP = ("mono", "mono", "prop", "dot")
_THERMAL = ("mono", "dot", "dot", "prop")

FAMILIES: tuple[Family, ...] = (
    Family(
        "grocery_k",
        "tuning",
        "FI",
        "fi",
        (
            ("K-Market Kuusi", "Kuusen Kauppa"),
            ("K-Supermarket Aalto", "Aallon Ruoka"),
            ("K-Citymarket Nummela", "Nummelan Kauppakeskus"),
        ),
        _GROCERY,
        _grocery_k,
        BasketStyle((3, 14), 0.2, quantity_share=0.25, discount_share=0.15),
        (40, 42, 44),
        _MONO_PROP,
        (("sale", 0.9), ("refund", 0.1)),
        looks=(Look(), Look(rate_style=1), Look(date_style=1, currency_suffix=" €")),
    ),
    Family(
        "grocery_s",
        "tuning",
        "FI",
        "fi",
        (
            ("S-market Hervanta", "Pirkanmaan Osuuskauppa"),
            ("Prisma Kaleva", "Pirkanmaan Osuuskauppa"),
            ("Sale Kirkonkylä", "Osuuskauppa Keskimaa"),
        ),
        _GROCERY,
        _grocery_s,
        BasketStyle((3, 12), 0.25, quantity_share=0.3, discount_share=0.2),
        (38, 40, 42),
        _THERMAL,
        (("sale", 0.9), ("refund", 0.1)),
        looks=(Look(rate_style=1), Look(rate_style=0, date_style=4)),
    ),
    Family(
        "discount",
        "tuning",
        "FI",
        "fi",
        (
            ("Lidl Itäkeskus", "Lidl Suomi"),
            ("Tokmanni Hervanta", "Tokmanni"),
            ("Halpa-Halli Kokkola", "Halpa-Halli"),
        ),
        _GROCERY + _HARDWARE[4:8],
        _discount,
        BasketStyle((2, 10), 0.1, discount_share=0.2),
        (32, 36, 40),
        _THERMAL,
        looks=(Look(rate_style=1), Look(rate_style=3)),
    ),
    Family(
        "hardware",
        "tuning",
        "FI",
        "fi",
        (
            ("Rautakauppa Nurmi", "Nurmen Rauta"),
            ("K-Rauta Lielahti", "Rautakesko"),
            ("Puuilo Raisio", "Puuilo"),
        ),
        _HARDWARE,
        _hardware,
        BasketStyle((1, 6), 0.15, long_items=(20, 32), quantity_share=0.35),
        (40, 44, 48),
        ("mono", "prop", "prop"),
        (("sale", 0.85), ("refund", 0.15)),
        looks=(Look(), Look(date_style=2, rate_style=2)),
    ),
    Family(
        "pharmacy",
        "held_out",
        "FI",
        "fi",
        (("Koivun Apteekki", "Koivu"), ("Keskustan Apteekki", "Mäkinen"), ("Rannan Apteekki", "Holmström")),
        _PHARMACY,
        _pharmacy,
        BasketStyle((1, 5), quantity_share=0.2, discount_share=0.05),
        (36, 40),
        ("mono", "prop"),
        looks=(Look(), Look(rate_style=1, date_style=1)),
    ),
    Family(
        "alko",
        "tuning",
        "FI",
        "fi",
        (("Alko Kamppi", "Alko"), ("Alko Tammela", "Alko"), ("Alko Sello", "Alko")),
        _ALKO,
        _alko,
        BasketStyle((1, 6), quantity_share=0.3),
        (40, 42),
        ("mono", "prop"),
        looks=(Look(upper=False), Look(rate_style=3)),
    ),
    Family(
        "fuel",
        "tuning",
        "FI",
        "fi",
        (
            ("Neste Tuusula", "Kalliomäki"),
            ("ABC Hervanta", "Pirkanmaan Osuuskauppa"),
            ("St1 Kivikko", "Kivikon Huolto"),
            ("Teboil Lahti", "Lahden Polttoneste"),
        ),
        _FUEL,
        _fuel,
        BasketStyle((1, 3), discount_share=0.0),
        (32, 40, 42),
        _THERMAL,
        looks=(Look(), Look(rate_style=1, date_style=1)),
    ),
    Family(
        "taxi",
        "held_out",
        "FI",
        "fi",
        (("Taksi Virtanen", "Virtanen"), ("Kaupunkitaksi", "Korhonen"), ("Lentokenttätaksi", "Laaksonen")),
        (
            P("Perusmaksu", "transport", 590, 990),
            P("Matkamaksu", "transport", 1090, 6990),
            P("Odotus", "transport", 150, 890),
        ),
        _taxi,
        BasketStyle((1, 3), discount_share=0.0, quantity_share=0.0),
        (32, 36),
        ("mono", "dot"),
        payments=("card", "card", "cash"),
    ),
    Family(
        "restaurant",
        "tuning",
        "FI",
        "fi",
        (
            ("Ravintola Kultainen Kala", "Kalaravintolat"),
            ("Bistro Merituuli", "Merituuli"),
            ("Pub Vanha Mestari", "Mestarin Baarit"),
        ),
        _RESTAURANT,
        _restaurant,
        BasketStyle((2, 9), 0.05, quantity_share=0.3, discount_share=0.03),
        (40, 42, 44),
        _MONO_PROP,
        deductible=False,
    ),
    Family(
        "cafe",
        "tuning",
        "FI",
        "sv",
        (("Café Kanerva", "Kanerva"), ("Kaffestugan Vaasa", "Björk"), ("Konditori Lindholm", "Lindholm")),
        _CAFE,
        _cafe,
        BasketStyle((1, 5), quantity_share=0.3, discount_share=0.0),
        (32, 36, 40),
        _THERMAL,
        looks=(Look(rate_style=0, upper=False), Look(rate_style=1)),
    ),
    Family(
        "kiosk",
        "held_out",
        "FI",
        "en",
        (
            ("R-kioski Airport", "R-kioski"),
            ("Station Kiosk Pasila", "Kioskit"),
            ("Lehtipiste Rautatieasema", "Lehtipiste"),
        ),
        _KIOSK,
        _kiosk,
        BasketStyle((1, 6), quantity_share=0.2, discount_share=0.1),
        (32, 36, 40),
        _THERMAL,
        looks=(Look(dot=True, rate_style=2, date_style=3),),
    ),
    Family(
        "parking",
        "tuning",
        "FI",
        "fi",
        (
            ("EuroPark Kamppi", "EuroPark Finland"),
            ("Aimo Park Ratina", "Aimo Park"),
            ("Q-Park Forum", "Q-Park"),
        ),
        (P("Pysäköinti", "general", 300, 3600),),
        _parking,
        BasketStyle((1, 1), discount_share=0.0, quantity_share=0.0),
        (32, 36),
        ("mono", "dot"),
        payments=("card", "mobile"),
    ),
    Family(
        "webshop",
        "held_out",
        "FI",
        "fi",
        (
            ("Verkkokauppa Nordic", "Nordic Verkko"),
            ("Kirjakauppa Lukulamppu", "Lukulamppu"),
            ("Urheiluvaruste.fi", "Heikkinen"),
        ),
        (
            *_HARDWARE[:5],
            P("Kirja: Suomen historia", "book", 1990, 3990),
            P("Sanomalehti kk-tilaus", "periodical", 1990, 3490),
        ),
        _webshop,
        BasketStyle((1, 5), quantity_share=0.3, discount_share=0.0),
        (64, 72),
        ("prop",),
        (("sale", 0.85), ("refund", 0.15)),
        payments=("card", "invoice"),
    ),
    Family(
        "swedish",
        "tuning",
        "SE",
        "sv",
        (
            ("ICA Nära Storgatan", "ICA Handlarnas"),
            ("Coop Konsum Luleå", "Coop Nord"),
            ("Hemköp Drottninggatan", "Hemköp"),
        ),
        _SWEDISH,
        _swedish,
        BasketStyle((2, 10), 0.1, quantity_share=0.25, discount_share=0.1),
        (40, 42),
        _MONO_PROP,
        deductible=False,
        change_dates=SE_FOOD_CUT[:1],
    ),
    Family(
        "estonian",
        "held_out",
        "EE",
        "et",
        (
            ("Rimi Viru", "Rimi Eesti Food"),
            ("Selver Kristiine", "Selver"),
            ("Prisma Sikupilli", "Prisma Peremarket"),
        ),
        _ESTONIAN,
        _estonian,
        BasketStyle((2, 10), 0.1, quantity_share=0.25, discount_share=0.15),
        (36, 40, 42),
        _MONO_PROP,
        deductible=False,
        change_dates=(EE_GENERAL_CHANGE,),
        looks=(Look(), Look(dot=True, rate_style=2)),
    ),
    Family(
        "german",
        "tuning",
        "DE",
        "de",
        (("ALDI Nord", "ALDI"), ("REWE Markt", "REWE Markt"), ("Bäckerei Schulz", "Schulz")),
        _GERMAN,
        _german,
        BasketStyle((2, 12), 0.1, quantity_share=0.3, discount_share=0.1),
        (36, 40, 42),
        _THERMAL,
        deductible=False,
        change_dates=(DE_RESTAURANT_CHANGE,),
        looks=(Look(rate_style=1),),
    ),
    Family(
        "card_slip",
        "tuning",
        "FI",
        "fi",
        (
            ("Kukkakauppa Orvokki", "Orvokki"),
            ("Parturi Sakset", "Sakset"),
            ("Kirpputori Kierrätys", "Kierrätys"),
        ),
        (P("Osto", "general", 500, 12000),),
        _card_slip,
        BasketStyle((1, 1), discount_share=0.0, quantity_share=0.0),
        (32, 36),
        ("mono", "dot"),
        (("card_slip", 1.0),),
        deductible=False,
        payments=("card",),
    ),
    Family(
        "bottle_return",
        "tuning",
        "FI",
        "fi",
        (("K-Market Kuusi", "Kuusen Kauppa"), ("S-market Hervanta", "Pirkanmaan Osuuskauppa")),
        (
            P("Tölkki", "general", 15, 15),
            P("Muovipullo 0,5 l", "general", 10, 10),
            P("Muovipullo 1,5 l", "general", 40, 40),
            P("Lasipullo", "general", 10, 10),
        ),
        _bottle_return,
        BasketStyle((1, 3), discount_share=0.0),
        (32, 36),
        ("mono", "dot"),
        (("deposit_return", 1.0),),
        deductible=False,
    ),
)
BY_NAME = {family.name: family for family in FAMILIES}
TUNING = tuple(family.name for family in FAMILIES if family.split == "tuning")
HELD_OUT = tuple(family.name for family in FAMILIES if family.split == "held_out")


def _kind(family: Family, rng: random.Random) -> Kind:
    roll, acc = rng.random(), 0.0
    for kind, share in family.kinds:
        acc += share
        if roll < acc:
            return kind  # type: ignore[return-value]
    return family.kinds[-1][0]  # type: ignore[return-value]


def _items(family: Family, kind: Kind, day: dt.date, rng: random.Random) -> list[Item]:
    if kind == "deposit_return":
        items = []
        for product in rng.sample(family.products, rng.randint(1, len(family.products))):
            units = rng.randint(1, 24)
            price = Decimal(product.low) / 100
            items.append(Item(product.name, price * units, None, "deposit", Decimal(units), price))
        return items
    if kind == "card_slip":
        product = family.products[0]
        amount = Decimal(rng.randrange(product.low, product.high)) / 100
        return [Item(product.name, amount, None, "item")]
    items = make_items(family.products, family.basket, family.country, day, rng)
    if kind == "refund":
        items = [dataclasses.replace(item, amount=-item.amount) for item in items if item.kind != "deposit"][
            :3
        ]
    return items


def make_receipt(family: Family, index: int, seed: int) -> tuple[Receipt, Sheet]:
    """The truth and the printed rows of receipt ``index`` of ``family`` (same seed, same receipt)."""
    rng = random.Random(f"{seed}:{family.name}:{index}")
    trade_name, owner = rng.choice(family.traders)
    seller = make_seller(family.country, trade_name, owner, random.Random(f"{seed}:{trade_name}"))
    kind = _kind(family, rng)
    day = pick_date(rng, family.change_dates)
    clock = dt.time(rng.randrange(7, 23), rng.randrange(60))
    items = _items(family, kind, day, rng)
    rows = vat_rows(items) if kind in ("sale", "refund") else ()
    receipt = Receipt(
        receipt_id=f"{family.name}-{index:03d}",
        family=family.name,
        split=family.split,  # type: ignore[arg-type]
        country=family.country,
        language=family.language,
        kind=kind,
        seller=seller,
        date=day,
        time=clock,
        items=tuple(items),
        vat=rows,
        payment="card" if kind == "card_slip" else rng.choice(family.payments),
        receipt_number=str(rng.randrange(1000, 999999)),
        deductible_fi=family.deductible and family.country == "FI" and kind in ("sale", "refund"),
    )
    look = rng.choice(family.looks)
    sheet = Sheet(rng.choice(family.widths))
    family.layout(receipt, sheet, look, rng)
    return receipt, sheet

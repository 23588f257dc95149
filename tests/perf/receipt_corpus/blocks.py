"""Printed blocks shared by the layout families: header, item lines, totals, payment and VAT blocks.

Every VAT block style prints the same truth (``Receipt.vat``) in its own words and column order.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from tests.perf.receipt_corpus.text import Cell, Sheet, date_text, money, rate_text
from tests.perf.receipt_corpus.truth import Item, Receipt, VatRow

WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "fi": {
        "total": ("YHTEENSÄ", "YHTEENSÄ EUR", "LOPPUSUMMA", "MAKSETTAVA", "Yhteensä"),
        "card": ("KORTTI", "PANKKIKORTTI", "Korttimaksu", "DEBIT MASTERCARD", "VISA"),
        "cash": ("KÄTEINEN", "Käteinen"),
        "change": ("TAKAISIN", "VAIHTORAHA"),
        "mobile": ("MOBILEPAY", "MobilePay"),
        "discount": ("Alennus", "ALENNUS", "Etu", "Kampanja-alennus"),
        "deposit": ("Pantti", "PANTTI"),
        "thanks": ("KIITOS KÄYNNISTÄ!", "Kiitos ja tervetuloa uudelleen", "TERVETULOA UUDELLEEN"),
        "business_id": ("Y-tunnus", "Y-TUNNUS", "Y-tunnus:", "Ytunnus"),
        "receipt": ("Kuitti", "KUITTI", "Kuittinro"),
        "cashier": ("Kassa", "Myyjä", "KASSA"),
        "pcs": ("kpl",),
        "refund": ("PALAUTUS", "HYVITYS"),
    },
    "sv": {
        "total": ("SUMMA", "ATT BETALA", "TOTALT", "Summa"),
        "card": ("KORT", "BETALKORT", "Kortbetalning"),
        "cash": ("KONTANT", "Kontant"),
        "change": ("VÄXEL", "TILLBAKA"),
        "mobile": ("SWISH", "Swish"),
        "discount": ("Rabatt", "RABATT", "Erbjudande"),
        "deposit": ("Pant", "PANT"),
        "thanks": ("TACK FÖR BESÖKET!", "Välkommen åter", "TACK OCH VÄLKOMMEN ÅTER"),
        "business_id": ("Org.nr", "Org nr"),
        "receipt": ("Kvitto", "KVITTO NR"),
        "cashier": ("Kassa", "Kassör"),
        "pcs": ("st",),
        "refund": ("RETUR", "ÅTERKÖP"),
    },
    "en": {
        "total": ("TOTAL", "TOTAL EUR", "Total", "AMOUNT DUE"),
        "card": ("CARD", "VISA", "MASTERCARD", "Card payment"),
        "cash": ("CASH", "Cash"),
        "change": ("CHANGE",),
        "mobile": ("MOBILEPAY", "APPLE PAY"),
        "discount": ("Discount", "DISCOUNT", "Offer"),
        "deposit": ("Deposit", "DEPOSIT"),
        "thanks": ("THANK YOU!", "Thank you for your visit", "HAVE A NICE DAY"),
        "business_id": ("Business ID", "BUSINESS ID", "Y-tunnus/Business ID"),
        "receipt": ("Receipt", "RECEIPT NO"),
        "cashier": ("Till", "Cashier"),
        "pcs": ("pcs",),
        "refund": ("REFUND", "RETURN"),
    },
    "et": {
        "total": ("KOKKU", "KOKKU EUR", "MAKSTA", "Kokku"),
        "card": ("KAART", "Kaardimakse", "PANGAKAART"),
        "cash": ("SULARAHA", "Sularaha"),
        "change": ("TAGASI", "VAHETUSRAHA"),
        "mobile": ("MOBIILIMAKSE",),
        "discount": ("Allahindlus", "ALLAHINDLUS", "Soodustus"),
        "deposit": ("Pakendiraha", "PANDIPAKEND"),
        "thanks": ("AITÄH OSTU EEST!", "Täname ostu eest", "Tere tulemast tagasi"),
        "business_id": ("Reg.nr", "Reg. kood", "Registrikood"),
        "receipt": ("Tšekk", "TŠEKK NR", "Kviitung"),
        "cashier": ("Kassa", "Kassiir", "Teenindaja"),
        "pcs": ("tk",),
        "refund": ("TAGASTUS",),
    },
    "de": {
        "total": ("SUMME", "ZU ZAHLEN", "SUMME EUR", "Gesamtbetrag", "Summe"),
        "card": ("EC-Karte", "KARTENZAHLUNG", "Girocard", "VISA"),
        "cash": ("BAR", "Bar"),
        "change": ("RÜCKGELD", "Zurück"),
        "mobile": ("APPLE PAY", "Google Pay"),
        "discount": ("Rabatt", "RABATT", "Preisvorteil"),
        "deposit": ("Pfand", "PFAND", "Leergut"),
        "thanks": ("VIELEN DANK FÜR IHREN EINKAUF", "Vielen Dank und auf Wiedersehen", "Danke!"),
        "business_id": ("St.-Nr.", "Steuernummer"),
        "receipt": ("Bon-Nr.", "BON", "Beleg-Nr."),
        "cashier": ("Kasse", "Bediener", "Es bediente Sie"),
        "pcs": ("Stk",),
        "refund": ("RÜCKGABE", "STORNO"),
    },
}


def word(language: str, key: str, rng: random.Random) -> str:
    """One of the language's words for ``key``."""
    return rng.choice(WORDS[language][key])


@dataclass(frozen=True, slots=True)
class Look:
    """A receipt's printing habits, drawn once per receipt from its family's options."""

    dot: bool = False  # amounts with a decimal point
    rate_style: int = 0
    date_style: int = 0
    codes: bool = False  # a rate letter after each amount
    quantity_under: bool = True  # "3 x 39,90   119,70" under the name (else "3 kpl á 39,90" under it)
    upper: bool = True
    currency_suffix: str = ""  # " €" or " EUR" after the total

    def amount(self, value: Decimal) -> str:
        return money(value, dot=self.dot)

    def rate(self, value: Decimal) -> str:
        text = rate_text(value, self.rate_style)
        return text.replace(",", ".") if self.dot else text


def rate_codes(rows: tuple[VatRow, ...], letters: str = "ABCD") -> dict[Decimal, str]:
    """Rate -> letter, highest rate ``A`` (or the order of ``letters``)."""
    return {row.rate: letters[index] for index, row in enumerate(sorted(rows, key=lambda row: -row.rate))}


def header(
    s: Sheet,
    r: Receipt,
    rng: random.Random,
    *,
    centered: bool = True,
    logo: bool = True,
    legal: bool = True,
    business_id_word: str | None = None,
    phone: bool = True,
) -> None:
    """Trade name (large), legal name, address, business ID (Y-tunnus in Finland, VAT number abroad)."""
    put = s.center if centered else s.left
    seller = r.seller
    if logo:
        s.center(seller.trade_name, scale=rng.choice((1.4, 1.6, 1.8)), bold=True) if centered else s.left(
            seller.trade_name, bold=True
        )
    else:
        put(seller.trade_name)
    if legal:
        put(seller.legal_name)
    put(seller.street)
    put(seller.city)
    if phone and rng.random() < 0.5:
        put(f"Puh. {seller.phone}" if r.language == "fi" else f"Tel. {seller.phone}")
    label = business_id_word or word(r.language, "business_id", rng)
    if seller.business_id:
        put(f"{label} {seller.business_id}")
        if rng.random() < 0.3:
            put(f"ALV-rek. {seller.vat_number}" if r.language == "fi" else f"VAT {seller.vat_number}")
    else:
        vat_word = {"sv": "Momsreg.nr", "et": "KMKR", "de": "USt-IdNr.", "en": "VAT no."}.get(
            r.language, "VAT"
        )
        put(f"{vat_word} {seller.vat_number}")


def stamp(s: Sheet, r: Receipt, look: Look, rng: random.Random, *, one_line: bool = True) -> None:
    """Date, time, receipt number and till."""
    day = date_text(r.date, look.date_style)
    clock = r.time.strftime("%H:%M" if rng.random() < 0.7 else "%H.%M")
    receipt_word = word(r.language, "receipt", rng)
    if one_line:
        s.lr(f"{day} {clock}", f"{receipt_word} {r.receipt_number}")
    else:
        s.left(f"{day}  {clock}")
        s.left(
            f"{receipt_word} {r.receipt_number}  {word(r.language, 'cashier', rng)} {rng.randrange(1, 12)}"
        )


def item_lines(
    s: Sheet, r: Receipt, look: Look, rng: random.Random, codes: dict[Decimal, str] | None = None
) -> None:
    """Every item line: quantity and weight lines under the name, discounts and deposits as own lines."""
    pcs = word(r.language, "pcs", rng)
    discount_word = word(r.language, "discount", rng)
    deposit_word = word(r.language, "deposit", rng)
    per = "€" if r.currency == "EUR" else "kr"

    def code(item: Item) -> str:
        if not look.codes or codes is None:
            return ""
        return " " + codes.get(item.rate, " ") if item.rate is not None else "  "

    def name(item: Item) -> str:
        return item.name.upper() if look.upper else item.name

    def number(value: Decimal, places: int = 3) -> str:
        text = f"{value:.{places}f}"
        return text if look.dot else text.replace(".", ",")

    for item in r.items:
        amount = look.amount(item.amount) + code(item)
        if item.kind == "weight":
            s.left(name(item))
            s.lr(
                f"  {number(item.quantity or Decimal(0), 3 if item.unit == 'kg' else 2)} {item.unit} x "
                f"{look.amount(item.unit_price or Decimal(0))} {per}/{item.unit}",
                amount,
            )
        elif item.kind == "discount":
            s.lr(f"  {discount_word} {item.name}".rstrip(), amount)
        elif item.kind == "deposit":
            units = item.quantity or Decimal(1)
            text = (
                f"  {deposit_word}"
                if units == 1
                else f"  {deposit_word} {units} x {look.amount(item.unit_price or Decimal(0))}"
            )
            s.lr(text, amount)
        elif item.quantity is not None:
            if look.quantity_under:
                s.left(name(item))
                s.lr(f"  {item.quantity} x {look.amount(item.unit_price or Decimal(0))}", amount)
            else:
                s.lr(name(item), amount)
                s.left(f"  {item.quantity} {pcs} á {look.amount(item.unit_price or Decimal(0))}")
        else:
            s.lr(name(item), amount)


def total_line(s: Sheet, r: Receipt, look: Look, rng: random.Random, *, rule: str = "-") -> None:
    """A rule and the total, sometimes with the currency after it."""
    if rule:
        s.rule(rule)
    s.lr(word(r.language, "total", rng), look.amount(r.total) + look.currency_suffix, bold=True)


def payment(s: Sheet, r: Receipt, look: Look, rng: random.Random) -> None:
    """How it was paid: card with a masked number, cash with change, or a mobile payment."""
    language = r.language
    if r.payment == "cash" and r.total > 0:
        given = ((r.total // 10) + 1) * 10 if r.total < 200 else ((r.total // 50) + 1) * 50
        s.lr(word(language, "cash", rng), look.amount(Decimal(given)))
        s.lr(word(language, "change", rng), look.amount(Decimal(given) - r.total))
        return
    method = "mobile" if r.payment == "mobile" else "card"
    s.lr(word(language, method, rng), look.amount(r.total))
    if method == "card" and rng.random() < 0.7:
        s.left(f"**** **** **** {rng.randrange(1000, 9999)}")
        s.left(f"{rng.choice(('Hyväksytty', 'Approved', 'OK', 'Godkänd'))}  {rng.randrange(100000, 999999)}")


def footer(s: Sheet, r: Receipt, rng: random.Random) -> None:
    s.blank()
    s.center(word(r.language, "thanks", rng))


# --- VAT blocks -------------------------------------------------------------------------------------


def vat_header_table(
    s: Sheet,
    r: Receipt,
    look: Look,
    labels: tuple[str, str, str, str] = ("ALV%", "VEROTON", "VERO", "VEROLLINEN"),
    order: tuple[str, ...] = ("net", "tax", "gross"),
) -> None:
    """``ALV%  VEROTON  VERO  VEROLLINEN`` and one row per rate; ``order`` sets the amount columns."""
    w = s.width
    ends = [w - 2 * (w // 4) - 2, w - (w // 4) - 1, w][-len(order) :]
    s.columns(labels[0], list(labels[1:]), ends)
    for row in r.vat:
        s.columns(look.rate(row.rate), [look.amount(getattr(row, key)) for key in order], ends)


def vat_rate_then_net(s: Sheet, r: Receipt, look: Look, rng: random.Random) -> None:
    """``ALV 25,5 %   36,68`` and ``VEROTON   143,82`` on the next line, per rate."""
    net_word = rng.choice(("VEROTON", "Veroton", "Veroton hinta", "Veroton osuus"))
    for row in r.vat:
        s.lr(f"ALV {look.rate(row.rate)}", look.amount(row.tax))
        s.lr(net_word, look.amount(row.net))


def vat_included_notes(s: Sheet, r: Receipt, look: Look, rng: random.Random) -> None:
    """``Hinnat sisältävät ALV:n`` and ``Sis. ALV 25,5 %  23,48`` per rate."""
    if rng.random() < 0.6:
        s.left(
            rng.choice(("Hinnat sisältävät ALV:n", "Hinnat sis. arvonlisäveron", "HINNAT SISÄLTÄVÄT ALV:N"))
        )
    for row in r.vat:
        s.lr(
            f"{rng.choice(('Sis. ALV', 'sis. alv', 'Sisältää ALV'))} {look.rate(row.rate)}",
            look.amount(row.tax),
        )


def vat_letter_table(
    s: Sheet,
    r: Receipt,
    look: Look,
    *,
    codes: dict[Decimal, str],
    heading: str,
    labels: tuple[str, ...],
    order: tuple[str, ...],
) -> None:
    """A heading, then ``A 25,5 %`` rows with amounts in ``order`` (e.g. gross, net, tax)."""
    w = s.width
    step = max(9, (w - 12) // len(order))
    ends = [w - step * (len(order) - 1 - index) for index in range(len(order))]
    s.left(heading)
    s.columns(labels[0], list(labels[1:]), ends)
    for row in r.vat:
        s.columns(
            f"{codes[row.rate]} {look.rate(row.rate)}",
            [look.amount(getattr(row, key)) for key in order],
            ends,
        )


def vat_share(s: Sheet, r: Receipt, look: Look, rng: random.Random) -> None:
    """``Veron osuus 13,5 %   3,21`` and sometimes the net beneath (a taxi meter)."""
    for row in r.vat:
        s.lr(f"Veron osuus {look.rate(row.rate)}", look.amount(row.tax))
        if rng.random() < 0.5:
            s.lr("Veroton osuus", look.amount(row.net))


def vat_moms_netto(s: Sheet, r: Receipt, look: Look) -> None:
    """``Moms 25,5 %  2,34  Netto 9,18``: tax and net on one line per rate."""
    w = s.width
    for row in r.vat:
        s.add(
            Cell(f"Moms {look.rate(row.rate)}", 0),
            Cell(look.amount(row.tax), w // 2 + 2, "r"),
            Cell(f"Netto {look.amount(row.net)}", w, "r"),
        )


def vat_english(s: Sheet, r: Receipt, look: Look) -> None:
    """``VAT 25.5%  2.34  excl. VAT 9.18`` per rate."""
    w = s.width
    for row in r.vat:
        s.add(
            Cell(f"VAT {look.rate(row.rate)}", 0),
            Cell(look.amount(row.tax), w // 2, "r"),
            Cell(f"excl. VAT {look.amount(row.net)}", w, "r"),
        )


def vat_single_included(s: Sheet, r: Receipt, look: Look, rng: random.Random) -> None:
    """One rate and no table: ``ALV 25,5 % sisältyy hintaan``, sometimes with the tax amount."""
    for row in r.vat:
        s.left(f"ALV {look.rate(row.rate)} sisältyy hintaan")
        if rng.random() < 0.5:
            s.lr("ALV:n osuus", look.amount(row.tax))

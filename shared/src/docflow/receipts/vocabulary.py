"""Receipt words in Finnish, Swedish, Estonian, German, Norwegian, Danish and English.

Patterns run over folded text (upper case, ÄÖÅÜ without dots), so ``RÜCKGELD`` is ``RUCKGELD`` and
``KÄIBEMAKS`` is ``KAIBEMAKS``.
"""

from __future__ import annotations

import re


def _words(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"(?<![A-Z])(?:" + "|".join(alternatives) + r")(?![A-Z])")


#: Lines that name the amount to pay. Strong words outrank a bare TOTAL/SUMMA.
TOTAL_STRONG = _words(
    r"YHTEENSA",
    r"YHT\.?",
    r"LOPPUSUMMA",
    r"LOPPUHINTA",
    r"KOKONAIS(?:HINTA|SUMMA)",
    r"MAKSETTAVA(?:A)?",
    r"(?:AMOUNT\s?)?TO\s?PAY",
    r"ATT\s?BETALA",
    r"GRAND\s?TOTAL",
    r"NET+\s?TOTAL",
    r"TOTAL\s?(?:AMT\s?)?(?:ROUNDED|PAYABLE|DUE)",
    r"ROUNDED\s?TOTAL",
    r"AMOUNT\s?DUE",
    r"AMOUNT\s?PAYABLE",
    r"NET+\s?AMOUNT",
    r"TOTAL\s?AMOUNT",
    r"TOTAL\s?SALES\s?\(?INCL\w*",
    r"TOTAL\s?\(?INCL\w*",
    r"TOTALT",
    r"ROUND\w*\s?TOTAL",
    r"TOTAL\s?AFTER\s?(?:ROUND\w*|ADJ\w*)",
    # ``NETT 12.50``: the British spelling names the amount to pay (``NETTO`` is a net amount).
    r"NETT",
    # German
    r"ZU\s?ZAHLEN",
    r"ZAHLBETRAG",
    r"GESAMTBETRAG",
    r"ENDSUMME",
    r"ENDBETRAG",
    r"RECHNUNGSBETRAG",
    # Swedish, Norwegian, Danish
    r"SUMMA\s?ATT\s?BETALA",
    r"A\s?BETALE",
    r"AT\s?BETALE",
    # Estonian
    r"KOKKU\s?TASUDA",
    r"TASUDA",
    r"MAKSTA",
)
#: Total words long enough that one misread letter still names them and nothing else.
_LONG_TOTAL_WORDS = (
    "GESAMTBETRAG",
    "RECHNUNGSBETRAG",
    "ZAHLBETRAG",
    "ENDBETRAG",
    "LOPPUSUMMA",
    "LOPPUHINTA",
    "KOKONAISSUMMA",
    "KOKONAISHINTA",
    "MAKSETTAVAA",
)


def _one_letter_off(word: str) -> str:
    """``word`` with any one of its letters read as another letter or a digit."""
    return "|".join(word[:i] + "[A-Z0-9]" + word[i + 1 :] for i in range(len(word)))


#: ``TOTA]``, ``T0TAL``, ``TOTAI``: the word as OCR misreads it; a long total word one letter off
#: (``GSSAMTBETRAG``, ``LOPPUSUNMA``).
TOTAL_WEAK = _words(
    *(_one_letter_off(word) for word in _LONG_TOTAL_WORDS),
    r"TOTAL",
    r"SUMMA",
    r"BELOPP",
    r"TOTAL\w*",
    r"DUE",
    r"T[O0]T[A4][L1I|\]]",
    r"YHTEENS\w?",
    # the first letter lost: ``HTEENSÄ``
    r"HTEENSA",
    r"SUMME",
    r"GESAMT",
    r"BETRAG",
    r"KOKKU",
    r"I\s?ALT",
)
#: Lines with a total-like word whose amount is something else.
NOT_TOTAL = _words(
    r"SUB\s?-?\s?TOTAL\w*",
    r"VALISUMMA",
    r"DELSUMMA",
    r"TOTAL\s?(?:QTY|QUANTITY|ITEMS?|ITEM\w*|SAVINGS?|DISCOUNT|DISC|GST|TAX|VAT|EXCL\w*|POINTS?|OTY)",
    r"EXCL\w*",
    r"EX\.?\s?GST",
    r"TOTAL\s?SALES\s?\(?EXCL\w*",
    r"NO\.?\s?OF\s?ITEMS?",
    r"KPL\s?YHT\w*",
    r"TUOTTEITA",
    r"ALV\s?YHT\w*",
    r"VERO\s?YHT\w*",
    r"VEROTON\w*",
    r"MOMS\s?TOTALT?",
    r"(?:TAX|GST|VAT|ALV|MOMS|SST)\s?TOTAL",
    # German: net and tax sums, item counts
    r"ZWISCHENSUMME",
    r"NETTO\w*",
    r"(?<!INKL\.\ )(?<!INKL\ )(?<!INKL\.)(?<!MIT\ )(?:MWST\w*|UST\w*|STEUER\w*|MEHRWERTST\w*)",
    r"ANZAHL",
    r"POSTEN",
    r"ARTIKEL",
    # Tax sums (``MOMS 25 %``, ``KM 20%``), but not ``inkl. MwSt`` on a total line
    r"(?<!INKL\.\ )(?<!INKL\ )(?<!INKL\.)(?<!INCL\ )(?<!MIT\ )(?<!MED\ )"
    r"(?:MOMS\w*|MVA\w*|KM(?!\s?-?\s?GA)|KAIBEMAKS\w*)",
    r"KM-?TA",
    r"ILMA\s?KM",
)
#: Total words that stay total words on a line that also prints a tax rate.
TOTAL_LOCAL = _words(
    r"YHTEENSA",
    r"MAKSETTAVA(?:A)?",
    r"SUMMA",
    r"ATT\s?BETALA",
    r"LOPPUSUMMA",
    r"SUMME",
    r"ZU\s?ZAHLEN",
    r"KOKKU",
    r"TOTALT",
)
SUBTOTAL = _words(
    r"SUB\s?-?\s?TOTAL\w*",
    r"TOTAL\s?SALES\s?\(?EXCL\w*",
    r"TOTAL\s?\(?EXCL\w*",
    r"VALISUMMA",
    r"ZWISCHENSUMME",
    r"DELSUMMA",
    r"VAHESUMMA",
)
SERVICE_CHARGE = _words(
    r"SERVICE\s?(?:CHARGE|CHG)\w*", r"SVC\s?CH\w*", r"SRV\s?CH\w*", r"PALVELUMAKSU", r"SERVICEAVGIFT"
)
#: A tax line that prints its rate: ``GST 6% 19.47``, ``SST @ 6 % 1.20``.
RATED_TAX = re.compile(
    r"(?<![A-Z])(?:GST|SST|VAT|TAX|ALV|MOMS|MWST|UST|KM|MVA)\s?@?\s?(?P<rate>\d{1,2}(?:[.,]\d{1,2})?)\s?%"
)
INCLUSIVE = _words(r"INC\w*", r"SIS\.?", r"SISALTAA", r"INKL\w*", r"KM-?GA", r"MIT")
#: A note that the prices include the tax: ``ALV 25,5 % sisältyy hintaan``, ``inkl. 19 % MwSt``,
#: ``Moms 25 % ingår``, ``VAT 25.5 % included``, ``KM 22% sisaldub hinnas``.
PRICES_INCLUDE = _words(
    r"SISALTY\w*",
    r"SISALTAA",
    r"SISALTAVAT",
    r"SIS\.?",
    r"INGAR",
    r"INKL\w*",
    r"INCL\w*",
    r"INCLUDED",
    r"ENTHALTEN",
    r"SISALDAB",
    r"SISALDUB",
)
EXCLUDING = _words(r"EXCL\w*", r"EX", r"VEROTON", r"EXKL\w*", r"OHNE", r"KM-?TA", r"ILMA")
TAX_TOTAL = _words(
    r"TOTAL\s?(?:GST|TAX|VAT)",
    r"(?:GST|TAX|VAT|SST)\s?(?:TOTAL|PAYABLE|AMOUNT)",
    r"ALV\s?YHT\w*",
    r"GST\s?\(RM\)",
)
CASH = _words(
    r"KATEINEN",
    r"KATEISMAKSU",
    r"CASH",
    r"KONTANT\w*",
    r"TENDERED",
    r"TENDER",
    r"PAID\s?AMOUNT",
    r"AMOUNT\s?PAID",
    r"PAID",
    r"RECEIVED",
    r"PAYMENT",
    r"PAY",
    # German: ``BAR``, ``Geg. Bar``, ``BARGELD``, ``GEGEBEN`` (a bare ``GEG`` is also G&G read ``GeG``)
    r"BAR",
    r"BARGELD",
    r"BARZAHLUNG",
    r"GEGEBEN",
    r"GEG\.",
    r"GEG(?=\s?BAR)",
    # Estonian, Norwegian, Danish
    r"SULARAHA",
    r"KONTANTER",
)
#: (Dot print's ``I`` is read as ``T``: ``TAKATSIN``, ``VATHTORAHA``.)
_CHANGE_WORDS = (
    r"TAKA[IT]S[IT]N",
    r"VA[IT]HTORAHA",
    r"[CG]HANGE(?:\s?DUE)?",
    r"VAXEL",
    r"VAXELPENGAR",
    r"TILLBAKA",
    r"R[UO]CK\s?GE\s?LD",
    r"WECHSELGELD",
    r"ZURUCK",
    r"TAGASI",
    r"VEKSEL",
    r"BYTTEPENGE",
)
CHANGE = _words(*_CHANGE_WORDS, r"BALANCE")
#: Change handed back: only a cash payment has it (``BALANCE`` may be the amount still due).
CHANGE_GIVEN = _words(*_CHANGE_WORDS)
CARD = _words(
    r"KORTTI\w*",
    r"PANKKIKORTTI",
    r"KORTTIMAKSU",
    r"LUOTTOKORTTI",
    r"CARD",
    r"KORT\w*",
    r"BANKKORT",
    r"VISA\w?",
    r"MASTER\s?CARD",
    # ``DEBITMASTERCARD``: the scheme's prefix glued on when the OCR loses the space.
    r"[A-Z]{2,6}MASTERCARD",
    r"MAESTRO",
    r"DEBIT",
    r"CREDIT",
    r"AMEX",
    r"ELECTRON",
    r"LAHIMAKSU",
    r"CONTACTLESS",
    # German
    r"EC-?\s?KARTE",
    r"EC",
    r"GIROCARD",
    r"KARTENZAHLUNG",
    r"KREDITKARTE",
    r"KARTE",
    # Estonian
    r"KAARDIMAKSE",
    r"KAART\w*",
    r"PANGAKAART",
    # Norwegian, Danish
    r"BANKAXEPT",
    r"DANKORT",
)
MOBILE = _words(r"[ML]?OBILEPAY", r"SIIRTO", r"APPLE\s?PAY", r"GOOGLE\s?PAY", r"PIVO", r"SWISH")
NOT_PAYMENT = _words(
    r"MEMBER\s?CARD",
    r"LOYALTY",
    r"CARD\s?NO",
    r"CARD\s?EXPIRY",
    r"PLUSSA\w*",
    r"S-ETUKORTTI",
    r"PAYBACK",
    r"KUNDENKARTE",
    r"BONUS\w*",
    r"STAMMKUND\w*",
    r"KLUBBKORT",
    r"KUNDKORT",
    r"SOODUSKAART",
    r"KLIENDIKAART",
    r"PARTNERKAART",
)
ROUNDING = _words(
    r"ROUND\w*", r"PYORISTYS", r"AVRUNDNING", r"ROUNDING\s?ADJ\w*", r"OREAVRUNDNING", r"UMARDAMINE"
)
#: A discount line: its amount (or percentage) belongs to the item above it.
DISCOUNT = _words(
    r"ALENNUS\w*",
    r"ALE",
    r"ETU",
    r"KAMPANJA\w*",
    r"TARJOUS",
    r"RABATT\w*",
    r"ERBJUDANDE",
    r"NACHLASS",
    r"PREISVORTEIL",
    r"AKTION\w*",
    r"DISCOUNT",
    r"DISC",
    r"SAVING\w*",
    r"ALLAHINDLUS",
    r"SOODUSTUS",
    r"KAMPAANIA",
)
#: A deposit line (bottle or can deposit): its amount belongs to the item above it.
#: (``PANTTT``: dot print's last ``I`` read as ``T``; ``PANTT``: a thin last ``I`` lost.)
DEPOSIT = _words(r"PANTT[IT]?", r"PANT", r"PFAND", r"LEERGUT", r"DEPOSIT", r"TAARA", r"PANDIPAKEND")
#: A refund or cancellation: the receipt returns money.
REFUND = _words(
    r"PALAUTUS",
    r"PALAUTUSKUITTI",
    r"HY[VY]I?TYS\w*",
    r"RETUR",
    r"RETURKVITTO",
    r"RETURNERING",
    r"STORNO\w*",
    r"ERSTATTUNG",
    r"GUTSCHRIFT",
    r"RUCKGABE",
    r"REFUND\w*",
    r"TAGASTUS\w*",
)
#: A bottle-deposit return slip from a reverse vending machine: a voucher, not a purchase.
DEPOSIT_RETURN = _words(
    r"PULLON?\s?PALAUTUS",
    r"PANTTIPALAUTUS",
    r"PANTTIKUITTI",
    r"PALAUTUSKUPONKI",
    r"PANTTIHYVITYS",
    r"PANTKVITTO",
    r"PANTRETUR",
    r"PANTBONG",
    r"LEERGUT\w*",
    r"PFANDBON",
    r"PFANDRUCKGABE",
    r"TAARA\s?(?:TAGASTUS|AUTOMAAT)\w*",
    r"PANDIPAKEND\w*",
    r"TOMRA",
)
#: ``ALY`` and ``AIV``: ``ALV`` as OCR misreads it.
VAT_WORD = _words(
    r"ALV\w*",
    r"ALY",
    r"AIV%?",
    r"MOMS\w*",
    r"VAT",
    r"GST",
    r"VERO\w*",
    r"TAX\w*",
    r"SST",
    r"MWST\w*",
    r"UST",
    r"STEUER\w*",
    r"MEHRWERTST\w*",
    r"KM",
    r"KAIBEMAKS\w*",
    r"MVA",
)
VAT_HEADER = _words(
    r"VEROTON",
    r"VEROLLINEN",
    r"NETTO",
    r"BRUTTO",
    r"EXCL\w*",
    r"INCL\w*",
    r"NET",
    r"GROSS",
    r"ALV\s?%",
    r"KM-?TA",
    r"KM-?GA",
)
#: The title of a VAT breakdown section: ``ALV-ERITTELY``, ``Momsspecifikation``, ``VAT summary``.
VAT_SECTION = _words(
    r"ALV-?\s?ERITTELY",
    r"VEROERITTELY",
    r"MOMS\s?SPECIFIKATION",
    r"MOMSSPEC\w*",
    r"VAT\s?(?:SUMMARY|ANALYSIS|BREAKDOWN|SPECIFICATION)",
)
#: The columns of a VAT table header, once its rate column (``ALV%``) is removed.
NET_WORD = _words(r"VEROTON", r"NETTO", r"NET", r"EXCL\w*", r"KM-?TA", r"OHNE")
TAX_WORD = _words(r"VERO", r"MOMS", r"VAT", r"ALV", r"TAX", r"GST", r"MWST", r"UST", r"STEUER", r"KM", r"MVA")
#: A VAT table's net and gross column names alone (no ``TOTAL`` or ``MIT``: ``Net Total`` is no header).
NET_COLUMN = _words(r"VEROTON", r"NETTO", r"NET", r"EXCL\w*")
GROSS_COLUMN = _words(r"VEROLLINEN", r"BRUTTO", r"GROSS", r"INCL\w*")
GROSS_WORD = _words(r"VEROLLINEN", r"BRUTTO", r"GROSS", r"INCL\w*", r"TOTAL", r"KM-?GA", r"MIT")
RECEIPT_NUMBER = re.compile(
    r"(?<![A-Z])(?:KUITTI\s?(?:NRO|NUMERO|NO)?|KVITTO\s?(?:NR|NUMMER)?|RECEIPT\s?(?:NO|NUMBER|#)?|"
    r"INV(?:OICE)?\s?(?:NO|NUMBER|#)|BILL\s?(?:NO|#)|DOC(?:UMENT)?\s?NO|TRANS(?:ACTION)?\s?(?:NO|#)|"
    r"TAPAHTUMA\s?NRO|TAPAHTUMA|BON\s?-?\s?(?:NR|NUMMER)|BELEG\s?-?\s?(?:NR|NUMMER)|ARVE\s?(?:NR)?|TSEKK\s?(?:NR)?)\.?\s?[:#.]?\s?(?P<number>[A-Z0-9][A-Z0-9/\-]{2,})"
)
#: Lines that are never a merchant name.
NOT_MERCHANT = _words(
    r"EUR",
    r"EURO",
    r"SEK",
    r"OFFNUNGSZEITEN",
    r"AUKIOLO\w*",
    r"AUKIOLOAJAT",
    r"OPPETTIDER",
    r"OPENING\s?HOURS",
    r"TEL\w*",
    r"PUH\w*",
    r"FAX",
    r"GST",
    r"VAT",
    r"ALV",
    r"Y-?TUNNUS",
    r"TAX",
    r"INVOICE",
    r"RECEIPT",
    r"KUITTI",
    r"KVITTO",
    r"WELCOME",
    r"TERVETULOA",
    r"VALKOMMEN",
    r"THANK\w*",
    r"KIITOS",
    r"TACK",
    r"DATE",
    r"CASHIER",
    r"KASSA",
    r"MYYJA",
    r"REG\w*",
    r"ROC",
    r"COMPANY\s?NO",
    r"WWW",
    r"\w+\.COM",
    r"EMAIL",
    r"CO\.?\s?NO",
    r"ORG\.?\s?NR",
    r"KMKR",
    r"UST\w*",
    r"STEUER\w*",
    r"MWST\w*",
    r"MEHRWERTST\w*",
    r"MOMS\w*",
    r"DANKE",
    r"AITAH",
    r"TERE\s?TULEMAST",
    r"WILLKOMMEN",
    r"KASSENBON",
    r"BELEG",
    r"ARVE",
)
#: Legal-form and business words that mark a company name.
COMPANY_MARK = re.compile(
    r"(?<![A-Z])(?:SDN\.?\s?BHD\.?|SDN|BHD\.?|S/B|OYJ|OY|AB|KY|AY|TMI|LTD\.?|LIMITED|INC\.?|LLC|GMBH|PLC|"
    r"ENTERPRISE|TRADING|HARDWARE|RESTORAN|RESTAURANT|RAVINTOLA|APTEEKKI|APOTEK|PHARMACY|STORE|MART|"
    r"AG|KG|OHG|E\.\s?K\.|UG|OU|AS|ASA|APS|A/S|HB|APOTHEKE|TANKSTELLE|HOTELL?|GASTHOF|GASTSTATTE|"
    r"BACKEREI|KONDITOREI|KOHVIK|APTEEK|KAUPLUS|"
    r"MARKET|SUPERMARKET|BAKERY|CAFE|KAFE|SYARIKAT|PERNIAGAAN|KEDAI|STATIONERY|CONFECTIONERY)(?![A-Z])"
)
#: What only a card-terminal slip prints: application id, masked card number, terminal and
#: verification codes, approval and copy notes.
CARD_SLIP_CUES = _words(
    r"AID\s?:?\s?A0{4,}\d*",
    r"A0{4,}\d{4,}",
    r"\*{4,}\s?\d{4}",
    r"X{4,}\s?\d{4}",
    r"PAN\s?(?:SEQ\w*)?",
    r"TERM(?:INAL)?\s?(?:ID|NR)?",
    r"TVR",
    r"TSI",
    r"ARC",
    r"ATC",
    r"AUTH\w*\s?(?:CODE|NR)?",
    r"HYVAKSYTTY",
    r"HYVAKSYNTA\w*",
    r"GODKAN[DT]",
    r"GENEHMIGT",
    r"AUTORISIERUNG\w*",
    r"APPROVED",
    r"KINNITATUD",
    r"ASIAKKAAN\s?(?:KAPPALE|KUITTI)",
    r"KAUPPIAAN\s?(?:KAPPALE|KUITTI)",
    r"[PF]AATE\s?(?:ID|NRO)?",
    r"OSTO\s?/\s?KOP",
    r"KAUPPIAS\s?(?:ID|NRO)?",
    r"ARKISTOINTITUNNUS",
    r"ARKIVERINGS\w*",
    r"KORTINHALTIJAN\s?KAPPALE",
    r"MYYJAN\s?KAPPALE",
    r"KUNDENBELEG",
    r"HANDLERBELEG",
    r"KUNDKVITTO",
    r"KUNDENS\s?EXEMPLAR",
    r"CARDHOLDER\s?COPY",
    r"MERCHANT\s?COPY",
    r"KLIENDI\s?KOOPIA",
    r"PIN\s?(?:OK|VERIFIED|TARKISTETTU)",
    r"CONTACTLESS",
    r"LAHIMAKSU",
    r"KONTAKTLOS",
)
#: The amount line of a card-terminal slip (``OSTO 12,50 EUR``, ``KÖP``, ``KAUF``, ``OST``).
CARD_PURCHASE = _words(
    r"OSTO", r"KOP", r"KAUF", r"ZAHLUNG", r"PURCHASE", r"SALE", r"OST", r"BETRAG", r"SUMMA"
)

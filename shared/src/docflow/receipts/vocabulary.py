"""Receipt words in Finnish, Swedish and English, as patterns over folded (upper, ASCII) text."""

from __future__ import annotations

import re


def _words(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"(?<![A-Z])(?:" + "|".join(alternatives) + r")(?![A-Z])")


#: Lines that name the amount to pay. Strong words outrank a bare TOTAL/SUMMA.
TOTAL_STRONG = _words(
    r"YHTEENSA",
    r"YHT\.?",
    r"LOPPUSUMMA",
    r"MAKSETTAVA(?:A)?",
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
)
#: ``TOTA]``, ``T0TAL``, ``TOTAI``: the word as OCR misreads it.
TOTAL_WEAK = _words(r"TOTAL", r"SUMMA", r"BELOPP", r"TOTAL\w*", r"DUE", r"T[O0]T[A4][L1I|\]]", r"YHTEENS\w?")
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
)
#: Total words that stay total words on a line that also prints a tax rate.
TOTAL_LOCAL = _words(
    r"YHTEENSA",
    r"MAKSETTAVA(?:A)?",
    r"SUMMA",
    r"ATT\s?BETALA",
    r"LOPPUSUMMA",
)
SUBTOTAL = _words(r"SUB\s?-?\s?TOTAL\w*", r"TOTAL\s?SALES\s?\(?EXCL\w*", r"TOTAL\s?\(?EXCL\w*", r"VALISUMMA")
SERVICE_CHARGE = _words(
    r"SERVICE\s?(?:CHARGE|CHG)\w*", r"SVC\s?CH\w*", r"SRV\s?CH\w*", r"PALVELUMAKSU", r"SERVICEAVGIFT"
)
#: A tax line that prints its rate: ``GST 6% 19.47``, ``SST @ 6 % 1.20``.
RATED_TAX = re.compile(r"(?<![A-Z])(?:GST|SST|VAT|TAX|ALV|MOMS)\s?@?\s?(?P<rate>\d{1,2}(?:[.,]\d{1,2})?)\s?%")
INCLUSIVE = _words(r"INC\w*", r"SIS\.?", r"SISALTAA", r"INKL\w*")
EXCLUDING = _words(r"EXCL\w*", r"EX", r"VEROTON")
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
)
_CHANGE_WORDS = (r"TAKAISIN", r"VAIHTORAHA", r"[CG]HANGE(?:\s?DUE)?", r"VAXEL", r"VAXELPENGAR")
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
    r"MASTERCARD",
    r"MAESTRO",
    r"DEBIT",
    r"CREDIT",
    r"AMEX",
    r"ELECTRON",
    r"LAHIMAKSU",
    r"CONTACTLESS",
)
MOBILE = _words(r"MOBILEPAY", r"SIIRTO", r"APPLE\s?PAY", r"GOOGLE\s?PAY", r"PIVO", r"SWISH")
NOT_PAYMENT = _words(
    r"MEMBER\s?CARD", r"LOYALTY", r"CARD\s?NO", r"CARD\s?EXPIRY", r"PLUSSA\w*", r"S-ETUKORTTI"
)
ROUNDING = _words(r"ROUND\w*", r"PYORISTYS", r"AVRUNDNING", r"ROUNDING\s?ADJ\w*")
DISCOUNT = _words(r"ALENNUS", r"ALE", r"RABATT", r"DISCOUNT", r"DISC", r"ETU", r"SAVING\w*")
DEPOSIT = _words(r"PANTTI", r"PANT", r"DEPOSIT")
#: ``ALY`` and ``AIV``: ``ALV`` as OCR misreads it.
VAT_WORD = _words(r"ALV\w*", r"ALY", r"AIV%?", r"MOMS\w*", r"VAT", r"GST", r"VERO\w*", r"TAX\w*", r"SST")
VAT_HEADER = _words(
    r"VEROTON", r"VEROLLINEN", r"NETTO", r"BRUTTO", r"EXCL\w*", r"INCL\w*", r"NET", r"GROSS", r"ALV\s?%"
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
NET_WORD = _words(r"VEROTON", r"NETTO", r"NET", r"EXCL\w*")
TAX_WORD = _words(r"VERO", r"MOMS", r"VAT", r"ALV", r"TAX", r"GST")
GROSS_WORD = _words(r"VEROLLINEN", r"BRUTTO", r"GROSS", r"INCL\w*", r"TOTAL")
RECEIPT_NUMBER = re.compile(
    r"(?<![A-Z])(?:KUITTI\s?(?:NRO|NUMERO|NO)?|KVITTO\s?(?:NR|NUMMER)?|RECEIPT\s?(?:NO|NUMBER|#)?|"
    r"INV(?:OICE)?\s?(?:NO|NUMBER|#)|BILL\s?(?:NO|#)|DOC(?:UMENT)?\s?NO|TRANS(?:ACTION)?\s?(?:NO|#)|"
    r"TAPAHTUMA\s?NRO|TAPAHTUMA)\.?\s?[:#.]?\s?(?P<number>[A-Z0-9][A-Z0-9/\-]{2,})"
)
#: Lines that are never a merchant name.
NOT_MERCHANT = _words(
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
)
#: Legal-form and business words that mark a company name.
COMPANY_MARK = re.compile(
    r"(?<![A-Z])(?:SDN\.?\s?BHD\.?|SDN|BHD\.?|S/B|OYJ|OY|AB|KY|AY|TMI|LTD\.?|LIMITED|INC\.?|LLC|GMBH|PLC|"
    r"ENTERPRISE|TRADING|HARDWARE|RESTORAN|RESTAURANT|RAVINTOLA|APTEEKKI|APOTEK|PHARMACY|STORE|MART|"
    r"MARKET|SUPERMARKET|BAKERY|CAFE|KAFE|SYARIKAT|PERNIAGAAN|KEDAI|STATIONERY|CONFECTIONERY)(?![A-Z])"
)

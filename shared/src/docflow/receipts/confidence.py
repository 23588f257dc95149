"""How sure the engine is of what it reads: every confidence constant of the receipt engine, in one place.

A value reaches 0.9 only when something independent confirms it (a VAT row whose gross amounts add
up to the total, a total that the card payment repeats).
"""

from __future__ import annotations

#: A VAT row by how many of its amounts (net, tax, gross) are printed as read, when the rows add up to
#: the total: the total cross-checks them.
VAT_ROW_CHECKED: dict[int, float] = {3: 0.97, 2: 0.93, 1: 0.75, 0: 0.6}
#: A printed tax whose gross is what the total leaves (``Sis. ALV 25,5 % 23,48``): total and tax agree.
VAT_ROW_TAX_NOTE = 0.9
#: The same when the tax is a cent or two off the gross's own tax (rounded per line, or a total misread
#: by a few cents, which the tax fits as well): enough to book a total the payment confirms, never a
#: confirmation of the total.
VAT_ROW_TAX_NOTE_ROUNDED = 0.75
#: The same when no total confirms the rows: at most 0.8, however cleanly the row is printed.
VAT_ROW_UNCHECKED: dict[int, float] = {3: 0.8, 2: 0.7, 1: 0.6, 0: 0.5}
#: Rows whose gross amounts do not add up to the total: some of them are wrong.
VAT_ROW_CONTRADICTED = 0.4
#: A row whose rate was corrected to the one valid on the receipt's date.
VAT_ROW_RATE_CORRECTED = 0.6
#: The one rate a note says the prices include (``ALV 25,5 % sisältyy hintaan``), applied to a total that
#: the payment confirms: enough to book, never "confirmed" (nothing prints the tax itself).
VAT_ROW_INCLUDED = 0.75
#: The one rate's share of a total that the payment confirms, under a printed tax one look-alike digit
#: away from it (``ALV:n osuus 2,51`` for 2,57 of 12,66 at 25,5 %): the printed tax is misread, the share
#: is booked; enough to book, never "confirmed".
VAT_ROW_NOTE_MISREAD = 0.75
#: A row derived from the total minus the other rows is trusted no more than this.
VAT_ROW_DERIVED = 0.6

#: A business id printed with its label (``Y-tunnus``), and one found without it.
BUSINESS_ID_LABELLED = 0.97
BUSINESS_ID_UNLABELLED = 0.8
#: A labelled business id read only after repairing its separator or a look-alike letter.
BUSINESS_ID_REPAIRED = 0.8
#: A business id that the receipt's own VAT number contradicts (one of them is misread).
BUSINESS_ID_CONTRADICTED = 0.6
#: A Y-tunnus only one new reading of its line printed whole (the others a digit away): kept for a
#: person to confirm, never booked unseen.
BUSINESS_ID_ONE_READING = 0.6
#: A business id on a noisily read line that no VAT number confirms.
BUSINESS_ID_NOISY = 0.85
VAT_NUMBER = 0.95
#: A foreign VAT number with a valid check digit, read by the country detector.
VAT_NUMBER_FOREIGN = 0.9
#: A time printed on the date's line, and one found elsewhere.
TIME_ON_DATE_LINE = 0.9
TIME_ELSEWHERE = 0.6
RECEIPT_NUMBER = 0.7

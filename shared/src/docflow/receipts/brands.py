"""Chain names, trade words and town names in a merchant's name, with one misread character put right.

Dot print and small type misread single characters of the seller's name (``Liol`` for Lidl,
``K-Macket`` for K-Market, ``Caf6`` for Café, ``Ttäkeskus`` for Itäkeskus). The chains Finnish
businesses buy from at home and on trips to Sweden, Estonia and Germany, the trade words of shop names
(``Ravintola``, ``Apotheke``) and the towns and districts that name a branch are a known list: a word
of the name that differs from exactly one entry in one character (same length once folded, see
:func:`~docflow.receipts.lines.fold`) is that entry, printed as the list has it. Words shorter than
:data:`MIN_LETTERS` are put right only when the character is a look-alike (``St1`` read ``Stl``):
among short words one letter makes another word. A word that is an entry without its accents or dots
(``Cafe``, ``Itakeskus``: the OCR drops them) takes the entry's letters.

A name so repaired is an inference, never a reading: the caller trusts it no more than an
uncorroborated name, and repairs only the names of receipts from :data:`NAME_COUNTRIES` (elsewhere a
word one letter from a Finnish town is a coincidence).
"""

from __future__ import annotations

import re

from docflow.receipts.lines import fold

#: The countries whose chains, trade words and places the lists hold.
NAME_COUNTRIES: frozenset[str] = frozenset({"FI", "SE", "EE", "DE"})
#: Words this long or longer are put right for any one character; shorter ones for look-alikes only.
MIN_LETTERS = 5

#: Chains as they print their names (grocery, discount, hardware, fuel, food, parking, pharmacy, kiosk,
#: transport), Finnish first, then Swedish, Estonian and German ones.
CHAINS: tuple[str, ...] = (
    "K-Market",
    "K-Supermarket",
    "K-Citymarket",
    "K-Rauta",
    "S-market",
    "Prisma",
    "Sale",
    "Alepa",
    "Sokos",
    "Lidl",
    "Tokmanni",
    "Minimani",
    "Halpa-Halli",
    "Motonet",
    "Puuilo",
    "Biltema",
    "Bauhaus",
    "Byggmax",
    "Starkki",
    "Stockmann",
    "Clas Ohlson",
    "Gigantti",
    "Verkkokauppa.com",
    "Intersport",
    "Alko",
    "Neste",
    "Teboil",
    "Shell",
    "St1",
    "ABC",
    "Hesburger",
    "Kotipizza",
    "Fazer",
    "Arnolds",
    "Subway",
    "Picnic",
    "Rax",
    "Espresso House",
    "EuroPark",
    "Q-Park",
    "Aimo Park",
    "R-kioski",
    "Posti",
    "Matkahuolto",
    "Yliopiston Apteekki",
    "ICA",
    "Coop",
    "Konsum",
    "Hemköp",
    "Willys",
    "Systembolaget",
    "Pressbyrån",
    "Circle K",
    "Preem",
    "OKQ8",
    "Ingo",
    "Apoteket",
    "Rimi",
    "Selver",
    "Maxima",
    "Olerex",
    "Alexela",
    "Apteek",
    "ALDI",
    "REWE",
    "EDEKA",
    "Penny",
    "Netto",
    "Kaufland",
    "Rossmann",
    "Müller",
    "toom",
    "Hornbach",
    "OBI",
    "Marktkauf",
    "real",
    "Aral",
    "Esso",
)
#: Trade words of shop and restaurant names, in Finnish, Swedish, Estonian and German.
TRADE_WORDS: tuple[str, ...] = (
    "Ravintola",
    "Kahvila",
    "Kioski",
    "Baari",
    "Bistro",
    "Grilli",
    "Pizzeria",
    "Konditoria",
    "Leipomo",
    "Kukkakauppa",
    "Parturi",
    "Kampaamo",
    "Kirpputori",
    "Kirjakauppa",
    "Apteekki",
    "Taksi",
    "Huoltoasema",
    "Lähikauppa",
    "Market",
    "Supermarket",
    "Café",
    "Kafé",
    "Konditori",
    "Restaurang",
    "Apotek",
    "Kohvik",
    "Restoran",
    "Pood",
    "Bäckerei",
    "Metzgerei",
    "Apotheke",
    "Tankstelle",
    "Gasthaus",
    "Markt",
    "Nord",
    "Süd",
)
#: Finnish towns and the districts and shopping centres that name chain branches; Nordic and German
#: cities receipts come from on trips.
PLACES: tuple[str, ...] = (
    "Helsinki", "Espoo", "Vantaa", "Tampere", "Turku", "Oulu", "Lahti", "Kuopio", "Jyväskylä", "Pori",
    "Joensuu", "Lappeenranta", "Hämeenlinna", "Vaasa", "Rovaniemi", "Seinäjoki", "Mikkeli", "Kotka",
    "Salo", "Porvoo", "Kokkola", "Hyvinkää", "Lohja", "Järvenpää", "Rauma", "Kajaani", "Kerava",
    "Savonlinna", "Nokia", "Kangasala", "Tuusula", "Kirkkonummi", "Pietarsaari", "Raahe", "Imatra",
    "Joutsa", "Kamppi", "Itäkeskus", "Kallio", "Töölö", "Pasila", "Herttoniemi", "Malmi", "Kontula",
    "Ruoholahti", "Kalasatama", "Tapiola", "Leppävaara", "Kivikko", "Hervanta", "Kaleva", "Lielahti",
    "Kirkonkylä", "Keskusta", "Forum", "Kluuvi", "Sello", "Jumbo", "Redi", "Tripla",
    "Stockholm", "Göteborg", "Malmö", "Uppsala", "Luleå", "Umeå", "Haparanda", "Tallinn", "Tartu",
    "Pärnu", "Berlin", "Hamburg", "München", "Köln", "Frankfurt", "Paderborn", "Bielefeld",
)  # fmt: skip

#: The one-word entries by their folded form: a name is put right word by word, so an entry of two
#: words (``Clas Ohlson``) only names a chain (:func:`names_a_chain`).
_ENTRIES: dict[str, str] = {
    fold(entry): entry for entry in (*CHAINS, *TRADE_WORDS, *PLACES) if " " not in entry
}
#: Chains whose name is also a common word (``SUMMER SALE``, ``Netto`` over a VAT column): their name on
#: a line says nothing of the seller.
_COMMON_WORD_CHAINS = frozenset({"Sale", "real", "Netto", "Picnic"})
_CHAIN_NAME = re.compile(
    r"(?<![A-Z0-9])(?:"
    + "|".join(
        re.escape(fold(chain))
        for chain in sorted(CHAINS, key=len, reverse=True)
        if chain not in _COMMON_WORD_CHAINS
    )
    + r")(?![A-Z0-9])"
)
_BY_LENGTH: dict[int, list[str]] = {}
for _folded in _ENTRIES:
    _BY_LENGTH.setdefault(len(_folded), []).append(_folded)
del _folded
#: Characters OCR reads for one another, folded: a short word is put right across these only.
_LOOKALIKES: tuple[frozenset[str], ...] = (
    frozenset("1IL!|T"),
    frozenset("0ODQC"),
    frozenset("6EG"),
    frozenset("5S"),
    frozenset("8B"),
    frozenset("RNMC"),
)
_WORD = re.compile(r"\S+")


def _one_apart(word: str, entry: str, *, lookalike_only: bool) -> bool:
    differing = [(a, b) for a, b in zip(word, entry, strict=True) if a != b]
    if len(differing) != 1:
        return False
    if not lookalike_only:
        return True
    first, second = differing[0]
    return any(first in group and second in group for group in _LOOKALIKES)


def _cased(printed: str, word: str) -> str:
    """``printed`` in capitals when ``word`` is (a word of several letters), else as listed."""
    return printed.upper() if word.isupper() and len(word) > 1 else printed


def _repaired(match: re.Match[str]) -> str:
    word = match[0]
    folded = fold(word)
    if folded in _ENTRIES:
        # The OCR drops accents and dots (``Cafe`` for Café, ``Itakeskus``): the entry's letters.
        printed = _ENTRIES[folded]
        return word if word.casefold() == printed.casefold() else _cased(printed, word)
    if not any(char.isalpha() for char in folded):
        return word
    lookalike_only = len(folded) < MIN_LETTERS
    near = [
        entry
        for entry in _BY_LENGTH.get(len(folded), ())
        if _one_apart(folded, entry, lookalike_only=lookalike_only)
    ]
    if len(near) != 1:
        return word
    return _cased(_ENTRIES[near[0]], word)


def repair_name(name: str) -> str:
    """``name`` with each word one character away from exactly one known chain, trade word or place
    read as that one (``Liol Ttäkeskus`` -> ``Lidl Itäkeskus``); other words unchanged."""
    return _WORD.sub(_repaired, name)


def names_a_chain(text: str) -> bool:
    """Whether ``text`` prints one of :data:`CHAINS` as a word of its own (``Marktkauf Lehr``), not one
    whose name is also a common word."""
    return bool(_CHAIN_NAME.search(fold(text)))

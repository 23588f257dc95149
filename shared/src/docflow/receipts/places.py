"""State and country names in a receipt's address, with one misread letter put right.

Small print loses single letters of the last address line (``KLANG SELANGOR D.E, MALAYSTA``, ``50480
Kuala Lurpur``). The names of Malaysia's states and federal territories and the countries receipts print
are a short closed list, and a word of at least :data:`MIN_LETTERS` letters that differs from one of them
in exactly one letter (same length) is that name when it follows the postcode, where the town, state
and country are printed; before it, street names come that close (``Jalan Senang``, not ``Penang``).
"""

from __future__ import annotations

import re

from docflow.receipts.lines import fold

#: Shorter words are left alone: ``JOHOR``, ``PERAK``, ``KEDAH`` are one letter from other words.
MIN_LETTERS = 6
PLACE_NAMES: frozenset[str] = frozenset(
    {
        "MALAYSIA",
        "SINGAPORE",
        "SELANGOR",
        "LUMPUR",
        "PAHANG",
        "PENANG",
        "PINANG",
        "NEGERI",
        "SEMBILAN",
        "KELANTAN",
        "TERENGGANU",
        "SARAWAK",
        "MELAKA",
        "MALACCA",
        "PUTRAJAYA",
        "WILAYAH",
        "PERSEKUTUAN",
        "FINLAND",
        "SVERIGE",
        "DEUTSCHLAND",
    }
)
_WORD = re.compile(rf"[A-Za-z]{{{MIN_LETTERS},}}")
#: A postcode: four or five digits standing alone (``41050``, ``00100``).
_POSTCODE = re.compile(r"(?<![\w-])\d{4,5}(?![\w-])")


def _one_letter_apart(word: str, name: str) -> bool:
    return len(word) == len(name) and sum(a != b for a, b in zip(word, name, strict=True)) == 1


def _repaired(match: re.Match[str]) -> str:
    word = match[0]
    folded = fold(word)
    if folded in PLACE_NAMES:
        return word
    name = next((name for name in sorted(PLACE_NAMES) if _one_letter_apart(folded, name)), None)
    if name is None:
        return word
    return name if word.isupper() else name.capitalize()


def repair_place_names(text: str) -> str:
    """``text`` with every word after its last postcode that is one letter away from a state or country
    name read as that name, in the word's case (``MALAYSTA`` -> ``MALAYSIA``, ``Lurpur`` -> ``Lumpur``);
    unchanged without a postcode."""
    postcodes = list(_POSTCODE.finditer(text))
    if not postcodes:
        return text
    start = postcodes[-1].end()
    return text[:start] + _WORD.sub(_repaired, text[start:])

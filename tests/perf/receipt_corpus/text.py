"""Printed rows of a receipt (cells on a character grid) and the number, rate and date formats."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

Align = Literal["l", "r", "c"]


@dataclass(frozen=True, slots=True)
class Cell:
    """Text placed on the grid: left edge (``l``), right edge (``r``) or centre (``c``) at column ``col``."""

    text: str
    col: int
    align: Align = "l"


@dataclass(frozen=True, slots=True)
class Row:
    """One printed line: its cells; ``scale`` > 1 prints it larger (a logo line), ``bold`` heavier."""

    cells: tuple[Cell, ...] = ()
    scale: float = 1.0
    bold: bool = False


class Sheet:
    """Rows of a receipt ``width`` characters wide, built with small helpers."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.rows: list[Row] = []

    def add(self, *cells: Cell, scale: float = 1.0, bold: bool = False) -> None:
        self.rows.append(Row(tuple(cell for cell in cells if cell.text), scale, bold))

    def blank(self) -> None:
        self.rows.append(Row())

    def left(self, text: str, *, bold: bool = False) -> None:
        self.add(Cell(text, 0), bold=bold)

    def center(self, text: str, *, scale: float = 1.0, bold: bool = False) -> None:
        self.add(Cell(text, self.width // 2, "c"), scale=scale, bold=bold)

    def lr(self, left: str, right: str, *, bold: bool = False, indent: int = 0) -> None:
        """``left`` at the left edge, ``right`` right-aligned; on two lines when both do not fit."""
        if indent + len(left) + len(right) + 1 > self.width:
            self.add(Cell(left, indent), bold=bold)
            self.add(Cell(right, self.width, "r"), bold=bold)
            return
        self.add(Cell(left, indent), Cell(right, self.width, "r"), bold=bold)

    def rule(self, char: str = "-") -> None:
        self.add(Cell(char * self.width, 0))

    def columns(self, first: str, rest: list[str], ends: list[int], *, bold: bool = False) -> None:
        """``first`` at the left edge, each of ``rest`` right-aligned at the matching column of ``ends``."""
        self.add(
            Cell(first, 0), *(Cell(text, end, "r") for text, end in zip(rest, ends, strict=True)), bold=bold
        )

    def text_lines(self) -> list[str]:
        """The rows as plain monospace text (for tests and for looking at a receipt)."""
        lines = []
        for row in self.rows:
            chars = [" "] * (self.width + 40)
            for cell in row.cells:
                start = {"l": cell.col, "r": cell.col - len(cell.text), "c": cell.col - len(cell.text) // 2}[
                    cell.align
                ]
                for offset, char in enumerate(cell.text):
                    if 0 <= start + offset < len(chars):
                        chars[start + offset] = char
            lines.append("".join(chars).rstrip())
        return lines


def money(value: Decimal, *, dot: bool = False, thousands: bool = False, trailing_minus: bool = False) -> str:
    """``12,34`` (or ``12.34``); ``1 234,56`` with ``thousands``; ``12,34-`` with ``trailing_minus``."""
    sign = "-" if value < 0 else ""
    whole, frac = f"{abs(value):.2f}".split(".")
    if thousands and len(whole) > 3:
        whole = f"{int(whole):,}".replace(",", " " if not dot else ",")
    text = f"{whole}{'.' if dot else ','}{frac}"
    if not sign:
        return text
    return text + "-" if trailing_minus else sign + text


def rate_text(rate: Decimal, style: int = 0) -> str:
    """A VAT rate as receipts print it; ``style`` picks ``25,5 %``, ``25,5%``, ``25.5%`` or ``25,50 %``."""
    plain = format(rate.normalize(), "f")
    comma = plain.replace(".", ",")
    return [f"{comma} %", f"{comma}%", f"{plain}%", f"{rate:.2f} %".replace(".", ",")][style % 4]


def date_text(day: dt.date, style: int = 0) -> str:
    """``31.12.2025``, ``31.12.25``, ``2025-12-31``, ``31/12/2025`` or ``1.2.2025``."""
    return [
        day.strftime("%d.%m.%Y"),
        day.strftime("%d.%m.%y"),
        day.isoformat(),
        day.strftime("%d/%m/%Y"),
        f"{day.day}.{day.month}.{day.year}",
    ][style % 5]

"""The trend chart is a valid PNG of the announced size, bars scaled to the largest month."""

from __future__ import annotations

import struct
import zlib
from decimal import Decimal

from docflow.email.chart import HEIGHT, WIDTH, bar_chart


def _pixels(png: bytes) -> list[bytes]:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (WIDTH, HEIGHT)
    idat_length = struct.unpack(">I", png[33:37])[0]
    assert png[37:41] == b"IDAT"
    raw = zlib.decompress(png[41 : 41 + idat_length])
    stride = 1 + width * 3
    assert len(raw) == stride * height
    return [raw[row * stride + 1 : (row + 1) * stride] for row in range(height)]


def test_bars_are_drawn_and_the_largest_reaches_the_top() -> None:
    rows = _pixels(bar_chart([Decimal("10"), Decimal("0"), Decimal("40"), Decimal("-5")]))
    coloured = [i for i, row in enumerate(rows) if bytes((29, 78, 216)) in row]
    assert min(coloured) == 8  # the top margin: the largest bar is full height


def test_empty_and_all_zero_charts_are_valid() -> None:
    assert len(_pixels(bar_chart([]))) == HEIGHT
    assert len(_pixels(bar_chart([Decimal(0)] * 12))) == HEIGHT

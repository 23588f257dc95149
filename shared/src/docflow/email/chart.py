"""The 12-month trend as a bar chart PNG, written with the standard library only (``zlib``), so the
report needs no imaging package: e-mail clients show PNG images but not SVG or scripts."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence
from decimal import Decimal

WIDTH, HEIGHT = 560, 200
_BACKGROUND = (255, 255, 255)
_BAR = (29, 78, 216)
_LAST = (234, 88, 12)
_AXIS = (161, 161, 170)
_MARGIN, _BOTTOM = 8, 12


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def bar_chart(values: Sequence[Decimal], *, width: int = WIDTH, height: int = HEIGHT) -> bytes:
    """A PNG of one bar per value (the last highlighted), scaled to the largest; zero and negative
    values draw no bar."""
    rows = [bytearray(bytes(_BACKGROUND) * width) for _ in range(height)]
    base = height - _BOTTOM
    for x in range(width):
        rows[base][x * 3 : x * 3 + 3] = bytes(_AXIS)
    top = max((v for v in values if v > 0), default=Decimal(0))
    count = max(len(values), 1)
    slot = (width - 2 * _MARGIN) // count
    gap = max(2, slot // 5)
    for index, value in enumerate(values):
        if value <= 0 or top <= 0:
            continue
        bar_height = max(1, int((value / top) * (base - _MARGIN)))
        left = _MARGIN + index * slot + gap // 2
        colour = bytes(_LAST if index == len(values) - 1 else _BAR)
        for y in range(base - bar_height, base):
            rows[y][left * 3 : (left + slot - gap) * 3] = colour * (slot - gap)
    raw = b"".join(b"\x00" + bytes(row) for row in rows)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(raw, 6))
        + _chunk(b"IEND", b"")
    )

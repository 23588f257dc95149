"""Documents built in code for the OCR tests: valid files, attack files and rendered receipts."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Sequence

from PIL import Image, ImageChops, ImageDraw, ImageFont

FONT_PATH = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
MONO_FONT_PATH = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"

RECEIPT_LINES: tuple[str, ...] = (
    "K-MARKET KALLIO",
    "Y-tunnus 1234567-1",
    "12.03.2025 14:32",
    "MAITO 1L          1,29",
    "RUISLEIPA         2,49",
    "KAHVI 500G        6,95",
    "YHTEENSA         10,73",
    "KORTTIMAKSU      10,73",
    "ALV 14%  VEROTON 9,41",
)


# --- images -----------------------------------------------------------------------------------


def encode(image: Image.Image, fmt: str, **options: object) -> bytes:
    """The bytes of ``image`` saved in ``fmt``."""
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def render_receipt(lines: Sequence[str] = RECEIPT_LINES, *, size: int = 28, margin: int = 40) -> Image.Image:
    """A white receipt with black monospaced text, one line per entry."""
    font = ImageFont.truetype(MONO_FONT_PATH, size)
    line_height = int(size * 1.6)
    width = max(int(font.getlength(line)) for line in lines) + 2 * margin
    image = Image.new("L", (width, line_height * len(lines) + 2 * margin), 255)
    draw = ImageDraw.Draw(image)
    for row, line in enumerate(lines):
        draw.text((margin, margin + row * line_height), line, font=font, fill=0)
    return image


def dotted(image: Image.Image, *, pitch: int = 4, dot: int = 2) -> Image.Image:
    """``image`` printed as a grid of ``dot``-pixel dots ``pitch`` pixels apart (ink only on the dots)."""
    grid = Image.new("L", image.size, 255)
    rows, columns = range(image.height), range(image.width)
    grid.putdata([0 if x % pitch < dot and y % pitch < dot else 255 for y in rows for x in columns])
    return ImageChops.lighter(image, grid)


def text_image(text: str = "TOTAL 12,50", *, size: tuple[int, int] = (320, 80)) -> Image.Image:
    """A small image with a little dark text on white (not blank)."""
    image = Image.new("L", size, 255)
    ImageDraw.Draw(image).text((10, 10), text, font=ImageFont.truetype(FONT_PATH, 28), fill=0)
    return image


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG declaring ``width`` x ``height`` 1-bit pixels with almost no image data (a bomb)."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _png_chunk(b"IEND", b"")
    )


def gif_with_frame(screen: tuple[int, int], frame: tuple[int, int]) -> bytes:
    """A GIF whose logical screen is ``screen`` but whose only frame spans ``frame``."""
    header = b"GIF89a" + struct.pack("<HHBBB", *screen, 0x80, 0, 0) + b"\x00\x00\x00\xff\xff\xff"
    descriptor = b"," + struct.pack("<HHHHB", 0, 0, *frame, 0)
    return header + descriptor + b"\x02\x02\x44\x01\x00" + b";"


# --- PDFs -------------------------------------------------------------------------------------


def build_pdf(objects: Sequence[bytes], *, trailer_extra: bytes = b"") -> bytes:
    """A PDF with a correct cross-reference table; object 1 must be the catalog."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        trailer_extra,
        xref,
    )
    return bytes(out)


def _stream(body: bytes, *, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(body), extra) + body + b"\nendstream"


def pdf_with_text(lines: Sequence[str], *, page_size: tuple[int, int] = (300, 400)) -> bytes:
    """A one-page PDF whose text layer holds ``lines`` in Helvetica, top to bottom."""
    return build_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] " % page_size
            + b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
            _stream(_text_ops(lines, page_size[1] - 40)),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        ]
    )


def _text_ops(lines: Sequence[str], top: int) -> bytes:
    parts = [b"BT /F1 12 Tf 14 TL 20 %d Td" % top]
    for line in lines:
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        parts.append(b"(" + escaped.encode("latin-1") + b") Tj T*")
    parts.append(b"ET")
    return b"\n".join(parts)


def pdf_with_image(
    image: Image.Image, *, page_size: tuple[int, int] = (300, 400), text_lines: Sequence[str] = ()
) -> bytes:
    """A one-page PDF showing a grayscale image over the whole page, with an optional text layer."""
    gray = image.convert("L")
    pixels = zlib.compress(gray.tobytes())
    content = b"q %d 0 0 %d 0 0 cm /Im1 Do Q" % page_size
    if text_lines:
        content += b"\n3 Tr\n" + _text_ops(text_lines, page_size[1] - 40)  # render mode 3: invisible
    return build_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] " % page_size
            + b"/Resources << /XObject << /Im1 5 0 R >> /Font << /F1 6 0 R >> >> /Contents 4 0 R >>",
            _stream(content),
            _stream(
                pixels,
                extra=b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
                % gray.size
                + b"/BitsPerComponent 8 /Filter /FlateDecode ",
            ),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        ]
    )


def pdf_with_pages(count: int) -> bytes:
    """A PDF with ``count`` empty pages (object 3 onwards)."""
    kids = b" ".join(b"%d 0 R" % (number + 3) for number in range(count))
    pages = [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"] * count
    return build_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % count,
            *pages,
        ]
    )


def deflate_bomb(inflated_bytes: int) -> bytes:
    """A zlib stream of ``inflated_bytes`` zero bytes (roughly), built by hand in milliseconds.

    A fixed-Huffman block: one literal zero then copies of 258 bytes at distance 1. Each copy is 13
    bits, so eight copies are exactly 13 bytes and repeat as a byte pattern.
    """
    bits: list[int] = []

    def put(value: int, count: int, *, msb_first: bool = False) -> None:
        order = range(count - 1, -1, -1) if msb_first else range(count)
        bits.extend((value >> shift) & 1 for shift in order)

    copies = 64
    put(1, 1)  # BFINAL
    put(1, 2)  # BTYPE = fixed Huffman
    put(0x30, 8, msb_first=True)  # literal 0
    for _ in range(copies):
        put(0b11000101, 8, msb_first=True)  # length code 285: 258 bytes
        put(0, 5, msb_first=True)  # distance code 0: distance 1
    put(0, 7, msb_first=True)  # end of block
    bits.extend([0] * (-len(bits) % 8))
    small = bytes(sum(bit << i for i, bit in enumerate(bits[n : n + 8])) for n in range(0, len(bits), 8))
    repeats = max(0, (inflated_bytes - 1 - 258 * copies) // (258 * 8))
    body = small[:2] + small[2:15] * repeats + small[2:]
    total = 1 + 258 * (copies + 8 * repeats)
    adler = ((total % 65521) << 16) | 1
    return b"\x78\x01" + body + struct.pack(">I", adler)


def pdf_flate_bomb(inflated_bytes: int) -> bytes:
    """A one-page PDF whose content stream inflates to ``inflated_bytes`` zero bytes."""
    return build_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
            _stream(deflate_bomb(inflated_bytes), extra=b"/Filter /FlateDecode "),
        ]
    )


def encrypted_pdf() -> bytes:
    """A PDF with a standard security handler whose user password is not empty."""
    return pdf_with_text(["SECRET RECEIPT TEXT"]).replace(
        b"trailer\n<<",
        b"trailer\n<< /Encrypt << /Filter /Standard /V 2 /R 3 /Length 128 /P -4 "
        b"/O <"
        + b"11" * 32
        + b"> /U <"
        + b"22" * 32
        + b"> >> /ID [<"
        + b"33" * 16
        + b"> <"
        + b"33" * 16
        + b">]",
    )

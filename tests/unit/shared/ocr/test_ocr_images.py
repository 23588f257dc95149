"""Image decoding: orientation, transparency, frames, formats and metadata."""

from __future__ import annotations

import pytest
from PIL import Image, ImageDraw

from docflow.ocr import OcrLimits, read_document
from docflow.ocr.errors import CorruptFileError, EmptyDocumentError, TooManyPagesError, TruncatedFileError
from docflow.ocr.images import decode_image, is_blank
from tests.support.ocr_corpus import encode, render_receipt, text_image

from .fakes import RecordingEngine

LIMITS = OcrLimits()


def _with_orientation(image: Image.Image, orientation: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "PhoneMaker"
    return encode(image.convert("RGB"), "JPEG", exif=exif.tobytes())


def test_given_exif_rotated_jpeg_when_decoded_then_upright_and_exif_dropped() -> None:
    stored = text_image(size=(300, 100)).rotate(90, expand=True)  # 100 x 300 as stored
    image = decode_image(_with_orientation(stored, 6), "image/jpeg", LIMITS)
    assert image.size == (300, 100)
    assert image.mode == "L"
    assert image.info == {}
    assert not image.getexif()


def test_given_upright_exif_jpeg_when_decoded_then_pixels_as_without_exif() -> None:
    stored = text_image(size=(300, 100))
    upright = decode_image(_with_orientation(stored, 1), "image/jpeg", LIMITS)
    plain = decode_image(encode(stored.convert("RGB"), "JPEG"), "image/jpeg", LIMITS)
    assert upright.size == (300, 100)
    assert upright.tobytes() == plain.tobytes()


def test_given_transparent_png_when_decoded_then_flattened_on_white() -> None:
    rgba = Image.new("RGBA", (200, 80), (0, 0, 0, 0))
    ImageDraw.Draw(rgba).rectangle((20, 20, 60, 60), fill=(0, 0, 0, 255))
    image = decode_image(encode(rgba, "PNG"), "image/png", LIMITS)
    assert image.getpixel((5, 5)) == 255
    assert image.getpixel((40, 40)) == 0


def test_given_animated_gif_when_decoded_then_first_frame_only() -> None:
    first = text_image("FIRST")
    second = Image.new("L", first.size, 0)
    data = encode(first.convert("P"), "GIF", save_all=True, append_images=[second.convert("P")], duration=100)
    image = decode_image(data, "image/gif", LIMITS)
    assert image.getpixel((2, 2)) == 255


@pytest.mark.parametrize(("content_type", "fmt"), [("image/webp", "WEBP"), ("image/tiff", "TIFF")])
def test_given_other_formats_when_decoded_then_grayscale_image(content_type: str, fmt: str) -> None:
    image = decode_image(encode(text_image().convert("RGB"), fmt), content_type, LIMITS)
    assert image.size == (320, 80)
    assert image.mode == "L"


def test_given_heic_when_decoded_then_grayscale_image() -> None:
    pillow_heif = pytest.importorskip("pillow_heif")
    pillow_heif.register_heif_opener()
    data = encode(text_image().convert("RGB"), "HEIF")
    assert decode_image(data, "image/heic", LIMITS).size == (320, 80)


def test_given_jpeg_bytes_sent_as_png_decoder_when_decoded_then_corrupt() -> None:
    with pytest.raises(CorruptFileError):
        decode_image(encode(text_image(), "JPEG"), "image/png", LIMITS)


def test_given_truncated_jpeg_when_decoded_then_truncated() -> None:
    data = encode(render_receipt(), "JPEG")
    with pytest.raises(TruncatedFileError):
        decode_image(data[: len(data) // 2], "image/jpeg", LIMITS)


def test_given_nearly_flat_image_when_checked_then_blank_and_text_is_not() -> None:
    assert is_blank(Image.new("L", (500, 500), 250))
    assert not is_blank(text_image())


def test_given_tiny_image_when_decoded_then_empty() -> None:
    with pytest.raises(EmptyDocumentError):
        decode_image(encode(Image.new("L", (4, 200), 0), "PNG"), "image/png", LIMITS)


def _tiff_pages(*pages: Image.Image) -> bytes:
    first, *rest = pages
    return encode(first, "TIFF", save_all=True, append_images=rest)


def test_given_multipage_tiff_when_read_then_each_non_blank_page_is_a_page() -> None:
    blank = Image.new("L", (320, 80), 255)
    data = _tiff_pages(text_image("FIRST"), blank, text_image("THIRD"))
    engine = RecordingEngine()
    result = read_document(data, declared_type="image/tiff", engine=engine)
    assert [page.number for page in result.pages] == [1, 2]
    assert len(engine.images) == 2


def test_given_grayscale_tiff_when_read_then_each_page_keeps_its_own_pixels() -> None:
    from docflow.ocr.images import iter_image_pages

    first, second = text_image("FIRST"), text_image("SECOND")
    pages = list(iter_image_pages(_tiff_pages(first, second), "image/tiff", LIMITS))
    assert [page.tobytes() for page in pages] == [first.tobytes(), second.tobytes()]


def test_given_tiff_with_too_many_pages_when_read_then_too_many_pages() -> None:
    data = _tiff_pages(*[text_image(str(n)) for n in range(4)])
    with pytest.raises(TooManyPagesError):
        read_document(data, limits=OcrLimits(max_pdf_pages=3), engine=RecordingEngine())


def test_given_sixteen_bit_grayscale_scan_when_decoded_then_text_stays_dark_on_white() -> None:
    wide = text_image().point(lambda value: value * 257, mode="I").convert("I;16")
    image = decode_image(encode(wide, "PNG"), "image/png", LIMITS)
    assert image.getextrema() == (0, 255)


def test_the_blank_check_thumbnail_has_pillows_thumbnail_size() -> None:
    from docflow.ocr.images import thumbnail_size

    sizes = [(4032, 3024), (3024, 4032), (256, 256), (257, 256), (100, 50), (8, 9000), (9000, 8), (1000, 999)]
    sizes += [(width, height) for width in range(200, 1400, 37) for height in range(240, 1300, 53)]
    for size in sizes:
        pillow = Image.new("1", size)
        pillow.thumbnail((256, 256))
        assert (thumbnail_size(size, 256) or size) == pillow.size, size

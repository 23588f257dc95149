"""Content type sniffing, declared types, file names and polyglots."""

from __future__ import annotations

import pytest

from docflow.ocr import ALLOWED_CONTENT_TYPES, sniff_content_type
from docflow.ocr.errors import PolyglotFileError, TypeMismatchError, UnsupportedTypeError
from docflow.ocr.sniff import (
    normalize_declared_type,
    reject_polyglot,
    resolve_content_type,
    type_from_filename,
)
from tests.support.ocr_corpus import encode, pdf_with_text, text_image

HEADS = {
    "image/jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
    "image/png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "image/webp": b"RIFF\x10\x00\x00\x00WEBPVP8 ",
    "image/tiff": b"II*\x00\x08\x00\x00\x00",
    "image/heic": b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00",
    "image/gif": b"GIF89a\x01\x00\x01\x00",
    "application/pdf": b"%PDF-1.7\n",
}


@pytest.mark.parametrize(("content_type", "head"), HEADS.items())
def test_given_magic_bytes_when_sniffed_then_type_is_recognised(content_type: str, head: bytes) -> None:
    assert sniff_content_type(head) == content_type
    assert content_type in ALLOWED_CONTENT_TYPES


@pytest.mark.parametrize(
    "head",
    [
        b"",
        b"<html><body>",
        b"PK\x03\x04zip",
        b"\x00\x00\x00\x18ftypavif",
        b"BM6\x00",
        b" %PDF-1.4",
        b"\xff\xd8",
    ],
)
def test_given_unknown_or_partial_magic_when_sniffed_then_none(head: bytes) -> None:
    assert sniff_content_type(head) is None


@pytest.mark.parametrize(
    ("declared", "expected"),
    [
        ("image/JPEG; charset=binary", "image/jpeg"),
        ("image/jpg", "image/jpeg"),
        ("image/heif", "image/heic"),
        ("application/octet-stream", None),
        ("", None),
        (None, None),
        ("text/html", "text/html"),
    ],
)
def test_given_declared_type_when_normalized_then_aliases_map(
    declared: str | None, expected: str | None
) -> None:
    assert normalize_declared_type(declared) == expected


@pytest.mark.parametrize(
    ("filename", "expected"),
    [("kuitti.JPG", "image/jpeg"), ("dir/scan.pdf", "application/pdf"), ("IMG_0001", None), (None, None)],
)
def test_given_filename_when_typed_then_extension_decides(filename: str | None, expected: str | None) -> None:
    assert type_from_filename(filename) == expected


def test_given_unknown_extension_when_typed_then_unsupported() -> None:
    with pytest.raises(UnsupportedTypeError):
        type_from_filename("receipt.jpg.html")


def test_given_png_bytes_declared_as_jpeg_when_resolved_then_type_mismatch() -> None:
    png = encode(text_image(), "PNG")
    with pytest.raises(TypeMismatchError) as caught:
        resolve_content_type(png, declared_type="image/jpeg", filename=None)
    assert caught.value.code == "type_mismatch"
    assert caught.value.status == 415


def test_given_html_declared_as_png_when_resolved_then_type_mismatch() -> None:
    with pytest.raises(TypeMismatchError):
        resolve_content_type(
            b"<html><script>alert(1)</script></html>", declared_type="image/png", filename=None
        )


def test_given_png_named_as_pdf_when_resolved_then_type_mismatch() -> None:
    png = encode(text_image(), "PNG")
    with pytest.raises(TypeMismatchError):
        resolve_content_type(png, declared_type=None, filename="receipt.pdf")


def test_given_undeclared_html_when_resolved_then_unsupported() -> None:
    with pytest.raises(UnsupportedTypeError) as caught:
        resolve_content_type(b"<!DOCTYPE html><html></html>", declared_type=None, filename=None)
    assert caught.value.code == "unsupported_type"


def test_given_disallowed_declared_type_when_resolved_then_unsupported() -> None:
    with pytest.raises(UnsupportedTypeError):
        resolve_content_type(b"%PDF-1.7\n", declared_type="text/html", filename=None)


def test_given_matching_declaration_when_resolved_then_sniffed_type_returned() -> None:
    png = encode(text_image(), "PNG")
    assert resolve_content_type(png, declared_type="image/png", filename="a.png") == "image/png"
    assert resolve_content_type(png, declared_type=None, filename=None) == "image/png"


@pytest.mark.parametrize(
    "payload",
    [
        b"%PDF-1.4\n1 0 obj<<>>endobj",
        b"<script>alert(1)</script>",
        b"<HTML><body onload=x>",
        b'<svg xmlns="http://www.w3.org/2000/svg">',
        b"<?php system($_GET['c']); ?>",
        b"<iframe src=x>",
    ],
)
def test_given_image_carrying_pdf_or_markup_when_checked_then_polyglot(payload: bytes) -> None:
    jpeg = encode(text_image(), "JPEG", comment=payload)
    with pytest.raises(PolyglotFileError) as caught:
        reject_polyglot(jpeg, "image/jpeg")
    assert caught.value.code == "polyglot_file"
    assert isinstance(caught.value, TypeMismatchError)


def test_given_pdf_with_script_when_checked_then_polyglot() -> None:
    pdf = pdf_with_text(["<script>alert(1)</script>"])
    with pytest.raises(PolyglotFileError):
        reject_polyglot(pdf, "application/pdf")


def test_given_clean_files_when_checked_then_accepted() -> None:
    reject_polyglot(encode(text_image(), "JPEG"), "image/jpeg")
    reject_polyglot(pdf_with_text(["K-MARKET", "YHTEENSA 10,73"]), "application/pdf")

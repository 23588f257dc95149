"""Identify a document's type from its bytes and check it against what the client declared.

Rules:

* The type is decided by magic bytes at offset 0 only; a declared type or file name extension
  never overrides them.
* A declared type (or a known extension) that disagrees with the bytes is a spoof
  (:class:`TypeMismatchError`), also when the bytes are of no type we know. A declared type outside
  :data:`ALLOWED_CONTENT_TYPES`, an unknown extension, or unknown bytes are :class:`UnsupportedTypeError`.
  ``application/octet-stream`` counts as "not declared".
* Polyglots: a file of one type that also carries another format's signature or active markup
  (``%PDF-`` inside an image; HTML, script, SVG, PHP, or an XML/HTML document start anywhere) is
  rejected as :class:`PolyglotFileError`, whatever it was declared as.
"""

from __future__ import annotations

import re

from docflow.ocr.errors import PolyglotFileError, TypeMismatchError, UnsupportedTypeError

JPEG, PNG, WEBP, TIFF, HEIC, GIF, PDF = (
    "image/jpeg",
    "image/png",
    "image/webp",
    "image/tiff",
    "image/heic",
    "image/gif",
    "application/pdf",
)

#: Types accepted for upload, as returned by :func:`sniff_content_type`.
ALLOWED_CONTENT_TYPES: frozenset[str] = frozenset({JPEG, PNG, WEBP, TIFF, HEIC, GIF, PDF})

#: ISO-BMFF brands of HEIF still images (HEIC and its generic/sequence variants).
_HEIF_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"})

_TYPE_ALIASES: dict[str, str] = {
    "image/jpg": JPEG,
    "image/pjpeg": JPEG,
    "image/x-png": PNG,
    "image/tif": TIFF,
    "image/x-tiff": TIFF,
    "image/heif": HEIC,
    "image/heic-sequence": HEIC,
    "image/heif-sequence": HEIC,
    "application/x-pdf": PDF,
}

_EXTENSIONS: dict[str, str] = {
    "jpg": JPEG,
    "jpeg": JPEG,
    "jpe": JPEG,
    "jfif": JPEG,
    "png": PNG,
    "webp": WEBP,
    "tif": TIFF,
    "tiff": TIFF,
    "heic": HEIC,
    "heif": HEIC,
    "hif": HEIC,
    "gif": GIF,
    "pdf": PDF,
}

#: Signatures that must not appear inside a file of another type (matched case-insensitively).
#: Markup that must not ride inside an upload, by literal prefix, each with the pattern that must
#: follow it (matched on the lower-cased file). Every signature is long or anchored enough that
#: random compressed bytes match it with negligible probability (below 1e-5 for a 15 MiB file),
#: so genuine photos are not rejected by chance.
_MARKUP: tuple[tuple[bytes, re.Pattern[bytes]], ...] = tuple(
    (prefix, re.compile(re.escape(prefix) + rest))
    for prefix, rest in (
        (b"<script", b""),
        (b"<iframe", b""),
        (b"<object", b""),
        (b"<embed", rb"[\s>/]"),
        (b"<html", rb"[\s>]"),
        (b"<body", rb"[\s>]"),
        (b"<svg", rb"[\s/][^>]{0,256}xmlns"),
        (b"<!doctype", rb"\s+html"),
        (b"<?php", rb"\s"),
        (b"<?xml-stylesheet", b""),
        (b"javascript:", b""),
    )
)
_PDF_SIGNATURE = b"%PDF-"


def sniff_content_type(head: bytes) -> str | None:  # noqa: PLR0911 - one return per signature
    """The content type that the first bytes of a file announce, or ``None`` if unknown.

    Sixteen bytes are enough for every type recognised here.
    """
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return TIFF
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return HEIC
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head.startswith(_PDF_SIGNATURE):
        return PDF
    return None


def normalize_declared_type(declared_type: str | None) -> str | None:
    """Lower-case the media type, drop parameters, map aliases; ``None`` when nothing useful was declared."""
    if declared_type is None:
        return None
    media_type = declared_type.split(";", 1)[0].strip().lower()
    if media_type in {"", "application/octet-stream", "binary/octet-stream"}:
        return None
    return _TYPE_ALIASES.get(media_type, media_type)


def type_from_filename(filename: str | None) -> str | None:
    """The content type a file name's extension implies; ``None`` when it has no extension.

    Raises :class:`UnsupportedTypeError` for an extension that is not one of the accepted types.
    """
    if not filename:
        return None
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    if "." not in base.strip("."):
        return None
    extension = base.rsplit(".", 1)[-1].lower()
    if extension not in _EXTENSIONS:
        raise UnsupportedTypeError("File name extension is not an accepted document type")
    return _EXTENSIONS[extension]


def find_foreign_content(data: bytes, content_type: str) -> str | None:
    """Name the foreign content a file of ``content_type`` carries, or ``None`` when it is clean."""
    lowered = data.lower()
    for prefix, pattern in _MARKUP:
        position = lowered.find(prefix)
        while position != -1:
            if pattern.match(lowered, position):
                return "markup or script"
            position = lowered.find(prefix, position + 1)
    if content_type != PDF and data.find(_PDF_SIGNATURE) != -1:
        return "a PDF document"
    return None


def resolve_content_type(data: bytes, *, declared_type: str | None, filename: str | None) -> str:
    """The sniffed content type of ``data`` after checking it against the declared type and name.

    Reads only the first bytes; raises :class:`UnsupportedTypeError` or :class:`TypeMismatchError`.
    """
    declared = normalize_declared_type(declared_type)
    if declared is not None and declared not in ALLOWED_CONTENT_TYPES:
        raise UnsupportedTypeError("Declared content type is not an accepted document type")
    named = type_from_filename(filename)
    sniffed = sniff_content_type(data[:16])
    for claimed, source in ((declared, "declared content type"), (named, "file name extension")):
        if claimed is not None and claimed != sniffed:
            raise TypeMismatchError(f"File contents do not match the {source}")
    if sniffed is None:
        raise UnsupportedTypeError("File is not a JPEG, PNG, WebP, TIFF, HEIC, GIF or PDF document")
    return sniffed


def reject_polyglot(data: bytes, content_type: str) -> None:
    """Raise :class:`PolyglotFileError` when a file of ``content_type`` also carries foreign content."""
    foreign = find_foreign_content(data, content_type)
    if foreign is not None:
        raise PolyglotFileError(f"File also contains {foreign}")

"""``read_document``: validate an upload, then read every page from its text layer or by OCR."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from docflow.ocr.engine import OcrEngine
from docflow.ocr.engine_choice import default_engine
from docflow.ocr.errors import EXTRA_PASS_ERRORS, OcrDocumentTimeoutError, OcrTimeoutError
from docflow.ocr.gaps import read_uncovered
from docflow.ocr.header import HeaderReader
from docflow.ocr.layout import Fragment, build_lines
from docflow.ocr.limits import OcrLimits
from docflow.ocr.line_reader import LineReader
from docflow.ocr.loader import LoadedPage, load_pages, validate_upload
from docflow.ocr.models import OcrPage, OcrResult, make_page
from docflow.ocr.prepare import prepare_for_ocr
from docflow.ocr.preprocess import PreparedImage, PreprocessOptions
from docflow.ocr.weak_lines import reread_weak

if TYPE_CHECKING:
    from PIL.Image import Image

logger = logging.getLogger(__name__)


def _extra_pass(
    read: Callable[..., list[Fragment]], fragments: list[Fragment], *, limits: OcrLimits, deadline: float
) -> list[Fragment]:
    """What an extra reading pass over the prepared page returns, called with the page's time left as
    ``timeout_seconds``; the first reading when no time is left, the pass runs out of it or the engine
    fails on it (an extra lost, never a failed page)."""
    left = min(limits.page_timeout_seconds, deadline - time.perf_counter())
    if left <= 0:
        return fragments
    try:
        return read(timeout_seconds=left)
    except EXTRA_PASS_ERRORS as error:
        logger.warning("an extra reading pass was given up: %s", error.code)
        return fragments


def _ocr_page(
    page: LoadedPage,
    image: Image,
    *,
    engine: OcrEngine,
    languages: str,
    limits: OcrLimits,
    options: PreprocessOptions | None,
    deadline: float,
) -> tuple[OcrPage, PreparedImage]:
    started = time.perf_counter()
    prepared = prepare_for_ocr(image, options)
    left = deadline - time.perf_counter()
    if left <= 0:
        raise _document_timeout(limits)
    try:
        fragments = engine.recognize(
            prepared.image, languages=languages, timeout_seconds=min(limits.page_timeout_seconds, left)
        )
    except OcrTimeoutError:
        if left < limits.page_timeout_seconds:
            raise _document_timeout(limits) from None
        raise
    chosen = options or PreprocessOptions()
    if chosen.read_gaps:  # rows of print the reading left out (docflow.ocr.gaps)
        text_height = prepared.image_text_height
        gaps = partial(
            read_uncovered, prepared.image, fragments, text_height, engine=engine, languages=languages
        )
        fragments = _extra_pass(gaps, fragments, limits=limits, deadline=deadline)
    if chosen.reread_weak:  # weak runs between sure lines (docflow.ocr.weak_lines)
        weak = partial(reread_weak, prepared.image, fragments, engine=engine, languages=languages)
        fragments = _extra_pass(weak, fragments, limits=limits, deadline=deadline)
    in_page = (prepared.fragment_to_page(fragment, (page.width, page.height)) for fragment in fragments)
    lines = build_lines(in_page, page=page.number)
    seconds = time.perf_counter() - started
    ocr_page = make_page(
        number=page.number, width=page.width, height=page.height, lines=lines, source="ocr", seconds=seconds
    )
    return ocr_page, prepared


def _document_timeout(limits: OcrLimits) -> OcrDocumentTimeoutError:
    return OcrDocumentTimeoutError(
        f"The document took longer than {limits.document_timeout_seconds:g} s to read"
    )


def read_document(
    data: bytes,
    *,
    filename: str | None = None,
    declared_type: str | None = None,
    limits: OcrLimits | None = None,
    languages: str | None = None,
    engine: OcrEngine | None = None,
    preprocess: PreprocessOptions | None = None,
) -> OcrResult:
    """Read the text of an uploaded image or PDF, within ``limits`` (per page and for the whole document).

    ``declared_type`` (the client's Content-Type) and ``filename`` must agree with the file's
    magic bytes. ``languages`` defaults to the engine's (``OCR_LANGUAGES``, else ``fin+eng`` where installed);
    ``engine`` defaults to the process-wide Tesseract engine (in-process tesserocr when installed,
    else the ``tesseract`` command). The result can read the first OCR page's header again
    (``header_reader``, see :mod:`docflow.ocr.header`) and its lines (``line_reader``, see
    :mod:`docflow.ocr.line_reader`) until the document's time limit. Raises only
    :class:`~docflow.ocr.errors.DocumentError` subclasses for unreadable input.
    """
    started = time.perf_counter()
    limits = limits or OcrLimits()
    deadline = started + limits.document_timeout_seconds
    content_type = validate_upload(data, declared_type=declared_type, filename=filename, limits=limits)
    pages: list[OcrPage] = []
    used_languages = ""
    header_reader: HeaderReader | None = None
    line_reader: LineReader | None = None
    for page in load_pages(data, content_type, limits):
        if time.perf_counter() >= deadline:
            raise _document_timeout(limits)
        if page.image is None:
            lines = page.lines or ()
            pages.append(
                make_page(
                    number=page.number,
                    width=page.width,
                    height=page.height,
                    lines=lines,
                    source="text-layer",
                    seconds=0.0,
                )
            )
            continue
        active = engine or default_engine()
        used_languages = languages or active.languages
        read, prepared = _ocr_page(
            page,
            page.image,
            engine=active,
            languages=used_languages,
            limits=limits,
            options=preprocess,
            deadline=deadline,
        )
        pages.append(read)
        if header_reader is None and (preprocess or PreprocessOptions()).reread_header:
            header_reader = HeaderReader(
                prepared,
                page=page.number,
                size=(page.width, page.height),
                engine=active,
                languages=used_languages,
                timeout_seconds=limits.page_timeout_seconds,
                deadline=deadline,
            )
        if line_reader is None and (preprocess or PreprocessOptions()).reread_lines:
            line_reader = LineReader(
                prepared,
                page=page.number,
                engine=active,
                languages=used_languages,
                timeout_seconds=limits.page_timeout_seconds,
                deadline=deadline,
            )
    return OcrResult(
        tuple(pages),
        content_type,
        used_languages,
        time.perf_counter() - started,
        header_reader=header_reader,
        line_reader=line_reader,
    )

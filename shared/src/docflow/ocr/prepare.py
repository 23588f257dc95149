"""One entry point that prepares a page for OCR: the photo path or the scan path, as options choose.

It lives apart from :mod:`docflow.ocr.preprocess` (the shared steps) and :mod:`docflow.ocr.photo`
(the photo steps, built on those), so neither imports the other back.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from docflow.ocr.preprocess import PreparedImage, PreprocessOptions, prepare_scan

if TYPE_CHECKING:
    from PIL.Image import Image


def prepare_for_ocr(image: Image, options: PreprocessOptions | None = None) -> PreparedImage:
    """Prepare a grayscale page for Tesseract: paper cropped (or straightened), text levelled, light
    evened out, text scaled to a height Tesseract reads well, dot print joined into strokes and the
    paper made white, each as ``options`` allow."""
    options = options or PreprocessOptions()
    if options.photo_steps:
        from docflow.ocr.photo import prepare_photo

        prepared = prepare_photo(image, options)
    else:
        prepared = prepare_scan(image, options)
    page = prepared.image
    if options.join_dots:
        from docflow.ocr.dots import join_dots

        text_height = prepared.image_text_height
        page = join_dots(page, text_height)
    if options.whiten_paper:
        from docflow.ocr.levels import whiten_paper

        page = whiten_paper(page)
    return prepared if page is prepared.image else dataclasses.replace(prepared, image=page)

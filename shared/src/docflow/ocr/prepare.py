"""One entry point that prepares a page for OCR: the photo path or the scan path, as options choose.

It lives apart from :mod:`docflow.ocr.preprocess` (the shared steps) and :mod:`docflow.ocr.photo`
(the photo steps, built on those), so neither imports the other back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docflow.ocr.preprocess import PreparedImage, PreprocessOptions, prepare_scan

if TYPE_CHECKING:
    from PIL.Image import Image


def prepare_for_ocr(image: Image, options: PreprocessOptions | None = None) -> PreparedImage:
    """Prepare a grayscale page for Tesseract: paper cropped (or straightened), text levelled, light
    evened out and text scaled to a height Tesseract reads well, each as ``options`` allow."""
    options = options or PreprocessOptions()
    if options.photo_steps:
        from docflow.ocr.photo import prepare_photo

        return prepare_photo(image, options)
    return prepare_scan(image, options)

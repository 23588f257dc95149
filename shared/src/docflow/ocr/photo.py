"""Prepare a phone photo of a page: straighten the paper, level the text, even the light, scale.

Everything is decided on a reduced working copy (long side at most :data:`WORK_SIDE`): where the
paper's corners are, how far the text lines tilt, how tall the text is. The crop or perspective,
the rotation and the scale are then multiplied into one transform and the photo is resampled once,
at the size Tesseract reads (a 12 MP photo is usually reduced, so the full-size image is never
processed pixel by pixel in Python or numpy). Light is evened out last, on that smaller image.
A page that needs nothing (a level scan) costs the working copy and the estimates, then takes the
plain crop-and-scale path.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from docflow.ocr.geometry import (
    IDENTITY,
    Matrix,
    homography,
    multiply,
    pillow_coefficients,
    rectangle_size,
    rotated_size,
    rotation,
    scaling,
    translation,
)
from docflow.ocr.preprocess import (
    PreparedImage,
    PreprocessOptions,
    choose_scale,
    estimate_text_height,
    resize_to,
)

if TYPE_CHECKING:
    from PIL.Image import Image

#: Long side of the working copy the estimates are made on.
WORK_SIDE = 1600
#: Long side the skew is estimated on (text lines stay several pixels tall).
SKEW_SIDE = 1000
#: Tilts smaller than this (degrees) are left alone: Tesseract reads them as well.
MIN_SKEW = 0.3


def _reduced(image: Image, side: int) -> tuple[Image, int]:
    """``image`` reduced by the smallest integer factor that brings its long side to ``side``."""
    factor = max(1, math.ceil(max(image.size) / side))
    return (image.reduce(factor) if factor > 1 else image), factor


def _paper(
    work: Image, factor: int, size: tuple[int, int], options: PreprocessOptions
) -> tuple[Matrix, tuple[int, int], bool]:
    """Paper coordinates to source pixels, the paper's size in source pixels, and whether it is a quad."""
    from docflow.ocr.paper import find_paper, find_paper_quad

    if not options.crop_to_paper:
        return IDENTITY, size, False
    if options.straighten_paper:
        quad = find_paper_quad(work)
        if quad is not None:
            corners = tuple((x * factor, y * factor) for x, y in quad)
            width, height = rectangle_size(corners)  # type: ignore[arg-type]
            rectangle = ((0.0, 0.0), (float(width), 0.0), (float(width), float(height)), (0.0, float(height)))
            try:
                return homography(rectangle, corners), (width, height), True
            except ValueError:
                pass
    box = find_paper(work)
    if box is not None:
        x0, y0, x1, y1 = (value * factor for value in box)
        x1, y1 = min(x1, size[0]), min(y1, size[1])
        return translation(x0, y0), (x1 - x0, y1 - y0), False
    return IDENTITY, size, False


def _view(image: Image, size: tuple[int, int], matrix: Matrix, fill: int) -> Image:
    from PIL import Image as PILImage

    return image.transform(
        size,
        PILImage.Transform.PERSPECTIVE,
        pillow_coefficients(matrix),
        PILImage.Resampling.BILINEAR,
        fillcolor=fill,
    )


def _paper_grey(image: Image) -> int:
    """The paper's grey level: the median of the brighter half of the pixels."""
    histogram = image.histogram()
    total = sum(histogram)
    seen = 0
    for level, count in enumerate(histogram):
        seen += count
        if seen >= total * 0.75:
            return level
    return 255


def prepare_photo(image: Image, options: PreprocessOptions) -> PreparedImage:
    """A grayscale photo of a page prepared for Tesseract (see the module docstring)."""
    from docflow.ocr.light import flatten_light
    from docflow.ocr.skew import estimate_skew

    work, factor = _reduced(image, WORK_SIDE)
    paper, paper_size, straightened = _paper(work, factor, image.size, options)
    # The paper at working scale: paper coordinates are source pixels, the copy is ``factor`` smaller.
    work_size = (max(1, round(paper_size[0] / factor)), max(1, round(paper_size[1] / factor)))
    work_paper = work
    if paper != IDENTITY:
        to_work = multiply(scaling(1 / factor), paper, scaling(factor))
        work_paper = _view(work, work_size, to_work, _paper_grey(work))
    analysed = (flatten_light(work_paper) if options.flatten_light else None) or work_paper
    skew = 0.0
    if options.deskew:
        small, _ = _reduced(analysed, SKEW_SIDE)
        estimate = estimate_skew(small, options.max_skew_degrees)
        if estimate is not None and abs(estimate) >= MIN_SKEW:
            skew = estimate
    level = analysed
    if skew:
        from PIL import Image as PILImage

        level = analysed.rotate(skew, PILImage.Resampling.BILINEAR, expand=True, fillcolor=255)
    measured = estimate_text_height(level) if options.scale_text else None
    text_height = None if measured is None else measured * factor
    out_size = rotated_size(paper_size, skew) if skew else paper_size
    scale = choose_scale(out_size, text_height, options)
    if not straightened and not skew:
        # Upright paper: crop and resize as for a scan, then even the light.
        x0, y0 = round(paper[0][2]), round(paper[1][2])
        cropped = image.crop((x0, y0, x0 + paper_size[0], y0 + paper_size[1])) if paper != IDENTITY else image
        resized, scale = resize_to(cropped, scale)
        flattened = flatten_light(resized) if options.flatten_light else None
        return PreparedImage(flattened or resized, scale, text_height, (x0, y0))
    output = (max(1, round(out_size[0] * scale)), max(1, round(out_size[1] * scale)))
    center = (paper_size[0] / 2, paper_size[1] / 2)
    matrix = multiply(paper, rotation(skew, center, (out_size[0] / 2, out_size[1] / 2)), scaling(1 / scale))
    source = image
    reduce_by = math.floor(1 / scale) if scale < 1 else 1
    if reduce_by > 1:
        # Box-reduce first so the single resampling below does not alias thin strokes.
        source = image.reduce(reduce_by)
        matrix = multiply(scaling(1 / reduce_by), matrix)
    result = _view(source, output, matrix, _paper_grey(work_paper))
    flattened = flatten_light(result) if options.flatten_light else None
    # The paper's top-left corner in the upload: where the levelled frame's boxes are placed.
    offset = (max(0, round(paper[0][2] / paper[2][2])), max(0, round(paper[1][2] / paper[2][2])))
    return PreparedImage(flattened or result, scale, text_height, offset, skew, straightened)

"""Prepare a phone photo of a page: straighten the paper, level the text, even the light, scale.

Everything is decided on a reduced working copy (long side at most :data:`WORK_SIDE`): where the
paper's corners are, how far the text lines tilt, how tall the text is. The crop or perspective,
the rotation and the scale are then multiplied into one transform and the photo is resampled once,
at the size Tesseract reads (a 12 MP photo is usually reduced, so the full-size image is never
processed pixel by pixel in Python or numpy). Light is evened out last, on that smaller image
(after a grainy photo's noise is smoothed there).
A page that needs nothing (a level scan) costs the working copy and the estimates, then takes the
plain crop-and-scale path.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from docflow.ocr.geometry import (
    IDENTITY,
    Matrix,
    Quad,
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
#: A paper straightened by its outline has its lines printed along its edges: what tilt is left
#: (an outline a little off) is searched within this many degrees, so the estimate cannot follow
#: something else on the paper (a logo, a barcode, the edges of a clutter mask) far off level. At 4
#: degrees the benchmark corpus lost heavily damaged photos whose outline was off by more (a second
#: seed's tuning families: two totals); at 8 they read and a real receipt photographed whose estimate
#: followed clutter to 13-15 degrees still does.
MAX_STRAIGHTENED_SKEW = 8.0
#: A paper outline traced from the text must hold at least this share of the text cluster.
TRACED_TEXT_INSIDE = 0.5
#: An outline trusted for the text lines it holds (not the whole text cluster) must be filled this
#: much by the box around most of those lines (see
#: :data:`~docflow.ocr.text_region.SPREAD_PERCENTILES`): a receipt's text spans most of its paper.
MIN_LINES_FILL = 0.35
#: An outline trusted for the text lines it holds must hold at least this share of them ...
MIN_LINES_INSIDE = 0.98
#: ... or this share when the outline is the bright region's own shape (a quadrilateral region, see
#: :func:`~docflow.ocr.paper.outline_matches`): a paper, where a few blocks of print-like clutter
#: (another paper's lines) can join the line cluster beside it. A paper cut by a shadow's straight rim
#: also makes a quadrilateral region, but the text lines run on past that rim: it holds far fewer.
MATCHED_LINES_INSIDE = 0.93
#: ... within itself grown by this many blocks (the paper's edge makes no line blocks beside it, as
#: it makes text blocks: an outline cutting through the print is not trusted).
LINES_GROWN_BY = 0.5
#: A text region covering more than this share of the photo is not worth cropping to.
MAX_TEXT_AREA = 0.9
#: A paper outline whose corners all lie within this share of the working copy's long side of its
#: bounding box's corners is upright (as :data:`~docflow.ocr.paper.UPRIGHT_TOLERANCE` for the bright
#: region's): the paper is cropped, not resampled.
UPRIGHT_SHARE = 0.006
#: A prepared photo whose blank paper (see :data:`BLANK_SQUARE`) strays from its own 3 x 3 median by
#: more than this share of its brightness on average is grainy (sensor noise of a dim photo, heavy
#: JPEG): when its light is uneven too (a photo, or a scan with show-through) it is smoothed by that
#: median before it is read, or Tesseract reads the grain as broken strokes. Measured at the size
#: Tesseract reads; well-lit photos and real scans (fine grain: at most 0.36 % on the German
#: thermal scans) stay below it and keep their thin strokes.
NOISY_PAPER = 0.0045
#: Text less tall than this (pixels, as read) is not smoothed: the median would wear away its thin
#: strokes (a long receipt read at the long side's limit).
MIN_DENOISED_TEXT = 18
#: Side in pixels of the middle of a prepared photo its grain is measured on.
NOISE_SAMPLE = 512
#: The grain is measured on blank paper only: pixels whose whole square of this side (pixels, odd)
#: of the 5 x 5 median (steady even under heavy grain) stays within :data:`BLANK_PAPER` of the
#: paper's brightness. Print edges, a barcode's bars and a thin paper's show-through (the back's
#: print, faint grey, seen on real scans) stray from the 3 x 3 median too, but they are structure,
#: not grain, and the 3 x 3 median would wear them, not the grain, away.
BLANK_SQUARE = 7
#: Share of the paper's brightness a blank paper pixel's neighbourhood stays above.
BLANK_PAPER = 0.95
#: Fewer blank paper pixels than this share of the sample tell no grain (the photo is not smoothed).
MIN_BLANK_SHARE = 0.02


def _reduced(image: Image, side: int) -> tuple[Image, int]:
    """``image`` reduced by the smallest integer factor that brings its long side to ``side``."""
    factor = max(1, math.ceil(max(image.size) / side))
    return (image.reduce(factor) if factor > 1 else image), factor


def _trusted(
    quad: Quad, cluster: Any, factor: int, needed: float | None = None, grown_by: float = 1.5
) -> bool:
    """Whether a paper outline (source pixels) holds the text found on the working copy (at least
    ``needed`` of its blocks, by default :data:`~docflow.ocr.text_region.MIN_TEXT_INSIDE`, inside
    the outline grown by ``grown_by`` blocks, see :func:`~docflow.ocr.text_region.share_inside`)."""
    from docflow.ocr.text_region import MIN_TEXT_INSIDE, share_inside

    if cluster is None:
        return True
    work_quad = tuple((x / factor, y / factor) for x, y in quad)
    share = share_inside(cluster, work_quad, grown_by)  # type: ignore[arg-type]
    return share >= (MIN_TEXT_INSIDE if needed is None else needed)


def _upright_box(quad: Quad, side: int) -> tuple[float, float, float, float] | None:
    """The bounding box of a paper outline (working-copy pixels) whose long side is ``side`` when the
    outline is upright (see :data:`UPRIGHT_SHARE`), else ``None``."""
    xs, ys = [x for x, _ in quad], [y for _, y in quad]
    box = ((min(xs), min(ys)), (max(xs), min(ys)), (max(xs), max(ys)), (min(xs), max(ys)))
    deviation = max(max(abs(x - bx), abs(y - by)) for (x, y), (bx, by) in zip(quad, box, strict=True))
    return (min(xs), min(ys), max(xs), max(ys)) if deviation <= side * UPRIGHT_SHARE else None


def _outlines(work: Image, options: PreprocessOptions, cluster: Any) -> Iterator[tuple[Quad, float | None]]:
    """Paper outlines of the working copy to try, best first, each with the share of the text cluster
    it must hold: the largest bright region's (see :func:`~docflow.ocr.paper.find_paper_quad`), then,
    with ``trace_paper``, the one traced outward from the text's middle, which needs less of the
    cluster (the cluster may have taken in print or grain beside the paper, which the trace's own
    checks, four sharp straight sides around the text, leave out)."""
    from docflow.ocr.paper import find_paper_quad

    quad = find_paper_quad(work)
    if quad is not None:
        yield quad, None
    if options.trace_paper and cluster is not None:
        from docflow.ocr.paper import trace_paper_quad
        from docflow.ocr.text_region import SPREAD_PERCENTILES, core_box

        traced = trace_paper_quad(work, core_box(cluster), core_box(cluster, SPREAD_PERCENTILES))
        if traced is not None:
            yield traced, TRACED_TEXT_INSIDE


def _area(quad: Quad) -> float:
    """The area of a quadrilateral (shoelace formula)."""
    twice = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(quad, (*quad[1:], quad[0]), strict=True))
    return abs(twice) / 2


def _held_outlines(
    work: Image, factor: int, options: PreprocessOptions, cluster: Any, lines: Any = None
) -> Iterator[Quad]:
    """The paper outlines (working-copy pixels, see :func:`_outlines`) that hold the text, best first.

    First those that hold enough of the text cluster (:func:`_trusted`); then, where the cluster
    took in clutter beside the paper (an object's or a shadow's edges, which real thin print does
    not outweigh), those that hold nearly all of its text lines (``lines``, see
    :func:`~docflow.ocr.text_region.crossed_blocks`, :data:`MIN_LINES_INSIDE`) when the box around
    most of those lines fills much of the outline (:data:`MIN_LINES_FILL`): a bright region that
    took in the table beside the paper holds the lines too, but they fill only part of it.
    """
    tried: list[Quad] = []
    for quad, needed in _outlines(work, options, cluster):
        tried.append(quad)
        if _trusted(_scaled(quad, factor), cluster, factor, needed):
            yield quad
    if lines is None:
        return
    from docflow.ocr.paper import MIN_OUTLINE_MATCH, outline_matches
    from docflow.ocr.text_region import SPREAD_PERCENTILES, core_box

    x0, y0, x1, y1 = core_box(lines, SPREAD_PERCENTILES)
    for quad, match in zip(tried, outline_matches(work, tried), strict=True):
        filled = (x1 - x0) * (y1 - y0) >= _area(quad) * MIN_LINES_FILL
        needed = MATCHED_LINES_INSIDE if match >= MIN_OUTLINE_MATCH else MIN_LINES_INSIDE
        if filled and _trusted(_scaled(quad, factor), lines, factor, needed, LINES_GROWN_BY):
            yield quad


def _scaled(quad: Quad, factor: int) -> Quad:
    """``quad`` with every coordinate multiplied by ``factor`` (working copy to source pixels)."""
    return tuple((x * factor, y * factor) for x, y in quad)  # type: ignore[return-value]


def _paper(
    work: Image,
    factor: int,
    size: tuple[int, int],
    options: PreprocessOptions,
    cluster: Any,
    *,
    lines: Any = None,
) -> tuple[Matrix, tuple[int, int], bool, bool]:
    """Paper coordinates to source pixels, the paper's size in source pixels, whether it is a quad,
    and whether the paper's outline was found (else the frame or the text region is used).

    An outline that leaves text found on the page outside is not trusted (see
    :func:`_held_outlines`, ``lines`` the cluster of text lines); the page is then cropped to its
    text region (``cluster``, blocks of the working copy) instead.
    """
    from docflow.ocr.paper import find_paper

    if not options.crop_to_paper:
        return IDENTITY, size, False, False
    if options.straighten_paper:
        for quad in _held_outlines(work, factor, options, cluster, lines):
            upright = _upright_box(quad, max(work.size))
            if upright is not None:
                x0, y0 = max(0, round(upright[0] * factor)), max(0, round(upright[1] * factor))
                x1, y1 = min(size[0], round(upright[2] * factor)), min(size[1], round(upright[3] * factor))
                return translation(x0, y0), (x1 - x0, y1 - y0), False, True
            corners = _scaled(quad, factor)
            width, height = rectangle_size(corners)
            right, bottom = float(width), float(height)
            rectangle = ((0.0, 0.0), (right, 0.0), (right, bottom), (0.0, bottom))
            try:
                return homography(rectangle, corners), (width, height), True, True
            except ValueError:
                continue
    box = find_paper(work)
    if box is not None:
        x0, y0, x1, y1 = (value * factor for value in box)
        x1, y1 = min(x1, size[0]), min(y1, size[1])
        corners = ((x0, y0), (x1, y0), (x1, y1), (x0, y1))
        if _trusted(corners, cluster, factor):
            return translation(x0, y0), (x1 - x0, y1 - y0), False, True
    if cluster is not None:
        from docflow.ocr.text_region import cluster_box

        x0, y0, x1, y1 = (value * factor for value in cluster_box(cluster, work.size))
        x1, y1 = min(x1, size[0]), min(y1, size[1])
        if (x1 - x0) * (y1 - y0) < size[0] * size[1] * MAX_TEXT_AREA:
            return translation(x0, y0), (x1 - x0, y1 - y0), False, False
    return IDENTITY, size, False, False


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


def _pooled(mask: Any, side: int) -> Any:
    """A boolean array reduced by an integer factor (any pixel set) to a long side of at most ``side``."""
    import numpy as np

    factor = max(1, math.ceil(max(mask.shape) / side))
    if factor == 1:
        return mask
    rows, columns = mask.shape[0] // factor, mask.shape[1] // factor
    cut = mask[: rows * factor, : columns * factor]
    return np.asarray(cut.reshape(rows, factor, columns, factor).any(axis=(1, 3)), dtype=bool)


def _whitened(image: Image, mask: Image) -> Image:
    """``image`` with every pixel outside ``mask`` (0 there) made white."""
    from PIL import Image as PILImage

    return PILImage.composite(image, PILImage.new("L", image.size, 255), mask)


def _darkest(pixels: Any, side: int) -> Any:
    """The darkest of each pixel's square of ``side`` (odd) pixels around it, edges repeated (a min
    filter, one direction at a time)."""
    import numpy as np

    reach = side // 2
    height, width = pixels.shape
    padded = np.pad(pixels, reach, mode="edge")
    rows = np.minimum.reduce([padded[i : i + height, :] for i in range(side)])
    return np.minimum.reduce([rows[:, j : j + width] for j in range(side)])


def _noise(image: Image) -> float:
    """How far blank paper's pixels stray from their 3 x 3 median, on average, as a share of the
    paper's brightness (the median of the brighter 40 % of the median), in the middle of ``image``
    (at most :data:`NOISE_SAMPLE` pixels square: the grain is the same all over, the median costs).
    Blank paper: see :data:`BLANK_SQUARE`; with too little of it (:data:`MIN_BLANK_SHARE`), 0."""
    import numpy as np
    from PIL import ImageFilter

    x0, y0 = max(0, (image.width - NOISE_SAMPLE) // 2), max(0, (image.height - NOISE_SAMPLE) // 2)
    sample = image.crop((x0, y0, x0 + min(image.width, NOISE_SAMPLE), y0 + min(image.height, NOISE_SAMPLE)))
    pixels = np.asarray(sample, dtype=np.float32)
    median = np.asarray(sample.filter(ImageFilter.MedianFilter(3)), dtype=np.float32)
    level = float(np.median(median[median >= np.percentile(median, 60)]))
    steady = np.asarray(sample.filter(ImageFilter.BoxBlur(2)), dtype=np.float32)
    blank = _darkest(steady, BLANK_SQUARE) >= BLANK_PAPER * level
    if blank.mean() < MIN_BLANK_SHARE:
        return 0.0
    return float(np.abs(pixels - median)[blank].mean()) / max(level, 1.0)


def _denoised(image: Image, options: PreprocessOptions, text_height: float | None, uneven: bool) -> Image:
    """``image`` smoothed by a 3 x 3 median when options allow, its light is ``uneven`` (a photo),
    its paper grainy with noise (see :data:`NOISY_PAPER`) and its text (``text_height`` pixels tall
    in ``image``) tall enough to keep its strokes through it (:data:`MIN_DENOISED_TEXT`); else
    ``image`` itself."""
    if not (options.denoise and uneven) or text_height is None or text_height < MIN_DENOISED_TEXT:
        return image
    if _noise(image) <= NOISY_PAPER:
        return image
    from PIL import ImageFilter

    return image.filter(ImageFilter.MedianFilter(3))


def _edges_cleared(image: Image, options: PreprocessOptions) -> Image:
    """``image`` without the dark bands a paper's edge leaves along the frame, as options allow."""
    if not options.clear_edges:
        return image
    from docflow.ocr.paper import clear_edge_bands

    return clear_edge_bands(image)


def _relative(
    flattened: Image | None, image: Image, analysis: _Analysis, options: PreprocessOptions
) -> Image:
    """The evened-out page (``flattened``, else ``image``), judged against the paper beside each
    stroke where the photo's light or background is uneven and options allow."""
    page = flattened or image
    if not (options.paper_relative and analysis.uneven):
        return page
    from docflow.ocr.light import paper_relative

    return paper_relative(page)


@dataclass(slots=True)
class _Analysis:
    """What the working copy tells: its evened-out view and, among clutter, where the text is."""

    flat: Image
    #: Whether the light or the background around the paper is uneven (a photo, not a scan).
    uneven: bool = False
    #: The largest cluster of text blocks (see :mod:`docflow.ocr.text_region`), or ``None``.
    cluster: Any = None
    #: The largest cluster of the text blocks whose rows cross several strokes (see
    #: :func:`~docflow.ocr.text_region.crossed_blocks`): without the edges of the clutter.
    lines: Any = None
    #: Text blocks grown by one block, as a mask image of the working copy's size.
    text_mask: Image | None = None
    #: Upright character strokes inside ``text_mask``.
    strokes: Any = None
    #: Those of ``strokes`` inside the blocks of ``lines`` (grown by one block), or ``None``.
    line_strokes: Any = None
    #: All the ink inside the blocks of ``cluster`` (not grown): faint, blurred print whose strokes
    #: are too short to count still lies along its lines.
    text_ink: Any = None


def _analyse(work: Image, options: PreprocessOptions) -> _Analysis:
    """Even out the working copy's light and, when it lies on a table (an uneven background), find
    its text so the table's grain and other papers can be left out."""
    if not (options.find_text or options.flatten_light):
        return _Analysis(work)
    import numpy as np

    from docflow.ocr import text_region
    from docflow.ocr.light import estimate_background, is_even, stretch_ratio

    background = estimate_background(work)
    ratio = text_region.background_ratio(work, background)
    analysis = _Analysis((stretch_ratio(ratio) if options.flatten_light else None) or work)
    # An evenly lit page without a table around it (a scan) has no clutter to find text among.
    analysis.uneven = not is_even(background)
    if not options.find_text or not analysis.uneven:
        return analysis
    ink = text_region.local_ink(work) if options.local_ink else text_region.ink_from_ratio(ratio)
    blocks = text_region.text_blocks(ink)
    analysis.cluster = text_region.text_cluster(blocks)
    if options.trust_text_lines:
        analysis.lines = text_region.text_cluster(blocks & text_region.crossed_blocks(ink))
    if analysis.cluster is not None:
        kept = (
            text_region.filled_cluster(analysis.cluster)
            if options.fill_text
            else text_region.dilated_blocks(blocks)
        )
        analysis.text_mask = text_region.block_mask_image(kept, work.size)
        analysis.strokes = text_region.upright_strokes(ink) & (np.asarray(analysis.text_mask) > 0)
        if options.skew_from_text_lines and analysis.lines is not None:
            lines = text_region.block_mask_image(text_region.dilated_blocks(analysis.lines), work.size)
            analysis.line_strokes = analysis.strokes & (np.asarray(lines) > 0)
        if options.skew_from_text_ink:
            inside = text_region.block_mask_image(analysis.cluster, work.size)
            analysis.text_ink = ink & (np.asarray(inside) > 0)
        # Estimates below see the text only, not the table's grain or other papers.
        analysis.flat = _whitened(analysis.flat, analysis.text_mask)
    return analysis


def _skew(
    analysis: _Analysis,
    analysed: Image,
    outlined: bool,
    options: PreprocessOptions,
    *,
    straightened: bool = False,
) -> float:
    """Degrees to level the text by: from the character strokes on a cluttered photo whose paper's
    outline was not found (the strokes stand on the text lines, the grain has none; those of the text
    line blocks first, see :attr:`_Analysis.line_strokes`), or from all the
    ink of its text blocks where the strokes tell no angle (too few of them: thin, faint or blurred
    print), else from the ink of the paper. On a paper ``straightened`` by its outline the lines run
    along its edges: at most :data:`MAX_STRAIGHTENED_SKEW` is left to level."""
    from docflow.ocr.skew import estimate_skew, estimate_skew_of_ink

    if not options.deskew:
        return 0.0
    if straightened:
        options = replace(options, max_skew_degrees=min(options.max_skew_degrees, MAX_STRAIGHTENED_SKEW))
    if analysis.strokes is not None and not outlined:
        estimate = None
        if analysis.line_strokes is not None:
            estimate = estimate_skew_of_ink(
                _pooled(analysis.line_strokes, SKEW_SIDE), options.max_skew_degrees
            )
        if estimate is None:
            estimate = estimate_skew_of_ink(_pooled(analysis.strokes, SKEW_SIDE), options.max_skew_degrees)
        tells_none = estimate is None or abs(estimate) < MIN_SKEW
        if tells_none and options.skew_from_text_ink and analysis.text_ink is not None:
            estimate = estimate_skew_of_ink(_pooled(analysis.text_ink, SKEW_SIDE), options.max_skew_degrees)
    else:
        small, _ = _reduced(analysed, SKEW_SIDE)
        estimate = estimate_skew(small, options.max_skew_degrees)
    return estimate if estimate is not None and abs(estimate) >= MIN_SKEW else 0.0


def prepare_photo(image: Image, options: PreprocessOptions) -> PreparedImage:
    """A grayscale photo of a page prepared for Tesseract (see the module docstring)."""
    from docflow.ocr.light import flatten_light

    work, factor = _reduced(image, WORK_SIDE)
    analysis = _analyse(work, options)
    paper, paper_size, straightened, outlined = _paper(
        work, factor, image.size, options, analysis.cluster, lines=analysis.lines
    )
    # The paper at working scale: paper coordinates are source pixels, the copy is ``factor`` smaller.
    work_size = (max(1, round(paper_size[0] / factor)), max(1, round(paper_size[1] / factor)))
    analysed, paper_grey = analysis.flat, _paper_grey(work)
    if paper != IDENTITY:
        to_work = multiply(scaling(1 / factor), paper, scaling(factor))
        paper_grey = _paper_grey(_view(work, work_size, to_work, paper_grey))
        analysed = _view(analysis.flat, work_size, to_work, 255)
    skew = _skew(analysis, analysed, outlined, options, straightened=straightened)
    level = analysed
    if skew:
        from PIL import Image as PILImage

        level = analysed.rotate(skew, PILImage.Resampling.BILINEAR, expand=True, fillcolor=255)
    measured = estimate_text_height(level) if options.scale_text else None
    text_height = None if measured is None else measured * factor
    out_size = rotated_size(paper_size, skew) if skew else paper_size
    scale = choose_scale(out_size, text_height, options)
    # Within a paper outline there is no table left to mask.
    text_mask = analysis.text_mask if options.mask_clutter and not outlined else None
    if not straightened and not skew and text_mask is None:
        # Upright paper: crop and resize as for a scan, then even the light.
        x0, y0 = round(paper[0][2]), round(paper[1][2])
        cropped = image.crop((x0, y0, x0 + paper_size[0], y0 + paper_size[1])) if paper != IDENTITY else image
        resized, scale = resize_to(cropped, scale)
        read_height = None if text_height is None else text_height * scale
        resized = _denoised(resized, options, read_height, analysis.uneven)
        flattened = flatten_light(resized) if options.flatten_light else None
        page = _relative(flattened, resized, analysis, options)
        return PreparedImage(_edges_cleared(page, options), scale, text_height, (x0, y0))
    output = (max(1, round(out_size[0] * scale)), max(1, round(out_size[1] * scale)))
    center = (paper_size[0] / 2, paper_size[1] / 2)
    matrix = multiply(paper, rotation(skew, center, (out_size[0] / 2, out_size[1] / 2)), scaling(1 / scale))
    source, source_matrix = image, matrix
    reduce_by = math.floor(1 / scale) if scale < 1 else 1
    if reduce_by > 1:
        # Box-reduce first so the single resampling below does not alias thin strokes.
        source = image.reduce(reduce_by)
        source_matrix = multiply(scaling(1 / reduce_by), matrix)
    read_height = None if text_height is None else text_height * scale
    result = _denoised(
        _view(source, output, source_matrix, paper_grey), options, read_height, analysis.uneven
    )
    flattened = flatten_light(result) if options.flatten_light else None
    result = _relative(flattened, result, analysis, options)
    if text_mask is not None:
        result = _whitened(result, _view(text_mask, output, multiply(scaling(1 / factor), matrix), 0))
    result = _edges_cleared(result, options)
    # The paper's top-left corner in the upload: where the levelled frame's boxes are placed.
    offset = (max(0, round(paper[0][2] / paper[2][2])), max(0, round(paper[1][2] / paper[2][2])))
    return PreparedImage(result, scale, text_height, offset, skew, straightened)

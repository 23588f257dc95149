"""Find the receipt paper in a photo: the bright region standing out from a darker background.

A phone photo shows the receipt on a table or in a hand. Tesseract's layout analysis takes such a
page for a picture and skips the text it thinks belongs to the picture (often the right-aligned
amount column and whole total lines), so the page is cropped to the paper before OCR. A scan whose
paper fills the frame is left alone.

The paper is found on a thumbnail small enough to blur printed text into the paper's grey: Otsu's
threshold splits paper from background, the paper's columns are the span from the first to the last
mostly bright column, and its rows the same within those columns.

A paper lying tilted or foreshortened is a quadrilateral instead (:func:`find_paper_quad`): on a
256 px thumbnail the largest bright region is taken, each of its four edges is the line most of
its outermost pixels lie on (chosen by consensus, so a shadow or an object over part of an edge
does not bend it), and the corners are where the lines meet. Where the paper does not stand out as
one region (a shadow across it, bright things touching it, light falling off), its outline is traced
outward from its text instead (:func:`trace_paper_quad`): the first sharp step down from paper to
table along each row and column, four straight sides by consensus.

A crop keeps a little of what lies around the paper: the paper's edge and its shadow show as a dark
band along the frame, and Tesseract then drops the amount column beside it like any picture edge.
:func:`clear_edge_bands` whitens such bands (a column or row near the frame that is dark without a
break over much of its length, which printed text never is: it breaks between lines).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PIL.Image import Image

    from docflow.ocr.geometry import Point, Quad

#: Long side of the thumbnail the paper is looked for on.
THUMBNAIL_SIDE = 128
#: Paper must be at least this much brighter (0..255) than the background to be told apart.
MIN_CONTRAST = 25
#: A column or row belongs to the paper when at least this share of its pixels is bright.
PAPER_SHARE = 0.5
#: Crops that keep more than this share of the area are not worth it (a scan, a tight photo).
MAX_KEPT_AREA = 0.95
#: Crops that keep less than this share of the area found a bright spot, not the paper. A long
#: receipt photographed whole from arm's length covers a tenth of the frame or less.
MIN_KEPT_AREA = 0.08

#: Edge bands are looked for within this share of the width (columns) or height (rows) from the frame.
EDGE_BAND = 0.15
#: A column or row of an edge band is dark without a break over more than this share of its length;
#: printed text breaks at every line gap.
EDGE_DARK_RUN = 0.4
#: Pixels darker than this (0..255, on the evened-out page) count as dark.
EDGE_DARK_LEVEL = 160
#: Pixels whitened on each side of a dark column or row (the band's soft border).
EDGE_PAD = 3

PaperBox = tuple[int, int, int, int]


def longest_run(values: Any) -> int:
    """The longest run of ``True`` in a one-dimensional boolean array."""
    import numpy as np

    edges = np.flatnonzero(np.diff(np.concatenate(([0], values.astype(np.int8), [0]))))
    return int((edges[1::2] - edges[::2]).max()) if len(edges) else 0


def _dark_lines(dark: Any, band: int) -> list[int]:
    """Indices of the columns of ``dark`` within ``band`` of either side that are edge bands."""
    size, length = dark.shape[1], dark.shape[0]
    near = sorted({*range(min(band, size)), *range(max(0, size - band), size)})
    # Only columns dark over enough of their length can hold a long enough run.
    shares = dark[:, near].mean(axis=0)
    candidates = [index for index, share in zip(near, shares, strict=True) if share > EDGE_DARK_RUN]
    return [index for index in candidates if longest_run(dark[:, index]) > length * EDGE_DARK_RUN]


def clear_edge_bands(image: Image) -> Image:
    """``image`` (grayscale) with the dark bands along its frame whitened, or ``image`` itself when
    it has none (see the module docstring)."""
    import numpy as np
    from PIL import Image as PILImage

    pixels = np.asarray(image)
    dark = pixels < EDGE_DARK_LEVEL
    columns = _dark_lines(dark, int(pixels.shape[1] * EDGE_BAND))
    rows = _dark_lines(dark.T, int(pixels.shape[0] * EDGE_BAND))
    if not columns and not rows:
        return image
    cleared = pixels.copy()
    for x in columns:
        cleared[:, max(0, x - EDGE_PAD) : x + EDGE_PAD + 1] = 255
    for y in rows:
        cleared[max(0, y - EDGE_PAD) : y + EDGE_PAD + 1, :] = 255
    return PILImage.fromarray(cleared)


def otsu_threshold(histogram: Sequence[int]) -> int:
    """The grey level that best separates a 256-bin histogram into dark and bright classes."""
    total = sum(histogram)
    weighted_total = sum(level * count for level, count in enumerate(histogram))
    best_level, best_spread = 0, -1.0
    dark_count, dark_weighted = 0, 0
    for level, count in enumerate(histogram):
        dark_count += count
        dark_weighted += level * count
        bright_count = total - dark_count
        if dark_count == 0:
            continue
        if bright_count == 0:
            break
        dark_mean = dark_weighted / dark_count
        bright_mean = (weighted_total - dark_weighted) / bright_count
        spread = dark_count * bright_count * (dark_mean - bright_mean) ** 2
        if spread > best_spread:
            best_level, best_spread = level, spread
    return best_level


def _mean(histogram: Sequence[int], start: int, stop: int) -> float:
    count = sum(histogram[start:stop])
    return sum(level * histogram[level] for level in range(start, stop)) / count if count else 0.0


def bright_span(shares: bytes, cutoff: int) -> tuple[int, int]:
    """``(start, stop)`` from the first to past the last value at or above ``cutoff``; ``(0, 0)`` if none."""
    bright = [index for index, value in enumerate(shares) if value >= cutoff]
    return (bright[0], bright[-1] + 1) if bright else (0, 0)


def find_paper(image: Image) -> PaperBox | None:
    """The box ``(x0, y0, x1, y1)`` of the paper in a grayscale image, or ``None`` to keep it whole."""
    from PIL import Image as PILImage

    thumbnail = image.copy()
    thumbnail.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
    histogram = thumbnail.histogram()
    threshold = otsu_threshold(histogram)
    if _mean(histogram, threshold + 1, 256) - _mean(histogram, 0, threshold + 1) < MIN_CONTRAST:
        return None
    bright = thumbnail.point(lambda value: 255 if value > threshold else 0)
    cutoff = round(255 * PAPER_SHARE)
    columns = bright.resize((bright.width, 1), PILImage.Resampling.BOX).tobytes()
    x0, x1 = bright_span(columns, cutoff)
    if x1 <= x0:
        return None
    rows = bright.crop((x0, 0, x1, bright.height)).resize((1, bright.height), PILImage.Resampling.BOX)
    y0, y1 = bright_span(rows.tobytes(), cutoff)
    # A thumbnail pixel on the paper's edge still holds some background: step one pixel inwards
    # wherever the paper does not reach the frame.
    x0, y0 = x0 + (x0 > 0), y0 + (y0 > 0)
    x1, y1 = x1 - (x1 < bright.width), y1 - (y1 < bright.height)
    if x1 <= x0 or y1 <= y0:
        return None
    kept = (x1 - x0) * (y1 - y0) / (bright.width * bright.height)
    if not MIN_KEPT_AREA <= kept <= MAX_KEPT_AREA:
        return None
    scale_x, scale_y = image.width / bright.width, image.height / bright.height
    return (
        max(0, int(x0 * scale_x)),
        max(0, int(y0 * scale_y)),
        min(image.width, round(x1 * scale_x)),
        min(image.height, round(y1 * scale_y)),
    )


#: Long side of the thumbnail the paper's corners are looked for on.
QUAD_SIDE = 256
#: Edge points within this many thumbnail pixels of a line support it.
EDGE_TOLERANCE = 1.5
#: Largest difference between the slopes of opposite edges (about 10 degrees).
MAX_EDGE_SPREAD = 0.18
#: A paper photographed at an angle has converging opposite edges: a long receipt's short edges can
#: differ by 0.2-0.3 in slope. Up to this spread an outline is taken when it matches the bright region
#: it was fitted to (:func:`outline_matches` at least :data:`MIN_OUTLINE_MATCH`): a paper in perspective
#: is still a quadrilateral, where edges fitted to a shadow's rim or to clutter beside the paper make
#: one that leaves part of the region out or takes in what is not.
MAX_PERSPECTIVE_SPREAD = 0.35
MIN_OUTLINE_MATCH = 0.93
#: A quadrilateral whose corners all lie within this many thumbnail pixels of its bounding box's
#: corners is an upright rectangle: cropping it is enough.
UPRIGHT_TOLERANCE = 1.5


def _runs(row: Any) -> list[tuple[int, int]]:
    import numpy as np

    edges = np.diff(np.concatenate(([0], row.astype(np.int8), [0])))
    return list(zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist(), strict=True))


def largest_component(mask: Any) -> Any:
    """The largest 4-connected region of a boolean array, as a boolean array (runs joined row by row)."""
    import numpy as np

    parent: list[int] = []

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    runs: list[tuple[int, int, int]] = []
    previous: list[tuple[int, int, int]] = []
    for y, row in enumerate(mask):
        current = []
        for start, stop in _runs(row):
            index = len(runs)
            parent.append(index)
            runs.append((y, start, stop))
            for other_start, other_stop, other in previous:
                if start < other_stop and other_start < stop:
                    parent[root(index)] = root(other)
            current.append((start, stop, index))
        previous = current
    if not runs:
        return np.zeros_like(mask)
    sizes: dict[int, int] = {}
    for index, (_, start, stop) in enumerate(runs):
        sizes[root(index)] = sizes.get(root(index), 0) + stop - start
    best = max(sizes, key=lambda key: sizes[key])
    component = np.zeros_like(mask)
    for index, (y, start, stop) in enumerate(runs):
        if root(index) == best:
            component[y, start:stop] = True
    return component


def _fit_edge(positions: Any, values: Any) -> tuple[float, float] | None:
    """``value = slope * position + intercept`` through most of the edge points.

    Part of an edge may be hidden (a shadow darker than the table, an object over the paper) and
    the points at its ends belong to the neighbouring edges, so the line is chosen by consensus:
    of the lines through pairs of sampled points, the one with the most points near it wins, and
    is then fitted to those points by least squares.
    """
    import numpy as np

    count = len(positions)
    if count < 8:
        return None
    samples = np.unique(np.linspace(0, count - 1, 24).round().astype(int))
    first, second = np.triu_indices(len(samples), k=1)
    first, second = samples[first], samples[second]
    apart = second - first >= count // 4
    first, second = first[apart], second[apart]
    run = positions[second] - positions[first]
    slopes = (values[second] - values[first]) / np.where(run == 0, 1, run)
    intercepts = values[first] - slopes * positions[first]
    distances = np.abs(values[None, :] - (slopes[:, None] * positions[None, :] + intercepts[:, None]))
    best = int(np.argmax((distances <= EDGE_TOLERANCE).sum(axis=1)))
    keep = distances[best] <= EDGE_TOLERANCE
    if keep.sum() < max(6, count // 5):
        return None
    slope, intercept = np.polyfit(positions[keep], values[keep], 1)
    return float(slope), float(intercept)


def _intersect(vertical: tuple[float, float], horizontal: tuple[float, float]) -> Point:
    """Where ``x = a*y + b`` meets ``y = c*x + d``."""
    a, b = vertical
    c, d = horizontal
    y = (c * b + d) / (1 - a * c)
    return a * y + b, y


Edge = tuple[float, float]


def _corners(
    left: Edge | None,
    right: Edge | None,
    top: Edge | None,
    bottom: Edge | None,
    *,
    width: int,
    height: int,
    max_spread: float = MAX_EDGE_SPREAD,
) -> list[Point] | None:
    """The four corners (top-left, top-right, bottom-right, bottom-left) where the fitted edges meet,
    or ``None`` when an edge is missing, opposite edges are far from parallel (their slopes differ by
    more than ``max_spread``: one was fitted to something else, a shadow's rim, a neighbouring object)
    or a corner lies outside the image."""
    if left is None or right is None or top is None or bottom is None:
        return None
    if _spread(left, right, top, bottom) > max_spread:
        return None
    corners = [
        _intersect(left, top),
        _intersect(right, top),
        _intersect(right, bottom),
        _intersect(left, bottom),
    ]
    if any(not (-2 <= x <= width + 2 and -2 <= y <= height + 2) for x, y in corners):
        return None
    return corners


def _spread(left: Edge, right: Edge, top: Edge, bottom: Edge) -> float:
    """The larger difference between the slopes of opposite edges."""
    return max(abs(left[0] - right[0]), abs(top[0] - bottom[0]))


def _inset(corners: list[Point], pixels: float, scale_x: float, scale_y: float) -> Quad:
    """``corners`` moved ``pixels`` towards their centre (no background or dark rim left at the
    edges), then scaled to image pixels."""
    cx, cy = sum(x for x, _ in corners) / 4, sum(y for _, y in corners) / 4
    inset: list[Point] = []
    for x, y in corners:
        step = pixels / max(1e-6, ((x - cx) ** 2 + (y - cy) ** 2) ** 0.5)
        inset.append(((x + (cx - x) * step) * scale_x, (y + (cy - y) * step) * scale_y))
    return (inset[0], inset[1], inset[2], inset[3])


def paper_mask(image: Image, side: int) -> Any | None:
    """The paper on a thumbnail with long side ``side`` (largest bright region), or ``None``."""
    import numpy as np

    thumbnail = image.copy()
    thumbnail.thumbnail((side, side))
    histogram = thumbnail.histogram()
    threshold = otsu_threshold(histogram)
    if _mean(histogram, threshold + 1, 256) - _mean(histogram, 0, threshold + 1) < MIN_CONTRAST:
        return None
    component = largest_component(np.asarray(thumbnail) > threshold)
    kept = float(component.mean())
    if not MIN_KEPT_AREA <= kept <= MAX_KEPT_AREA:
        return None
    return component


def find_paper_quad(image: Image) -> Quad | None:
    """The paper's four corners in a grayscale photo when it lies tilted or in perspective.

    ``None`` when there is no paper standing out from a background, or when the paper is an
    upright rectangle (:func:`find_paper` crops it). Corners are in image pixels, one thumbnail
    pixel inside the paper, ordered top-left, top-right, bottom-right, bottom-left.
    """
    import numpy as np

    mask = paper_mask(image, QUAD_SIDE)
    if mask is None:
        return None
    height, width = mask.shape
    rows = np.flatnonzero(mask.any(axis=1))
    columns = np.flatnonzero(mask.any(axis=0))
    flipped_x, flipped_y = mask[:, ::-1], mask[::-1]
    # Edge points: the first paper pixel of each row (column) seen from that side.
    left = _fit_edge(rows, mask[rows].argmax(axis=1).astype(float))
    right = _fit_edge(rows, (width - flipped_x[rows].argmax(axis=1)).astype(float))
    top = _fit_edge(columns, mask[:, columns].argmax(axis=0).astype(float))
    bottom = _fit_edge(columns, (height - flipped_y[:, columns].argmax(axis=0)).astype(float))
    corners = _corners(
        left, right, top, bottom, width=width, height=height, max_spread=MAX_PERSPECTIVE_SPREAD
    )
    if corners is None or left is None or right is None or top is None or bottom is None:
        return None
    if _spread(left, right, top, bottom) > MAX_EDGE_SPREAD and _match(mask, corners) < MIN_OUTLINE_MATCH:
        return None
    xs, ys = [x for x, _ in corners], [y for _, y in corners]
    box = [(min(xs), min(ys)), (max(xs), min(ys)), (max(xs), max(ys)), (min(xs), max(ys))]
    deviation = max(max(abs(x - bx), abs(y - by)) for (x, y), (bx, by) in zip(corners, box, strict=True))
    if deviation <= UPRIGHT_TOLERANCE:
        return None
    # One thumbnail pixel inwards, towards the centre, so no background is left at the edges.
    return _inset(corners, 1.4, image.width / width, image.height / height)


def _filled(region: Any) -> Any:
    """The boolean ``region`` with its holes filled (print on the paper, darker than the threshold):
    every pixel between its first and last pixel both along its row and along its column."""
    import numpy as np

    def spans(mask: Any) -> Any:
        ahead = np.maximum.accumulate(mask, axis=1)
        behind = np.maximum.accumulate(mask[:, ::-1], axis=1)[:, ::-1]
        return ahead & behind

    return region | (spans(region) & spans(region.T).T)


def _match(mask: Any, corners: Sequence[Point]) -> float:
    """The share of the union of the outline ``corners`` (``mask`` pixels) and the bright region
    ``mask``, its holes filled (:func:`_filled`), that both hold."""
    import numpy as np
    from PIL import Image as PILImage
    from PIL import ImageDraw

    region = _filled(mask)
    height, width = region.shape
    drawn = PILImage.new("1", (width, height), 0)
    ImageDraw.Draw(drawn).polygon(list(corners), fill=1)
    outline = np.asarray(drawn, dtype=bool)
    union = int((outline | region).sum())
    return int((outline & region).sum()) / union if union else 0.0


def outline_matches(image: Image, quads: Sequence[Quad]) -> list[float]:
    """How closely each paper outline (image pixels) matches the largest bright region of ``image``
    (see :func:`_match`; 0 without such a region), the region found once for all of them."""
    mask = paper_mask(image, QUAD_SIDE) if quads else None
    if mask is None:
        return [0.0] * len(quads)
    height, width = mask.shape
    scale_x, scale_y = width / image.width, height / image.height
    return [_match(mask, [(x * scale_x, y * scale_y) for x, y in quad]) for quad in quads]


#: Long side of the thumbnail the paper's edges are traced on around the text.
TRACE_SIDE = 400
#: Brightness on either side of a point is the median over this many pixels along the line: wider
#: than a character's strokes at that size, so print does not read as a step.
TRACE_WINDOW = 13
#: The paper's edge steps down to the table by at least this many grey levels (0..255) ...
MIN_EDGE_STEP = 14
#: ... and to at most this share of the paper's brightness.
MAX_EDGE_RATIO = 0.9
#: The paper's edge is sharp: at least this share of the step falls within :data:`SHARP_SPAN` pixels.
SHARP_SHARE = 0.5
SHARP_SPAN = 3
#: Each edge is traced over this many lines (rows or columns) across the text's extent.
TRACE_LINES = 48
#: An edge is trusted when at least this share of its traced lines lie on its line: lines are traced
#: along most of the text's extent, so an edge hidden over more than half its length (clutter as
#: bright as the paper beside it, a shadow's rim) still shows over enough of the rest.
MIN_EDGE_SUPPORT = 0.35


def _edge_points(pixels: Any, start: int, lines: Any, outward: int) -> tuple[Any, Any]:
    """Along each row of ``pixels`` in ``lines``, from column ``start`` going ``outward`` (+1 or -1):
    the first column where the brightness steps down from paper to table (window medians), sharply
    (most of the step within :data:`SHARP_SPAN` pixels: a shadow's rim is soft)."""
    import numpy as np

    k = TRACE_WINDOW
    rows = pixels[lines].astype(np.float32)
    if outward < 0:
        rows, start = rows[:, ::-1], rows.shape[1] - 1 - start
    medians = np.median(np.lib.stride_tricks.sliding_window_view(rows, k, axis=1), axis=2)
    # Boundary b (between columns b-1 and b): the window ending there against the one starting there.
    inner, outer = medians[:, :-k], medians[:, k:]
    boundaries = np.arange(k, k + inner.shape[1])
    step = inner - outer
    found = (step >= MIN_EDGE_STEP) & (outer <= inner * MAX_EDGE_RATIO) & (boundaries >= start)[None, :]
    # The sharp step across the boundary, the best of the few boundaries around it.
    # (medians of SHARP_SPAN pixels either side, so a character's stroke is no sharp step).
    small = np.median(np.lib.stride_tricks.sliding_window_view(rows, SHARP_SPAN, axis=1), axis=2)
    sharp = np.zeros_like(rows)
    sharp[:, SHARP_SPAN : SHARP_SPAN + small.shape[1] - SHARP_SPAN] = (
        small[:, :-SHARP_SPAN] - small[:, SHARP_SPAN:]
    )
    near = np.lib.stride_tricks.sliding_window_view(
        np.pad(sharp, ((0, 0), (k // 2, k // 2)), mode="edge"), k, axis=1
    )
    near_sharp = near.max(axis=2)[:, boundaries]
    # Against the largest step nearby: where a soft rim first passes the threshold, its step is
    # still small.
    padded = np.pad(step, ((0, 0), (k, k)), mode="edge")
    near_step = np.lib.stride_tricks.sliding_window_view(padded, 2 * k + 1, axis=1).max(axis=2)
    found &= near_sharp >= near_step * SHARP_SHARE
    has = found.any(axis=1)
    first = boundaries[found.argmax(axis=1)]
    positions = []
    for row, at in zip(sharp[has], first[has], strict=True):
        low = max(0, at - k // 2)
        positions.append(low + int(np.argmax(row[low : at + k // 2 + 1])) - SHARP_SPAN / 2)
    values = np.asarray(positions, dtype=float)
    if outward < 0:
        values = pixels.shape[1] - 1 - values
    return np.asarray(lines, dtype=float)[has], values


def _traced_edge(pixels: Any, start: int, span: tuple[int, int], outward: int) -> tuple[float, float] | None:
    """The line one side of the paper lies on, traced outward from the text (see :func:`trace_paper_quad`)."""
    import numpy as np

    lines = np.unique(np.linspace(span[0], span[1] - 1, TRACE_LINES).round().astype(int))
    positions, values = _edge_points(pixels, start, lines, outward)
    fitted = _fit_edge(positions, values)
    if fitted is None:
        return None
    slope, intercept = fitted
    support = np.abs(values - (slope * positions + intercept)) <= EDGE_TOLERANCE * 1.5
    return fitted if support.sum() >= len(lines) * MIN_EDGE_SUPPORT else None


def trace_paper_quad(image: Image, text_box: PaperBox, reach: PaperBox | None = None) -> Quad | None:
    """The paper's four corners in a grayscale photo, traced outward from the text on it.

    Where the paper does not stand out as one bright region (shadow, uneven light, clutter of
    other bright things beside it), its edges still show as steps down from the paper to the table.
    From the middle of the text (``text_box``, image pixels) each row is followed left and right,
    each column up and down, to the first such step (medians of a few pixels each side, so print
    is no step); each side's points must lie mostly on one straight line (chosen by consensus),
    opposite sides nearly parallel, and the corners in the image. ``None`` otherwise. Corners are
    ordered as by :func:`find_paper_quad`.

    The rows and columns followed span ``reach`` (image pixels; by default ``text_box``), from
    ``text_box``'s sides: the longer the stretch of each edge traced, the more of it shows where
    clutter hides a part.
    """
    import numpy as np

    thumbnail = image.copy()
    thumbnail.thumbnail((TRACE_SIDE, TRACE_SIDE))
    pixels = np.asarray(thumbnail, dtype=np.float32)
    height, width = pixels.shape
    sx, sy = width / image.width, height / image.height
    x0, y0 = int(text_box[0] * sx), int(text_box[1] * sy)
    x1, y1 = min(width - 1, int(text_box[2] * sx)), min(height - 1, int(text_box[3] * sy))
    if x1 - x0 < 8 or y1 - y0 < 8:
        return None
    rows, columns = (y0, y1), (x0, x1)
    if reach is not None:
        rows = (min(y0, int(reach[1] * sy)), max(y1, min(height - 1, int(reach[3] * sy))))
        columns = (min(x0, int(reach[0] * sx)), max(x1, min(width - 1, int(reach[2] * sx))))
    left = _traced_edge(pixels, x0, rows, -1)
    right = _traced_edge(pixels, x1, rows, 1)
    top = _traced_edge(pixels.T, y0, columns, -1)
    bottom = _traced_edge(pixels.T, y1, columns, 1)
    corners = _corners(left, right, top, bottom, width=width, height=height)
    if corners is None:
        return None
    # One thumbnail pixel inwards, so the edge's dark rim is not kept.
    return _inset(corners, 1.5, 1 / sx, 1 / sy)

"""Find where the text of a photographed page is, from its ink alone.

On a cluttered table, in a shadow or at low contrast the paper's outline may not stand out (see
:mod:`docflow.ocr.paper`), and a wrong outline crops the text away. The text itself is found
instead: the page is divided by its background (:func:`docflow.ocr.light.estimate_background`), so
ink is dark relative to the paper around it whatever the light; the ink's level comes from Otsu's
threshold on that ratio. The ink is cut into square blocks; a block holds text when its ink is
neither sparse nor solid and its rows change between ink and paper often (characters), unlike
the long solid strokes of wood grain, table edges, ruled lines on other papers or dark objects.
The text region is the largest cluster of text blocks (blocks joined across a gap of one).

On a cluttered table the edges of the paper, of shadows and of objects make blocks too: where they
meet wood grain or tilt, they leave short upright runs of ink. Real thin print, small on a photo,
makes fewer blocks than that clutter, and a cluster with it may lose the paper's outline its trust.
A row through a line of characters crosses several strokes side by side, a row through an edge
crosses it once (:func:`crossed_blocks`): the blocks that pass that test too make the cluster of
text lines, which tells whether an outline holds the text (see :mod:`docflow.ocr.photo`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docflow.ocr.paper import otsu_threshold

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    from PIL.Image import Image

    from docflow.ocr.geometry import Quad

#: Side in pixels of the square blocks the ink is judged in (on a copy of at most 1600 px).
BLOCK = 24
#: A text block's rows change between ink and paper at least this often per row, on average.
MIN_TRANSITIONS = 0.8
#: A text block's share of ink pixels lies within these bounds.
MIN_BLOCK_INK = 0.02
MAX_BLOCK_INK = 0.5
#: Ink is darker than this share of the background, whatever Otsu's threshold says.
MAX_INK_RATIO = 0.92
#: And at least as dark as this share of it counts as ink in any case.
MIN_INK_RATIO = 0.6
#: Vertical ink runs at least this long (pixels of the working copy) are strokes of characters.
STROKE_LENGTH = 6
#: A text block holds at least this share of stroke pixels.
MIN_BLOCK_STROKES = 0.01
#: Along a line of text a row crosses several strokes side by side (the characters): within a
#: block and its neighbours left and right, a row of a block with characters changes between ink
#: and paper at least this often ...
MIN_ROW_CHANGES = 6
#: ... in at least this many of the block's rows (see :func:`crossed_blocks`).
MIN_CROSSED_ROWS = 4
#: Text blocks this many blocks apart along a line belong to the same text (a label, its amount).
JOIN_ACROSS = 8
#: Blocks kept around the text region on each side.
MARGIN_BLOCKS = 1
#: A text region needs at least this many blocks.
MIN_TEXT_BLOCKS = 6
#: A paper outline must hold this share of the text blocks to be trusted.
MIN_TEXT_INSIDE = 0.9
#: Side in pixels (of the working copy) of the window the paper's brightness next to a stroke is taken
#: in by :func:`local_ink`: wider than a stroke, about a character.
LOCAL_WINDOW = 9
#: Ink running straight down further than this (pixels of the working copy, more than a line of
#: text) is an edge (the paper's, a table's, an object's), not print: :func:`local_ink` leaves it out.
MAX_STROKE = 28
#: Local ink is at most this share of the paper's brightness beside it, ...
LOCAL_INK_RATIO = 0.88
#: ... and at least this many grey levels (0..255) darker than it: less is sensor noise, which on a
#: dark table or in a deep shadow is a large share of the brightness.
MIN_INK_CONTRAST = 12

Box = tuple[int, int, int, int]


def background_ratio(image: Image, background: Image | None = None) -> npt.NDArray[np.float32]:
    """Each pixel of a grayscale page divided by the paper's brightness around it (1.0: paper).

    ``background`` is :func:`docflow.ocr.light.estimate_background` of the page when already made.
    """
    import numpy as np
    from PIL import Image as PILImage

    from docflow.ocr.light import estimate_background

    background = (background or estimate_background(image)).resize(image.size, PILImage.Resampling.BILINEAR)
    pixels = np.asarray(image, dtype=np.float32)
    ratio = pixels / np.maximum(np.asarray(background, dtype=np.float32), np.float32(1.0))
    return np.asarray(ratio, dtype=np.float32)


def ink_from_ratio(ratio: npt.NDArray[np.float32]) -> npt.NDArray[np.bool_]:
    """Ink pixels: darker than their background by Otsu's threshold on the ratio, within bounds."""
    import numpy as np

    levels = np.clip(ratio * 200.0, 0, 255).astype(np.uint8)
    histogram = np.bincount(levels[::2, ::2].ravel(), minlength=256).tolist()
    threshold = min(max(otsu_threshold(histogram) / 200.0, MIN_INK_RATIO), MAX_INK_RATIO)
    ink: npt.NDArray[np.bool_] = ratio <= threshold
    return ink


def local_ink(image: Image, window: int = LOCAL_WINDOW) -> npt.NDArray[np.bool_]:
    """Ink pixels judged against the paper right beside them (the brightest pixel within ``window``).

    Dividing by a page-wide background (:func:`background_ratio`) lets the brightness of the paper
    bleed onto the darker table around it, which then reads as a wide band of ink, while faint,
    blurred print on dim paper stays above the threshold. Beside each stroke there is paper within
    a character's width, whatever the light, the table or the shadow, so one fixed share of it
    (``LOCAL_INK_RATIO``, with ``MIN_INK_CONTRAST`` grey levels) tells ink apart: a threshold chosen
    from the whole page's histogram (Otsu's) follows whatever dark covers most of it, such as wood
    grain or a dark table, and leaves faint print above it.
    """
    import numpy as np
    from PIL import ImageFilter

    from docflow.ocr.light import window_max

    # A light box blur first, so a single bright speck of noise does not count as paper.
    smooth = np.asarray(image.filter(ImageFilter.BoxBlur(1)), dtype=np.uint8)
    paper = window_max(smooth, window)
    pixels = np.asarray(image, dtype=np.float32)
    ratio = pixels / np.maximum(paper.astype(np.float32), np.float32(1.0))
    contrast = paper.astype(np.float32) - pixels >= MIN_INK_CONTRAST
    ink = (ratio <= LOCAL_INK_RATIO) & contrast
    # The edge of the paper or of an object is a line of ink beside the brighter side: taller than
    # any character, and no text.
    starts = _runs_down(ink, MAX_STROKE)
    tall = starts.copy()
    for shift in range(1, MAX_STROKE):
        tall[shift:] |= starts[:-shift]
    return np.asarray(ink & ~tall, dtype=bool)


def _runs_down(ink: npt.NDArray[np.bool_], length: int) -> npt.NDArray[np.bool_]:
    """Ink pixels with at least ``length - 1`` more ink pixels straight below them."""
    import numpy as np

    runs = ink.copy()
    for shift in range(1, length):
        runs[:-shift] &= ink[shift:]
    runs[max(0, ink.shape[0] - length + 1) :] = False
    return np.asarray(runs, dtype=bool)


def upright_strokes(ink: npt.NDArray[np.bool_], length: int = STROKE_LENGTH) -> npt.NDArray[np.bool_]:
    """Ink pixels that start a vertical run of at least ``length`` ink pixels: the upright strokes of
    characters, which wood grain, ruled lines and noise (thin, flat or scattered) do not have."""
    return _runs_down(ink, length)


def text_blocks(ink: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """Per ``BLOCK`` x ``BLOCK`` block of an ink mask: whether it holds text (see the module docstring)."""
    import numpy as np

    rows, columns = ink.shape[0] // BLOCK, ink.shape[1] // BLOCK
    if rows == 0 or columns == 0:
        return np.zeros((rows, columns), dtype=bool)
    cut = ink[: rows * BLOCK, : columns * BLOCK]
    share = cut.reshape(rows, BLOCK, columns, BLOCK).mean(axis=(1, 3))
    changes = np.zeros(cut.shape, dtype=np.uint8)
    changes[:, 1:] = cut[:, 1:] != cut[:, :-1]
    per_row = changes.reshape(rows, BLOCK, columns, BLOCK).sum(axis=(1, 3), dtype=np.float32) / BLOCK
    # Strokes of characters stand upright; wood grain and ruled lines lie flat.
    strokes = upright_strokes(cut).reshape(rows, BLOCK, columns, BLOCK).mean(axis=(1, 3))
    text: npt.NDArray[np.bool_] = (
        (per_row >= MIN_TRANSITIONS)
        & (strokes >= MIN_BLOCK_STROKES)
        & (share >= MIN_BLOCK_INK)
        & (share <= MAX_BLOCK_INK)
    )
    return text


def crossed_blocks(ink: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """Per ``BLOCK`` x ``BLOCK`` block of an ink mask: whether rows of it cross several strokes side by
    side (see :data:`MIN_ROW_CHANGES`), as a row through characters along a line does.

    An edge (the paper's, a shadow's, an object's), a grain line or a ruled line is crossed once by
    each row however it tilts, and its short upright runs where it meets wood grain or tilts pass
    the stroke test of :func:`text_blocks`: on a cluttered table such edges, more than the thin
    print of a real receipt, can make up much of a text cluster.
    """
    import numpy as np

    rows, columns = ink.shape[0] // BLOCK, ink.shape[1] // BLOCK
    if rows == 0 or columns == 0:
        return np.zeros((rows, columns), dtype=bool)
    cut = ink[: rows * BLOCK, : columns * BLOCK]
    changes = np.zeros(cut.shape, dtype=np.uint8)
    changes[:, 1:] = cut[:, 1:] != cut[:, :-1]
    row_changes = changes.reshape(rows, BLOCK, columns, BLOCK).sum(axis=3, dtype=np.int32)
    beside = np.pad(row_changes, ((0, 0), (0, 0), (1, 1)))
    along = beside[:, :, :-2] + beside[:, :, 1:-1] + beside[:, :, 2:]
    crossed: npt.NDArray[np.bool_] = (along >= MIN_ROW_CHANGES).sum(axis=1) >= MIN_CROSSED_ROWS
    return crossed


def _dilated(mask: npt.NDArray[np.bool_], across: int = 1) -> npt.NDArray[np.bool_]:
    """``mask`` grown by one block up and down and ``across`` blocks left and right."""
    import numpy as np

    padded = np.pad(mask, ((1, 1), (across, across)))
    grown = np.zeros_like(mask)
    for dy in range(3):
        for dx in range(2 * across + 1):
            grown |= padded[dy : dy + mask.shape[0], dx : dx + mask.shape[1]]
    return grown


def text_cluster(blocks: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_] | None:
    """The text blocks of the largest cluster, or ``None``: blocks join across a gap of one block
    between lines and of up to ``JOIN_ACROSS`` blocks along a line (labels and their amounts)."""
    from docflow.ocr.paper import largest_component

    if int(blocks.sum()) < MIN_TEXT_BLOCKS:
        return None
    cluster: npt.NDArray[np.bool_] = largest_component(_dilated(blocks, JOIN_ACROSS)) & blocks
    if int(cluster.sum()) < MIN_TEXT_BLOCKS:
        return None
    return cluster


def cluster_box(cluster: npt.NDArray[np.bool_], size: tuple[int, int]) -> Box:
    """The pixel box ``(x0, y0, x1, y1)`` around a cluster of blocks, ``MARGIN_BLOCKS`` wider, in ``size``."""
    import numpy as np

    rows = np.flatnonzero(cluster.any(axis=1))
    columns = np.flatnonzero(cluster.any(axis=0))
    x0 = max(0, (int(columns[0]) - MARGIN_BLOCKS) * BLOCK)
    y0 = max(0, (int(rows[0]) - MARGIN_BLOCKS) * BLOCK)
    x1 = min(size[0], (int(columns[-1]) + 1 + MARGIN_BLOCKS) * BLOCK)
    y1 = min(size[1], (int(rows[-1]) + 1 + MARGIN_BLOCKS) * BLOCK)
    return x0, y0, x1, y1


#: The middle of a text cluster spans these percentiles of its blocks along each axis.
CORE_PERCENTILES = (40, 60)
#: Most of a text cluster spans these percentiles of its blocks along each axis: the stray blocks of
#: print or grain beside the paper that the cluster may have taken in lie outside.
SPREAD_PERCENTILES = (10, 90)


def core_box(cluster: npt.NDArray[np.bool_], percentiles: tuple[float, float] = CORE_PERCENTILES) -> Box:
    """The pixel box around the middle of a cluster's blocks (see :data:`CORE_PERCENTILES`): inside
    the text even when the cluster also took in print or grain beside the paper. Wider
    ``percentiles`` (:data:`SPREAD_PERCENTILES`) give the box around most of the text."""
    import numpy as np

    ys, xs = np.nonzero(cluster)
    low, high = percentiles
    x0, x1 = np.percentile(xs, [low, high])
    y0, y1 = np.percentile(ys, [low, high])
    return int(x0) * BLOCK, int(y0) * BLOCK, (int(x1) + 1) * BLOCK, (int(y1) + 1) * BLOCK


def share_inside(cluster: npt.NDArray[np.bool_], quad: Quad, grown_by: float = 1.5) -> float:
    """The share of a cluster's blocks whose centres lie inside a convex quadrilateral (pixels), its
    corners moved ``grown_by`` blocks outward: the paper's own edge, dark against a table, makes
    blocks there too."""
    import numpy as np

    cx, cy = sum(x for x, _ in quad) / 4, sum(y for _, y in quad) / 4
    grown = []
    for x, y in quad:
        length = max(1e-6, float(np.hypot(x - cx, y - cy)))
        grown.append((x + (x - cx) * BLOCK * grown_by / length, y + (y - cy) * BLOCK * grown_by / length))
    quad = (grown[0], grown[1], grown[2], grown[3])

    ys, xs = np.nonzero(cluster)
    if len(xs) == 0:
        return 0.0
    px, py = (xs + 0.5) * BLOCK, (ys + 0.5) * BLOCK
    inside: Any = np.ones(len(xs), dtype=bool)
    signs = []
    for index in range(4):
        (ax, ay), (bx, by) = quad[index], quad[(index + 1) % 4]
        signs.append((bx - ax) * (py - ay) - (by - ay) * (px - ax))
    positive = np.all([sign >= 0 for sign in signs], axis=0)
    negative = np.all([sign <= 0 for sign in signs], axis=0)
    inside = positive | negative
    return float(inside.mean())


def dilated_blocks(blocks: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """Text blocks grown by one block on every side (text at a block's edge is kept)."""
    return _dilated(blocks)


def filled_cluster(cluster: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """A cluster of text blocks with the gaps inside its outline filled, grown by one block.

    Each row of blocks is filled from its first to its last block (a label and its amount, with the
    blank paper between them), then each column from its first to its last (blank lines), so a
    block that was missed inside the text (faint print, a short line) is not whitened with the
    clutter around the text; text blocks outside the cluster (other papers) are left out.
    """
    import numpy as np

    filled = np.zeros_like(cluster)
    for row, line in enumerate(cluster):
        hits = np.flatnonzero(line)
        if len(hits):
            filled[row, hits[0] : hits[-1] + 1] = True
    for column, line in enumerate(filled.T.copy()):
        hits = np.flatnonzero(line)
        if len(hits):
            filled[hits[0] : hits[-1] + 1, column] = True
    return _dilated(filled)


def block_mask_image(blocks: npt.NDArray[np.bool_], size: tuple[int, int]) -> Image:
    """Blocks as a mode ``L`` image of ``size`` pixels: 255 inside a block, 0 elsewhere."""
    import numpy as np
    from PIL import Image as PILImage

    mask = np.zeros((size[1], size[0]), dtype=np.uint8)
    grid = np.kron(blocks.astype(np.uint8) * 255, np.ones((BLOCK, BLOCK), dtype=np.uint8))
    height, width = min(size[1], grid.shape[0]), min(size[0], grid.shape[1])
    mask[:height, :width] = grid[:height, :width]
    return PILImage.fromarray(mask)

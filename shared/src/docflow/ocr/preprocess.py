"""Prepare a grayscale page image for Tesseract: crop it to the paper, scale it so its text has a good height.

Tesseract reads best when text lines are roughly 20-40 pixels tall. The line height is estimated
from the horizontal ink profile (rows that hold dark pixels form runs, one per text line); pages
whose text is too small are enlarged and pages whose text is needlessly large are reduced, which
also saves time. When no estimate is possible the long side is kept within bounds instead.

Photos get more (see :mod:`docflow.ocr.photo`): the paper straightened from its corners, the text
lines levelled and the light evened out, each switchable in :class:`PreprocessOptions`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from docflow.ocr.layout import Fragment

if TYPE_CHECKING:
    from PIL.Image import Image

#: Rows whose ink share is at most this (0..255 scale) count as blank.
_BLANK_ROW = 3
#: Ink runs shorter than this are rules, dots or noise, not text lines.
_MIN_RUN = 4
#: Fewer runs than this give no reliable estimate (a photo, a single word).
_MIN_RUNS = 3
#: Width the profile is computed at; rows keep their full resolution.
_PROFILE_WIDTH = 512
#: Vertical strips the row profile is also taken in.
_STRIPS = 8


@dataclass(frozen=True, slots=True)
class PreprocessOptions:
    """How a page is prepared for OCR; each step can be switched off on its own.

    Text whose estimated line height is below ``min_text_height`` or above ``max_text_height`` is
    scaled to ``target_text_height`` (``scale_text``); the scale is then bounded so the long side
    stays within ``min_long_side``..``max_long_side``. ``crop_to_paper`` cuts a photo's background
    away (see :mod:`docflow.ocr.paper`); with it, ``straighten_paper`` maps a tilted or foreshortened paper
    whose edges show onto an upright rectangle, ``deskew`` levels text lines tilted by up to
    ``max_skew_degrees`` (see :mod:`docflow.ocr.skew`) and ``flatten_light`` evens out shadows and
    uneven light (see :mod:`docflow.ocr.light`). ``find_text`` finds the text among a table's clutter
    on a photo with uneven background (see :mod:`docflow.ocr.text_region`): outlines that miss it are
    not trusted, the skew is taken from its strokes, and ``mask_clutter`` whitens what is not text
    where no paper outline was found. With ``local_ink`` ink is judged against the paper right
    beside each stroke rather than a page-wide background (faint, blurred print on a dim, shadowed
    paper is found, the table around the paper is not taken for ink); ``skew_from_text_ink`` takes
    the skew from all the ink of the text blocks where their strokes tell no angle; ``fill_text``
    keeps the whole outline of the largest text cluster (gaps filled) instead of each text block;
    ``paper_relative`` divides a photo with uneven light by the paper's brightness beside each
    stroke before it is read (see :func:`docflow.ocr.light.paper_relative`). ``clear_edges``
    whitens the dark band a cropped paper's edge and shadow leave along the frame (see
    :mod:`docflow.ocr.paper`). ``join_dots`` blurs dot-matrix print just enough to join its dots
    into strokes (see :mod:`docflow.ocr.dots`). ``whiten_paper`` makes the paper white, the ink
    keeping its greys (see :mod:`docflow.ocr.levels`). ``trace_paper`` traces the paper's outline
    outward from its text where the paper does not stand out as one bright region (see
    :func:`docflow.ocr.paper.trace_paper_quad`). ``read_gaps`` reads again, on their own, the rows
    with print that the page reading left out (large header print, a line beside a picture or under
    a barcode; see :mod:`docflow.ocr.gaps`);
    ``reread_weak`` reads again, within the text column alone, runs of weakly read lines between
    surely read ones (clutter beside the paper; see :mod:`docflow.ocr.weak_lines`).
    ``reread_header`` lets the reader of the result read the first page's header again with
    automatic page segmentation, which the receipt reader does only when the page reading gave no
    merchant or a doubtful one (see :mod:`docflow.ocr.header`, :func:`docflow.receipts.scan.read_receipt`).
    ``reread_lines`` lets it read a line of that page again from several copies of its band, which
    the receipt reader does for a labelled Y-tunnus it could not read and for a date it is unsure of
    or could not find (see :mod:`docflow.ocr.line_reader`, :mod:`docflow.receipts.reread`).
    ``denoise`` smooths a grainy photo (sensor noise, heavy JPEG) with uneven light with a 3 x 3
    median before its light is evened out, the grain measured on blank paper only, away from print,
    barcodes and a thin paper's show-through (see :data:`docflow.ocr.photo.NOISY_PAPER`).
    ``trust_text_lines`` trusts a paper outline that holds the text lines (blocks whose rows cross
    several strokes, see :func:`docflow.ocr.text_region.crossed_blocks`) where the text cluster also
    took in the edges of clutter beside the paper; ``skew_from_text_lines`` takes the skew of a
    cluttered photo without a paper outline from the strokes of those blocks first (the edges of a
    shadow, of another object or of the grain, crossed once per row, lie level and would pull the
    angle to none). With
    ``straighten_paper``, ``deskew``, ``flatten_light``, ``find_text``, ``clear_edges``,
    ``join_dots`` and ``whiten_paper`` off, a page is prepared as before they existed (crop and
    scale only).
    """

    min_text_height: int = 16
    max_text_height: int = 48
    target_text_height: int = 24
    min_long_side: int = 600
    max_long_side: int = 3200
    crop_to_paper: bool = True
    straighten_paper: bool = True
    deskew: bool = True
    max_skew_degrees: float = 15.0
    flatten_light: bool = True
    find_text: bool = True
    mask_clutter: bool = True
    local_ink: bool = True
    skew_from_text_ink: bool = True
    fill_text: bool = True
    paper_relative: bool = True
    clear_edges: bool = True
    scale_text: bool = True
    join_dots: bool = True
    whiten_paper: bool = True
    trace_paper: bool = True
    read_gaps: bool = True
    reread_weak: bool = True
    reread_header: bool = True
    reread_lines: bool = True
    denoise: bool = True
    trust_text_lines: bool = True
    skew_from_text_lines: bool = True

    @property
    def photo_steps(self) -> bool:
        """Whether any of the photo steps (straighten, deskew, flatten light, find text) is on."""
        return self.straighten_paper or self.deskew or self.flatten_light or self.find_text


@dataclass(frozen=True, slots=True)
class PreparedImage:
    """The image Tesseract reads; page pixel ``(x, y)`` is ``((x - ox) * scale, (y - oy) * scale)`` in it.

    A page that was deskewed or straightened is read in its levelled frame: boxes are mapped back
    with the scale and offset only, so lines stay level (the receipt engine groups rows by their
    boxes) and lie near, not exactly on, the tilted text of the upload.
    """

    image: Image
    scale: float
    text_height: float | None
    offset: tuple[int, int] = (0, 0)
    #: Degrees the text lines were levelled by (0.0: not rotated).
    skew: float = 0.0
    #: Whether the paper was straightened from its four corners (perspective).
    straightened: bool = False

    @property
    def image_text_height(self) -> float | None:
        """The text height measured on the page, in this image's pixels."""
        return self.text_height * self.scale if self.text_height else None

    def to_page(self, box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
        """A box in this image's pixels as a box in page pixels."""
        x_offset, y_offset = self.offset
        x0, y0, x1, y1 = (value / self.scale for value in box)
        return round(x0) + x_offset, round(y0) + y_offset, round(x1) + x_offset, round(y1) + y_offset

    def from_page(self, box: tuple[int, int, int, int]) -> tuple[float, float, float, float]:
        """A box in page pixels as a box in this image's pixels (the inverse of :meth:`to_page`)."""
        x_offset, y_offset = self.offset
        x0, y0, x1, y1 = box
        return (
            (x0 - x_offset) * self.scale,
            (y0 - y_offset) * self.scale,
            (x1 - x_offset) * self.scale,
            (y1 - y_offset) * self.scale,
        )

    def to_page_within(
        self, box: tuple[int, int, int, int], size: tuple[int, int]
    ) -> tuple[int, int, int, int]:
        """:meth:`to_page`, clipped to a page of ``size`` (width, height)."""
        width, height = size
        x0, y0, x1, y1 = self.to_page(box)
        return (
            min(max(0, x0), width),
            min(max(0, y0), height),
            min(max(0, x1), width),
            min(max(0, y1), height),
        )

    def fragment_to_page(self, fragment: Fragment, size: tuple[int, int]) -> Fragment:
        """``fragment`` read on this image, its box in the pixels of a page of ``size``."""
        return Fragment(fragment.text, fragment.confidence, self.to_page_within(fragment.bbox, size))


def _runs(profile: bytes, blank: int) -> list[int]:
    """Lengths of the runs of rows whose ink share is above ``blank``, at least ``_MIN_RUN`` long."""
    runs: list[int] = []
    start: int | None = None
    for row, value in enumerate([*profile, 0]):
        if value > blank and start is None:
            start = row
        elif value <= blank and start is not None:
            if row - start >= _MIN_RUN:
                runs.append(row - start)
            start = None
    return runs


def estimate_text_height(image: Image) -> float | None:
    """Median height in pixels of the ink runs in the row profiles, or ``None`` without enough lines.

    The profile is taken in ``_STRIPS`` vertical strips as well as across the whole width: within a
    strip, lines that are still slightly tilted or foreshortened do not merge into one tall run,
    and a patch of clutter beside the text spoils only its own strip. The estimate is the median
    over the runs of all strips, or of the whole width when the strips find too few.
    """
    from PIL import Image as PILImage
    from PIL import ImageOps

    profile_source = image
    if image.width > _PROFILE_WIDTH:
        profile_source = image.resize((_PROFILE_WIDTH, image.height), PILImage.Resampling.BOX)
    contrasted = ImageOps.autocontrast(profile_source, cutoff=1)
    ink = contrasted.point(lambda value: 255 if value < 128 else 0)
    runs: list[int] = []
    strip = max(1, ink.width // _STRIPS)
    for left in range(0, strip * _STRIPS, strip):
        column = ink.crop((left, 0, left + strip, ink.height))
        runs.extend(_runs(column.resize((1, ink.height), PILImage.Resampling.BOX).tobytes(), _BLANK_ROW))
    if len(runs) < _MIN_RUNS * _STRIPS:
        runs = _runs(ink.resize((1, ink.height), PILImage.Resampling.BOX).tobytes(), _BLANK_ROW)
    if len(runs) < _MIN_RUNS:
        return None
    runs.sort()
    middle = len(runs) // 2
    return float(runs[middle]) if len(runs) % 2 else (runs[middle - 1] + runs[middle]) / 2


def choose_scale(size: tuple[int, int], text_height: float | None, options: PreprocessOptions) -> float:
    """The resize factor for an image of ``size`` whose text lines are ``text_height`` tall."""
    scale = 1.0
    if text_height is not None and not options.min_text_height <= text_height <= options.max_text_height:
        scale = options.target_text_height / text_height
    long_side = max(size)
    return min(max(scale, options.min_long_side / long_side), options.max_long_side / long_side)


def resize_to(image: Image, scale: float) -> tuple[Image, float]:
    """``image`` resized by ``scale`` (kept as it is within 5 %) and the scale applied."""
    from PIL import Image as PILImage

    if abs(scale - 1.0) <= 0.05:
        return image, 1.0
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    resample = PILImage.Resampling.LANCZOS if scale < 1 else PILImage.Resampling.BICUBIC
    return image.resize(size, resample), scale


def prepare_scan(image: Image, options: PreprocessOptions) -> PreparedImage:
    """Crop a grayscale page to its paper and scale it so its text has a height Tesseract reads well."""
    from docflow.ocr.paper import find_paper

    paper = find_paper(image) if options.crop_to_paper else None
    offset = (0, 0)
    if paper is not None:
        image, offset = image.crop(paper), (paper[0], paper[1])
    text_height = estimate_text_height(image) if options.scale_text else None
    image, scale = resize_to(image, choose_scale(image.size, text_height, options))
    return PreparedImage(image, scale, text_height, offset)

"""Photo preparation: skew from text lines, the paper's corners, light flattening, each step switchable."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PIL import Image, ImageChops

from docflow.ocr.geometry import apply, homography, pillow_coefficients
from docflow.ocr.light import estimate_background, flatten_light
from docflow.ocr.paper import MIN_OUTLINE_MATCH, find_paper_quad, outline_matches
from docflow.ocr.photo import _held_outlines
from docflow.ocr.prepare import prepare_for_ocr
from docflow.ocr.preprocess import PreprocessOptions
from docflow.ocr.skew import estimate_skew
from docflow.ocr.text_region import BLOCK, share_inside
from tests.support.ocr_corpus import RECEIPT_LINES, render_receipt

OFF = PreprocessOptions(straighten_paper=False, deskew=False, flatten_light=False, find_text=False)


def receipt() -> Image.Image:
    return render_receipt((*RECEIPT_LINES, *RECEIPT_LINES), size=28)


def tilted(image: Image.Image, degrees: float) -> Image.Image:
    """``image`` turned counter-clockwise by ``degrees`` (its lines then rise to the right)."""
    return image.rotate(degrees, Image.Resampling.BICUBIC, expand=True, fillcolor=255)


@pytest.mark.parametrize("degrees", [-15.0, -8.0, -3.5, -1.0, 0.0, 0.7, 4.2, 6.0, 12.5, 15.0])
def test_given_page_rotated_by_known_angle_when_estimated_then_within_half_a_degree(degrees: float) -> None:
    estimate = estimate_skew(tilted(receipt(), degrees))
    assert estimate is not None
    # Turned counter-clockwise, lines rise to the right: a negative tilt in image coordinates.
    assert estimate == pytest.approx(-degrees, abs=0.5)


def test_given_page_without_ink_when_estimated_then_no_skew() -> None:
    assert estimate_skew(Image.new("L", (400, 600), 250)) is None


def test_given_tilted_page_when_prepared_then_levelled_and_reported() -> None:
    prepared = prepare_for_ocr(tilted(receipt(), 6.0))
    assert prepared.skew == pytest.approx(-6.0, abs=0.5)
    assert estimate_skew(prepared.image) == pytest.approx(0.0, abs=0.5)


def test_given_deskew_off_when_prepared_then_not_rotated() -> None:
    prepared = prepare_for_ocr(tilted(receipt(), 6.0), PreprocessOptions(deskew=False))
    assert prepared.skew == 0.0


TRUE_CORNERS = ((230.0, 160.0), (760.0, 210.0), (700.0, 1180.0), (150.0, 1130.0))


def photo_in_perspective(corners: tuple[tuple[float, float], ...] = TRUE_CORNERS) -> Image.Image:
    """A receipt warped onto the quadrilateral ``corners`` of a dark table."""
    paper = receipt().point(lambda value: min(value, 235))
    rectangle = ((0.0, 0.0), (paper.width, 0.0), (paper.width, paper.height), (0.0, paper.height))
    coefficients = pillow_coefficients(homography(corners, rectangle))
    size = (900, 1300)
    warped = paper.transform(size, Image.Transform.PERSPECTIVE, coefficients, Image.Resampling.BICUBIC)
    mask = Image.new("L", paper.size, 255).transform(size, Image.Transform.PERSPECTIVE, coefficients)
    return Image.composite(warped, Image.new("L", size, 70), mask)


def test_given_paper_in_perspective_when_searched_then_its_four_corners_are_found() -> None:
    quad = find_paper_quad(photo_in_perspective())
    assert quad is not None
    for found, true in zip(quad, TRUE_CORNERS, strict=True):
        # One thumbnail pixel (about 5 px here) inside the paper, no more than a few pixels off.
        assert math.dist(found, true) < 15


KEYSTONE_CORNERS = ((200.0, 200.0), (600.0, 120.0), (620.0, 1200.0), (180.0, 1150.0))


def test_given_paper_photographed_at_an_angle_when_searched_then_its_converging_edges_are_taken() -> None:
    # The top and bottom edges' slopes differ by 0.31: beyond MAX_EDGE_SPREAD, but the outline
    # matches the bright region it was fitted to.
    quad = find_paper_quad(photo_in_perspective(KEYSTONE_CORNERS))
    assert quad is not None
    for found, true in zip(quad, KEYSTONE_CORNERS, strict=True):
        assert math.dist(found, true) < 15


def test_given_an_outline_when_matched_to_the_bright_region_then_the_share_in_common_is_told() -> None:
    photo = photo_in_perspective(KEYSTONE_CORNERS)
    top_half = (KEYSTONE_CORNERS[0], KEYSTONE_CORNERS[1], (610.0, 660.0), (190.0, 675.0))
    whole, half = outline_matches(photo, [KEYSTONE_CORNERS, top_half])
    assert whole > MIN_OUTLINE_MATCH
    assert half == pytest.approx(0.5, abs=0.05)
    assert outline_matches(Image.new("L", (400, 400), 128), [KEYSTONE_CORNERS]) == [0.0]


def test_given_a_bright_region_that_is_no_quadrilateral_when_searched_in_perspective_then_no_quad() -> None:
    # Paper with a bright card against one side: the fitted outline's edges spread beyond
    # MAX_EDGE_SPREAD and it does not match the region it was fitted to.
    photo = photo_in_perspective(KEYSTONE_CORNERS)
    photo.paste(240, (560, 700, 860, 1000))
    assert find_paper_quad(photo) is None


def _blocks_inside(photo: Image.Image, quad: tuple[tuple[float, float], ...], extra: float) -> np.ndarray:
    """Text blocks (see :mod:`docflow.ocr.text_region`) at every block centre inside ``quad``, plus
    ``extra`` times as many again on the table to the right of it."""
    rows, columns = photo.height // BLOCK, photo.width // BLOCK
    cells = np.zeros((rows, columns), dtype=bool)
    for y in range(rows):
        for x in range(columns):
            cells[y, x] = share_inside(_cell(x, y), quad, 0.0) == 1.0
    table = [(y, x) for x in range(columns - 1, columns - 4, -1) for y in range(rows) if not cells[y, x]]
    for y, x in table[: round(cells.sum() * extra)]:
        cells[y, x] = True
    return cells


def _cell(x: int, y: int) -> np.ndarray:
    cell = np.zeros((y + 1, x + 1), dtype=bool)
    cell[y, x] = True
    return cell


@pytest.mark.parametrize(("extra", "held"), [(0.04, True), (0.1, False)])
def test_given_print_like_clutter_beside_a_paper_when_judged_then_a_few_lines_of_it_do_not_count(
    extra: float, held: bool
) -> None:
    # Another paper's print on the table joins the text cluster (the outline holds less than
    # MIN_TEXT_INSIDE of it) and a few of its blocks the line cluster: an outline that is the bright
    # region's own shape still holds MATCHED_LINES_INSIDE of the lines, not MIN_LINES_INSIDE.
    photo = photo_in_perspective()
    lines = _blocks_inside(photo, TRUE_CORNERS, extra)
    cluster = _blocks_inside(photo, TRUE_CORNERS, 0.25)
    options = PreprocessOptions(trace_paper=False)
    held_outlines = list(_held_outlines(photo, 1, options, cluster, lines))
    assert bool(held_outlines) is held


def test_given_upright_paper_when_searched_then_no_quad_so_it_is_only_cropped() -> None:
    photo = Image.new("L", (800, 1200), 70)
    photo.paste(receipt(), (150, 100))
    assert find_paper_quad(photo) is None


def test_given_paper_in_perspective_when_prepared_then_straightened_with_level_text() -> None:
    prepared = prepare_for_ocr(photo_in_perspective())
    assert prepared.straightened
    assert estimate_skew(prepared.image) == pytest.approx(0.0, abs=0.5)
    assert not prepare_for_ocr(photo_in_perspective(), PreprocessOptions(straighten_paper=False)).straightened


def test_homography_sends_each_corner_to_its_match() -> None:
    rectangle = ((0.0, 0.0), (100.0, 0.0), (100.0, 300.0), (0.0, 300.0))
    matrix = homography(rectangle, TRUE_CORNERS)
    for point, target in zip(rectangle, TRUE_CORNERS, strict=True):
        assert apply(matrix, point) == pytest.approx(target, abs=1e-6)


def shadowed(image: Image.Image) -> Image.Image:
    """``image`` under light falling from full on the left to a third on the right."""
    ramp = Image.linear_gradient("L").rotate(90).resize(image.size)
    light = ramp.point(lambda value: 85 + value * 170 // 255)
    return ImageChops.multiply(image, light)


def _spread(background: Image.Image) -> int:
    low, high = background.getextrema()  # type: ignore[misc]
    return int(high) - int(low)


def test_given_uneven_light_when_flattened_then_paper_is_even_and_ink_dark() -> None:
    page = shadowed(receipt())
    assert _spread(estimate_background(page)) > 100
    flattened = flatten_light(page)
    assert flattened is not None
    assert _spread(estimate_background(flattened)) < 30
    # The ink on the dark side is still ink: its darkest pixels stay near black.
    dark_side = flattened.crop((flattened.width * 2 // 3, 0, flattened.width, flattened.height))
    assert dark_side.getextrema()[0] < 60  # type: ignore[index]


def test_given_even_light_when_flattened_then_left_alone() -> None:
    assert flatten_light(receipt()) is None


def test_given_all_photo_steps_off_when_prepared_then_same_as_crop_and_scale() -> None:
    page = tilted(receipt(), 5.0)
    prepared = prepare_for_ocr(page, OFF)
    assert prepared.skew == 0.0
    assert not prepared.straightened
    assert prepared.image.size == page.size


@pytest.mark.parametrize(
    ("quad", "upright"),
    [
        (((100.0, 100.0), (600.0, 101.0), (601.0, 1500.0), (99.0, 1499.0)), True),
        (((100.0, 100.0), (600.0, 130.0), (560.0, 1500.0), (60.0, 1470.0)), False),
        (((100.0, 100.0), (600.0, 100.0), (620.0, 1500.0), (100.0, 1500.0)), False),
    ],
)
def test_given_paper_outline_when_nearly_upright_then_it_is_cropped_as_a_box(
    quad: tuple[tuple[float, float], ...], upright: bool
) -> None:
    from docflow.ocr.photo import _upright_box

    box = _upright_box(quad, 1600)  # type: ignore[arg-type]
    assert (box is not None) is upright
    if box is not None:
        assert box == (99.0, 100.0, 601.0, 1500.0)


def grainy(page: Image.Image, amount: int) -> Image.Image:
    """``page`` on a grey paper (200) with uniform noise of +-``amount`` grey levels, reproducibly."""
    import numpy as np

    rng = np.random.default_rng(7)
    pixels = np.asarray(page, dtype=np.int32) * 200 // 255
    noisy = pixels + rng.integers(-amount, amount + 1, size=pixels.shape)
    return Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))


def test_given_grainy_photo_when_denoised_by_default_then_its_paper_is_smoothed() -> None:
    from docflow.ocr.photo import NOISY_PAPER, _denoised, _noise

    page = grainy(render_receipt(RECEIPT_LINES, size=24), 20)
    smoothed = _denoised(page, PreprocessOptions(), 24, uneven=True)
    assert smoothed is not page
    assert _noise(page) > NOISY_PAPER
    assert _noise(smoothed) < _noise(page) / 2


@pytest.mark.parametrize(
    ("amount", "options", "text_height", "uneven"),
    [
        (0, PreprocessOptions(denoise=True), 24, True),
        (1, PreprocessOptions(denoise=True), 24, True),
        (20, PreprocessOptions(denoise=False), 24, True),
        (20, PreprocessOptions(denoise=True), 12, True),
        (20, PreprocessOptions(denoise=True), None, True),
        (20, PreprocessOptions(denoise=True), 24, False),
    ],
)
def test_given_clean_page_small_text_scan_or_denoise_off_when_denoised_then_page_is_kept(
    amount: int, options: PreprocessOptions, text_height: float | None, uneven: bool
) -> None:
    from docflow.ocr.photo import _denoised

    page = grainy(render_receipt(RECEIPT_LINES, size=24), amount)
    assert _denoised(page, options, text_height, uneven) is page


def barcode(amount: int) -> Image.Image:
    """Thin dark bars (1 to 3 pixels, as a receipt's barcode) on a light paper (230), with uniform
    noise of +-``amount`` grey levels."""
    import numpy as np

    page = np.full((400, 400), 230, dtype=np.int32)
    x = 50
    for i, width in enumerate([1, 2, 1, 3, 1, 2, 2, 1, 3, 1] * 15):
        if i % 2 == 0:
            page[100:300, x : x + width] = 30
        x += width + 1 + i % 3
        if x > 350:
            break
    noisy = page + np.random.default_rng(7).integers(-amount, amount + 1, size=page.shape)
    return Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))


def test_given_fine_scan_with_barcode_when_noise_measured_then_its_bars_are_not_taken_for_grain() -> None:
    from docflow.ocr.photo import NOISY_PAPER, _denoised, _noise

    scan = barcode(1)
    assert _noise(scan) < NOISY_PAPER
    assert _denoised(scan, PreprocessOptions(), 24, uneven=True) is scan


def test_given_grainy_photo_with_barcode_when_noise_measured_then_grainy() -> None:
    from docflow.ocr.photo import NOISY_PAPER, _noise

    assert _noise(barcode(20)) > 4 * NOISY_PAPER


def test_given_no_blank_paper_when_noise_measured_then_no_grain_told() -> None:
    import numpy as np

    from docflow.ocr.photo import _noise

    rng = np.random.default_rng(7)
    dark = Image.fromarray(rng.integers(0, 256, size=(300, 300)).astype(np.uint8))
    assert _noise(dark) == 0.0


def test_given_pixels_when_darkest_then_as_a_square_min_filter() -> None:
    import numpy as np
    from PIL import ImageFilter

    from docflow.ocr.photo import _darkest

    pixels = np.random.default_rng(3).integers(0, 256, size=(60, 45)).astype(np.uint8)
    expected = np.asarray(Image.fromarray(pixels).filter(ImageFilter.MinFilter(7)))
    assert np.array_equal(_darkest(pixels.astype(np.float32), 7), expected)

"""Reading order: fragments become visual lines, top to bottom and left to right."""

from __future__ import annotations

from docflow.ocr.layout import Fragment, build_lines, union_bbox


def test_given_label_and_amount_in_separate_blocks_when_built_then_one_line_left_to_right() -> None:
    fragments = [
        Fragment("10,73", 0.9, (400, 102, 470, 122)),
        Fragment("YHTEENSA", 0.8, (20, 100, 160, 120)),
    ]
    (line,) = build_lines(fragments, page=1)
    assert line.text == "YHTEENSA 10,73"
    assert line.bbox == (20, 100, 470, 122)
    assert line.page == 1
    assert 0.8 < line.confidence < 0.9


def test_given_stacked_lines_when_built_then_top_to_bottom() -> None:
    fragments = [
        Fragment("third", 1.0, (10, 90, 80, 110)),
        Fragment("first", 1.0, (10, 10, 80, 30)),
        Fragment("second", 1.0, (10, 50, 80, 70)),
    ]
    assert [line.text for line in build_lines(fragments, page=2)] == ["first", "second", "third"]


def test_given_horizontally_overlapping_fragments_when_built_then_kept_apart() -> None:
    fragments = [Fragment("upper", 1.0, (10, 10, 200, 40)), Fragment("lower", 1.0, (10, 30, 200, 60))]
    assert [line.text for line in build_lines(fragments, page=1)] == ["upper", "lower"]


def test_given_blank_fragments_and_extra_spaces_when_built_then_dropped_and_single_spaced() -> None:
    fragments = [Fragment("  ", 0.1, (0, 0, 5, 5)), Fragment("MAITO   1L", 0.5, (0, 20, 90, 40))]
    lines = build_lines(fragments, page=1)
    assert [line.text for line in lines] == ["MAITO 1L"]


def test_given_no_fragments_when_built_then_no_lines() -> None:
    assert build_lines([], page=1) == ()


def test_given_boxes_when_united_then_smallest_enclosing_box() -> None:
    assert union_bbox([(5, 6, 10, 12), (1, 8, 7, 20)]) == (1, 6, 10, 20)

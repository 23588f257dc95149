"""Plane transforms for page preparation: 3x3 matrices that map output pixels to source pixels.

Every geometric step (crop, perspective straightening, deskew rotation, scaling) is one matrix; they
are multiplied and applied once with Pillow's ``PERSPECTIVE`` transform, so the photo is resampled a
single time whatever the number of steps. Matrices map *output* coordinates to *source* coordinates,
as Pillow expects; plain tuples keep this module free of numpy.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

Matrix = tuple[tuple[float, float, float], tuple[float, float, float], tuple[float, float, float]]
Point = tuple[float, float]
#: Corners in the order top-left, top-right, bottom-right, bottom-left.
Quad = tuple[Point, Point, Point, Point]

IDENTITY: Matrix = ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0))


def multiply(*matrices: Matrix) -> Matrix:
    """The product ``m1 @ m2 @ ...``: apply the last matrix first."""
    result = IDENTITY
    for matrix in matrices:
        result = tuple(  # type: ignore[assignment]
            tuple(sum(result[row][k] * matrix[k][col] for k in range(3)) for col in range(3))
            for row in range(3)
        )
    return result


def translation(dx: float, dy: float) -> Matrix:
    """Output ``(x, y)`` reads source ``(x + dx, y + dy)``."""
    return ((1.0, 0.0, dx), (0.0, 1.0, dy), (0.0, 0.0, 1.0))


def scaling(factor: float) -> Matrix:
    """Output ``(x, y)`` reads source ``(x * factor, y * factor)``."""
    return ((factor, 0.0, 0.0), (0.0, factor, 0.0), (0.0, 0.0, 1.0))


def rotation(degrees: float, source_center: Point, output_center: Point) -> Matrix:
    """Output pixels rotated by ``degrees`` (clockwise on screen, y pointing down) about the centres.

    A text line that descends to the right by ``degrees`` in the source is level in the output.
    """
    radians = math.radians(degrees)
    cos, sin = math.cos(radians), math.sin(radians)
    (sx, sy), (ox, oy) = source_center, output_center
    return (
        (cos, -sin, sx - cos * ox + sin * oy),
        (sin, cos, sy - sin * ox - cos * oy),
        (0.0, 0.0, 1.0),
    )


def apply(matrix: Matrix, point: Point) -> Point:
    """Where ``matrix`` sends ``point``."""
    x, y = point
    w = matrix[2][0] * x + matrix[2][1] * y + matrix[2][2]
    return (
        (matrix[0][0] * x + matrix[0][1] * y + matrix[0][2]) / w,
        (matrix[1][0] * x + matrix[1][1] * y + matrix[1][2]) / w,
    )


def _solve(rows: list[list[float]]) -> list[float]:
    """Gauss-Jordan elimination with partial pivoting on an augmented ``n x (n + 1)`` system."""
    size = len(rows)
    for column in range(size):
        pivot = max(range(column, size), key=lambda row: abs(rows[row][column]))
        if abs(rows[pivot][column]) < 1e-12:
            raise ValueError("degenerate quadrilateral")
        rows[column], rows[pivot] = rows[pivot], rows[column]
        lead = rows[column][column]
        rows[column] = [value / lead for value in rows[column]]
        for row in range(size):
            if row != column and rows[row][column]:
                factor = rows[row][column]
                rows[row] = [a - factor * b for a, b in zip(rows[row], rows[column], strict=True)]
    return [row[size] for row in rows]


def homography(output: Sequence[Point], source: Sequence[Point]) -> Matrix:
    """The projective matrix sending each of four ``output`` points to its ``source`` point."""
    rows: list[list[float]] = []
    for (x, y), (u, v) in zip(output, source, strict=True):
        rows.append([x, y, 1.0, 0.0, 0.0, 0.0, -u * x, -u * y, u])
        rows.append([0.0, 0.0, 0.0, x, y, 1.0, -v * x, -v * y, v])
    a, b, c, d, e, f, g, h = _solve(rows)
    return ((a, b, c), (d, e, f), (g, h, 1.0))


def pillow_coefficients(matrix: Matrix) -> tuple[float, ...]:
    """The eight ``Image.PERSPECTIVE`` coefficients of ``matrix`` (normalised so its corner is 1)."""
    norm = matrix[2][2]
    return tuple(value / norm for row in matrix for value in row)[:8]


def distance(a: Point, b: Point) -> float:
    """Euclidean distance between two points."""
    return math.hypot(a[0] - b[0], a[1] - b[1])


def rectangle_size(quad: Quad) -> tuple[int, int]:
    """Width and height of the rectangle a quadrilateral is straightened to (its longer opposite sides)."""
    top_left, top_right, bottom_right, bottom_left = quad
    width = max(distance(top_left, top_right), distance(bottom_left, bottom_right))
    height = max(distance(top_left, bottom_left), distance(top_right, bottom_right))
    return max(1, round(width)), max(1, round(height))


def rotated_size(size: tuple[int, int], degrees: float) -> tuple[int, int]:
    """The size of the box that holds a ``size`` rectangle rotated by ``degrees``."""
    radians = math.radians(abs(degrees))
    width, height = size
    return (
        max(1, math.ceil(width * math.cos(radians) + height * math.sin(radians))),
        max(1, math.ceil(width * math.sin(radians) + height * math.cos(radians))),
    )

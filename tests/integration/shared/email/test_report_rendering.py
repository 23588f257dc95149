"""The monthly report looks right to a person: the saved HTML (``docflow report monthly``'s files)
rendered by headless Chromium at phone and desktop widths. The chart image loads and shows its bars,
nothing is wider than the screen; the screenshots are kept in ``.local/screenshots/monthly-report/``
(git-ignored) for a person to look at.

Chromium is Debian's ``chromium`` (``make chromium``, part of ``make setup`` as root); where it cannot
be had the tests skip, saying so.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from docflow.email.chart import _BAR, _LAST
from docflow_local.finance_data import ReceiptSpec, VatLine, insert_receipts
from docflow_local.report_files import monthly_files
from tests.support.chromium import Chromium, chromium_binary
from tests.support.paths import REPO_ROOT
from tests.support.tenants import Tenant, create_tenant

pytestmark = pytest.mark.db

SCREENSHOTS = REPO_ROOT / ".local" / "screenshots" / "monthly-report"
#: name -> (width, height, mobile): a small phone and a desktop window.
VIEWPORTS = {"phone": (360, 740, True), "desktop": (1280, 900, False)}

#: What a person would check, measured in the page: every image loaded, the chart's drawn size, and
#: the elements reaching beyond the screen's width ``WIDTH`` (a phone's layout viewport grows to fit
#: content wider than the screen, so ``innerWidth`` alone would hide an overflow).
CHECK = """const WIDTH = %d; JSON.stringify({
  width: innerWidth,
  scrollWidth: document.documentElement.scrollWidth,
  images: [...document.images].map(i => ({src: i.getAttribute('src'),
    loaded: i.complete && i.naturalWidth > 0,
    left: i.getBoundingClientRect().left, top: i.getBoundingClientRect().top + scrollY,
    width: i.getBoundingClientRect().width, height: i.getBoundingClientRect().height})),
  overflowing: [...document.body.querySelectorAll('*')]
    .filter(e => e.getBoundingClientRect().right > WIDTH + 0.5 || e.getBoundingClientRect().left < -0.5)
    .map(e => e.tagName + ':' + (e.textContent || '').slice(0, 40)),
})"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Chromium]:
    binary = chromium_binary()
    if binary is None:
        pytest.skip("Chromium is not installed: `make chromium` installs Debian's chromium (as root)")
    with Chromium(binary) as chromium:
        yield chromium


@pytest.fixture
def report_html(superuser_url: str, tmp_path: Path) -> Path:
    """The saved report of a tenant whose month has long names and large sums (the hard cases)."""
    tenant: Tenant = create_tenant(superuser_url, "owner", name="Tilitoimisto Pitkänimi-Esimerkkiyhtiöt Oy")
    specs = [
        ReceiptSpec(
            dt.date(2026, month, 10),
            "Rautakauppa",
            f"{120 * month}.00",
            [VatLine("25.5", f"{120 * month / 1.255:.2f}", "0.00", f"{120 * month}.00")],
            category="tarvikkeet",
        )
        for month in range(1, 11)
    ]
    specs.append(
        ReceiptSpec(
            dt.date(2026, 10, 20),
            "Toimisto",
            "12345.67",
            [VatLine("25.5", "9837.19", "2508.48", "12345.67")],
            category="Erittäinpitkäkategorianimiilmanvälilyöntejäjokatestaarivitystä",
        )
    )
    with psycopg.connect(superuser_url) as conn:
        insert_receipts(conn, tenant.id, specs)
    [html] = [p for p in monthly_files("2026-10", str(tenant.id), tmp_path) if p.suffix == ".html"]
    return html


def measure(browser: Chromium, html: Path, *, width: int, height: int, mobile: bool) -> dict[str, Any]:
    browser.open(html.as_uri(), width=width, height=height, mobile=mobile)
    result: dict[str, Any] = json.loads(browser.evaluate(CHECK % width))
    return result


@pytest.mark.parametrize("name", sorted(VIEWPORTS))
def test_the_report_fits_the_screen_and_shows_its_chart(
    browser: Chromium, report_html: Path, name: str
) -> None:
    from PIL import Image

    width, height, mobile = VIEWPORTS[name]

    page = measure(browser, report_html, width=width, height=height, mobile=mobile)
    assert page["width"] == width
    assert page["scrollWidth"] <= width, page["overflowing"]
    assert page["overflowing"] == []
    [chart] = page["images"]
    assert chart["src"].endswith(".png")
    assert chart["loaded"], "the chart image did not load"
    assert 0 < chart["width"] <= min(width, 560)
    assert chart["height"] > 0
    shot = browser.screenshot(SCREENSHOTS / f"{name}-{width}px.png")
    image = Image.open(io.BytesIO(shot)).convert("RGB")
    assert image.width == width
    box = (
        int(chart["left"]) + 2,
        int(chart["top"]) + 2,
        int(chart["left"] + chart["width"]) - 2,
        int(chart["top"] + chart["height"]) - 2,
    )
    colours = {colour for _, colour in image.crop(box).getcolors(maxcolors=1 << 16) or []}
    # The bars are drawn in the screenshot: the months' blue and the last month's orange.
    assert any(_near(colour, _BAR) for colour in colours)
    assert any(_near(colour, _LAST) for colour in colours)


def _near(colour: tuple[int, int, int], wanted: tuple[int, int, int]) -> bool:
    return all(abs(a - b) <= 8 for a, b in zip(colour, wanted, strict=True))


def test_the_checks_see_an_overflow_and_a_missing_chart(
    browser: Chromium, report_html: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.html"
    html = report_html.read_text(encoding="utf-8")
    chart = next(p.name for p in report_html.parent.glob("*.png"))
    broken.write_text(
        html.replace(chart, "missing.png").replace(
            "</body>", '<table width="900"><tr><td>x</td></tr></table></body>'
        ),
        encoding="utf-8",
    )
    page = measure(browser, broken, width=360, height=740, mobile=True)
    assert page["scrollWidth"] > 360 or page["width"] > 360
    assert page["overflowing"]
    assert [image["loaded"] for image in page["images"]] == [False]

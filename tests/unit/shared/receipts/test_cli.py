"""The ``docflow receipts scan`` JSON lines contract."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from docflow.cli import main
from docflow.errors import DocflowError
from docflow.receipts import scan as scan_module
from docflow.receipts.extract import extract_receipt

CONTRACT_KEYS = {
    "file",
    "merchant",
    "business_id",
    "address",
    "date",
    "total",
    "currency",
    "vat",
    "payment",
    "items",
    "confidence",
    "warnings",
    "error",
}
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"


class _CorruptFileError(DocflowError):
    status, code, title = 422, "corrupt_file", "File is corrupt"


def _render(path: Path, rows: list[str]) -> None:
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(FONT, 26)
    image = Image.new("L", (620, 60 + 40 * len(rows)), 255)
    draw = ImageDraw.Draw(image)
    for index, row in enumerate(rows):
        draw.text((30, 30 + 40 * index), row, font=font, fill=0)
    image.save(path, format="PNG")


def _scan(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[dict[str, Any]], str]:
    status = main(["receipts", "scan", "--today", "2026-06-30", *args])
    captured = capsys.readouterr()
    return status, [json.loads(line) for line in captured.out.splitlines()], captured.err


def _fake_scan_bytes(data: bytes, **_: Any) -> tuple[Any, Any]:
    if data.startswith(b"BROKEN"):
        raise _CorruptFileError("The file is corrupt")
    receipt = extract_receipt(data.decode(), today=None)
    return receipt, SimpleNamespace(mean_confidence=0.9)


def test_given_text_files_and_a_broken_one_when_scanned_then_one_line_per_input_in_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scan_module, "scan_bytes", _fake_scan_bytes)
    first, broken, second = tmp_path / "b.jpg", tmp_path / "a.jpg", tmp_path / "c.jpg"
    first.write_text("Kahvila Oy\n01.02.2025\nYHTEENSÄ 4,50\n")
    broken.write_bytes(b"BROKEN")
    second.write_text("Baari Oy\n02.02.2025\nYHTEENSÄ 7,00\n")
    missing = tmp_path / "missing.jpg"

    status, rows, err = _scan(capsys, str(first), str(broken), str(missing), str(second))

    assert status == 0
    assert [row["file"] for row in rows] == [str(first), str(broken), str(missing), str(second)]
    assert all(set(row) >= CONTRACT_KEYS for row in rows)
    assert [row["total"] for row in rows] == ["4.50", None, None, "7.00"]
    assert rows[1]["error"] == {"code": "corrupt_file", "message": "The file is corrupt"}
    assert rows[2]["error"]["code"] == "not_found"
    assert rows[0]["error"] is None
    assert "4/4" in err


def test_given_a_folder_when_scanned_then_its_receipt_files_are_read_sorted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scan_module, "scan_bytes", _fake_scan_bytes)
    (tmp_path / "2.png").write_text("Two Oy\nYHTEENSÄ 2,00\n")
    (tmp_path / "1.pdf").write_text("One Oy\nYHTEENSÄ 1,00\n")
    (tmp_path / "notes.txt").write_text("not a receipt")

    _, rows, _ = _scan(capsys, str(tmp_path))

    assert [Path(row["file"]).name for row in rows] == ["1.pdf", "2.png"]


def test_given_one_file_when_scanned_then_no_progress_bar_is_drawn(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scan_module, "scan_bytes", _fake_scan_bytes)
    (tmp_path / "1.png").write_text("One Oy\nYHTEENSÄ 1,00\n")
    _, rows, err = _scan(capsys, str(tmp_path / "1.png"))
    assert len(rows) == 1
    assert err == ""


def test_given_table_format_when_scanned_then_a_row_per_file_is_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scan_module, "scan_bytes", _fake_scan_bytes)
    (tmp_path / "1.png").write_text("One Oy\nYHTEENSÄ 1,00 €\n")
    status = main(["receipts", "scan", "--format", "table", str(tmp_path / "1.png")])
    lines = capsys.readouterr().out.splitlines()
    assert status == 0
    assert lines[0].split() == ["file", "merchant", "date", "total", "vat", "status"]
    assert "One Oy" in lines[1]
    assert "1.00 EUR" in lines[1]


@pytest.mark.ocr
def test_given_rendered_receipts_and_a_truncated_image_when_scanned_then_each_gets_its_result(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.png"
    _render(
        good, ["Kahvila Kanerva Oy", "Y-tunnus 0112038-9", "Pvm 12.03.2025", "KAHVI 3,50", "YHTEENSÄ 3,50"]
    )
    truncated = tmp_path / "truncated.png"
    truncated.write_bytes(good.read_bytes()[:200])
    cash = tmp_path / "cash.png"
    _render(cash, ["Baari Oy", "Pvm 02.01.2026", "YHTEENSÄ 7,20", "KÄTEINEN 20,00", "TAKAISIN 12,80"])

    status, rows, _ = _scan(capsys, str(good), str(truncated), str(cash))

    assert status == 0
    assert [row["file"] for row in rows] == [str(good), str(truncated), str(cash)]
    assert rows[0]["error"] is None
    assert rows[0]["total"] == "3.50"
    assert rows[0]["date"] == "2025-03-12"
    assert rows[0]["business_id"] == "0112038-9"
    assert rows[1]["error"] is not None
    assert rows[1]["error"]["code"] in {"truncated_file", "corrupt_file"}
    assert rows[2]["total"] == "7.20"
    assert rows[2]["payment"] == "cash"


@pytest.mark.ocr
def test_given_jobs_when_a_folder_is_scanned_then_results_match_one_job_in_input_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for index in range(4):
        _render(
            tmp_path / f"{index}.png", [f"Kauppa {index} Oy", "Pvm 12.03.2025", f"YHTEENSÄ {index + 1},50"]
        )
    (tmp_path / "4.png").write_bytes(b"\x89PNG\r\n\x1a\n broken")

    _, serial, _ = _scan(capsys, str(tmp_path))
    status, parallel, err = _scan(capsys, "--jobs", "3", str(tmp_path))

    assert status == 0
    assert [row["file"] for row in parallel] == [str(tmp_path / f"{index}.png") for index in range(5)]
    assert [row["total"] for row in parallel] == ["1.50", "2.50", "3.50", "4.50", None]
    assert parallel[4]["error"] is not None
    assert [{**row, "seconds": None} for row in parallel] == [{**row, "seconds": None} for row in serial]
    assert "5/5" in err


@pytest.mark.parametrize("jobs", ["0", "33", "two"])
def test_given_jobs_out_of_range_when_parsed_then_the_command_is_refused(
    jobs: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main(["receipts", "scan", "--jobs", jobs, "x.png"])
    assert "--jobs" in capsys.readouterr().err

"""The photographed German scans: deterministic photos with the scan's label per tier."""

from __future__ import annotations

import json

from PIL import Image, ImageDraw

from tests.perf.german_photos import PHOTO_TIERS, build_photos


def _scan_dir(tmp_path):
    folder = tmp_path / "scans"
    folder.mkdir()
    scan = Image.new("RGB", (300, 600), "white")
    ImageDraw.Draw(scan).text((20, 20), "ALDI 24,23", fill="black")
    scan.save(folder / "aldi_1.jpg")
    label = {"image": "aldi_1.jpg", "merchant": "aldi", "date": "2020-03-02", "total": "24.23", "items": 1}
    (folder / "labels.jsonl").write_text(json.dumps(label) + "\n")
    return folder


def test_each_scan_gets_a_photo_per_tier_with_its_label(tmp_path):
    labels_path = build_photos(_scan_dir(tmp_path), tmp_path / "photos")
    labels = [json.loads(line) for line in labels_path.read_text().splitlines()]
    assert [label["id"] for label in labels] == [f"aldi_1-{tier}" for tier in PHOTO_TIERS]
    for label in labels:
        assert label["total"] == "24.23"
        assert label["source_image"] == "aldi_1.jpg"
        with Image.open(tmp_path / "photos" / label["image"]) as photo:
            assert photo.mode == "RGB"
            assert list(photo.size) == label["image_size"]
            assert max(photo.size) >= 3000  # a phone photo's canvas, not the scan's size


def test_photos_are_the_same_bytes_every_time(tmp_path):
    scans = _scan_dir(tmp_path)
    first = build_photos(scans, tmp_path / "a").parent
    second = build_photos(scans, tmp_path / "b").parent
    for tier in PHOTO_TIERS:
        name = f"aldi_1-{tier}.jpg"
        assert (first / name).read_bytes() == (second / name).read_bytes()


def test_a_built_folder_is_reused(tmp_path):
    scans = _scan_dir(tmp_path)
    out = tmp_path / "photos"
    build_photos(scans, out)
    marker = out / "aldi_1-light.jpg"
    marker.write_bytes(b"kept")
    build_photos(scans, out)
    assert marker.read_bytes() == b"kept"

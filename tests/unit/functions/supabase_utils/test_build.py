"""``sam build`` of the database utilities function: its Makefile ships the package with the
manifest of the repository's migrations, which the route then prefers."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from docflow_supabase_utils import manifest
from tests.support.paths import REPO_ROOT as ROOT


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_the_build_target_ships_the_package_and_the_manifest(tmp_path: Path) -> None:
    subprocess.run(
        [
            "make",
            "-s",
            "-C",
            str(ROOT / "functions" / "supabase_utils"),
            "build-SupabaseUtilsFunction",
            f"ARTIFACTS_DIR={tmp_path}",
            f"PYTHON={sys.executable}",
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    package = tmp_path / "docflow_supabase_utils"
    assert (package / "handler.py").is_file()
    assert not list(package.rglob("__pycache__"))
    shipped = json.loads((package / "migrations.json").read_text())["migrations"]
    files = sorted((ROOT / "migrations").glob("*.sql"))
    assert shipped == {path.stem: hashlib.sha256(path.read_bytes()).hexdigest() for path in files}
    loaded = manifest.load(package / "migrations.json")
    assert loaded is not None
    assert loaded.source == "package"
    assert loaded.checksums == shipped

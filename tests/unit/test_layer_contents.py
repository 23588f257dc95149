"""The SharedLayer ships the docflow package and its runtime dependencies, never the local stack.

The docflow part of the layer is built for real (``make -C layers/shared build-SharedPackage``, the
recipe ``build-SharedLayer`` uses); the dependency part is checked from its input, the layer's
requirements file, which needs no download.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.requirements import ROOT, normalize, pins, project_requirements

LAYER = ROOT / "layers" / "shared"


def dev_only_distributions() -> set[str]:
    """What only development installs: the local stack, its dependencies and the dev tools."""
    local_stack = {normalize(r.name) for r in project_requirements(ROOT / "devtools" / "pyproject.toml")}
    return {"docflow-local", *local_stack, *pins(ROOT / "requirements-dev.txt")} - {"docflow"}


@pytest.fixture(scope="module")
def built_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The docflow part of the layer, built into a temporary folder, after planting a stale module
    in setuptools' build folder (as a build from before the local stack moved would leave)."""
    stale = ROOT / "shared" / "build" / "lib" / "docflow" / "local" / "stale.py"
    stale.parent.mkdir(parents=True, exist_ok=True)
    stale.write_text("STALE = True\n")
    artifacts = tmp_path_factory.mktemp("layer")
    subprocess.run(
        [
            "make",
            "-s",
            "-C",
            str(LAYER),
            "build-SharedPackage",
            f"ARTIFACTS_DIR={artifacts}",
            f"PYTHON={sys.executable}",
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return artifacts / "python"


@pytest.mark.slow
def test_given_the_built_layer_package_when_listed_then_it_holds_docflow_only(built_package: Path) -> None:
    top_level = sorted(path.name for path in built_package.iterdir())
    assert [name for name in top_level if not name.endswith(".dist-info")] == ["docflow"]
    assert [normalize(name.split("-")[0]) for name in top_level if name.endswith(".dist-info")] == ["docflow"]
    assert (built_package / "docflow" / "pii" / "scrubber.py").is_file()
    assert not (built_package / "docflow" / "local").exists()
    assert not (ROOT / "shared" / "build").exists()


def test_given_the_layer_requirements_when_read_then_no_dev_only_distribution_is_deployed() -> None:
    dev_only = dev_only_distributions()
    assert {"uvicorn", "moto", "pytest", "docflow-local"} <= dev_only
    assert sorted(set(pins(LAYER / "requirements.txt")) & dev_only) == []


def test_given_the_ocr_image_inputs_when_read_then_the_local_stack_is_not_sent() -> None:
    allowed = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    assert not [line for line in allowed if line.startswith("!") and "devtools" in line]
    dockerfile = (ROOT / "functions" / "ocr" / "Dockerfile").read_text(encoding="utf-8")
    assert "devtools" not in dockerfile
    assert "docflow_local" not in dockerfile


def test_given_the_shared_sources_when_listed_then_the_local_stack_is_not_among_them() -> None:
    assert not (ROOT / "shared" / "src" / "docflow" / "local").exists()
    assert (ROOT / "devtools" / "src" / "docflow_local" / "stack.py").is_file()

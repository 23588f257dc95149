"""One set of versions: requirements.lock, and every pin, range and install that must agree with it.

The lock is what ``make setup`` installs (``pip -c``), so the tests run on it; the SharedLayer, the
function requirements and the OCR image must pin the same versions, and the ranges the packages
declare must admit them.
"""

from __future__ import annotations

from importlib.metadata import distributions
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from tests.support.requirements import LOCK, ROOT, normalize, pins, project_requirements

#: Files pinning exact versions that the lock must repeat.
PINNED_FILES: tuple[Path, ...] = (
    ROOT / "layers" / "shared" / "requirements.txt",
    ROOT / "requirements-dev.txt",
    *sorted((ROOT / "functions").glob("*/requirements.txt")),
)
#: Distributions whose declared ranges must admit the locked versions.
PYPROJECTS: tuple[Path, ...] = (ROOT / "shared" / "pyproject.toml", ROOT / "devtools" / "pyproject.toml")
#: The project's own distributions (installed editable, never locked).
OWN_DISTRIBUTIONS = frozenset({"docflow", "docflow-local"})


def pin_disagreements(lock: dict[str, str], pinned: dict[str, str]) -> list[str]:
    """Pins of ``pinned`` that the lock does not hold at the same version (unpinned lines may float)."""
    return [
        f"{name}=={version or '*'} (lock: {lock.get(name, 'missing')})"
        for name, version in sorted(pinned.items())
        if name not in lock or (version and version != lock[name])
    ]


def range_disagreements(lock: dict[str, str], requirements: list[Requirement]) -> list[str]:
    """Requirements whose range leaves out the locked version, or that the lock does not hold."""
    found = []
    for requirement in requirements:
        name = normalize(requirement.name)
        if name in OWN_DISTRIBUTIONS:
            continue
        if name not in lock:
            found.append(f"{requirement} (lock: missing)")
        elif not requirement.specifier.contains(lock[name], prereleases=True):
            found.append(f"{requirement} (lock: {lock[name]})")
    return found


def test_given_the_lock_when_read_then_every_line_is_an_exact_pin() -> None:
    lock = pins(LOCK)
    assert len(lock) > 50
    assert [name for name, version in lock.items() if not version] == []


@pytest.mark.parametrize("path", PINNED_FILES, ids=lambda path: str(path.relative_to(ROOT)))
def test_given_a_pinned_requirements_file_when_compared_then_the_lock_has_the_same_versions(
    path: Path,
) -> None:
    assert pin_disagreements(pins(LOCK), pins(path)) == []


@pytest.mark.parametrize("path", PYPROJECTS, ids=lambda path: str(path.relative_to(ROOT)))
def test_given_declared_ranges_when_compared_then_they_admit_the_locked_versions(path: Path) -> None:
    assert range_disagreements(pins(LOCK), project_requirements(path)) == []


def test_given_the_shared_package_when_compared_with_the_layer_then_each_dependency_is_deployed() -> None:
    layer = pins(ROOT / "layers" / "shared" / "requirements.txt")
    runtime = project_requirements(ROOT / "shared" / "pyproject.toml", extras=False)
    assert (
        sorted(requirement.name for requirement in runtime if normalize(requirement.name) not in layer) == []
    )


def test_given_the_layer_and_image_builds_when_read_then_they_install_with_the_lock() -> None:
    layer_makefile = (ROOT / "layers" / "shared" / "Makefile").read_text(encoding="utf-8")
    assert '-c "$(HERE)../../requirements.lock"' in layer_makefile
    dockerfile = (ROOT / "functions" / "ocr" / "Dockerfile").read_text(encoding="utf-8")
    assert "COPY requirements.lock /tmp/requirements.lock" in dockerfile
    installs = [line for line in dockerfile.replace("\\\n", " ").splitlines() if "pip install" in line]
    assert installs
    assert all("-c /tmp/requirements.lock" in line for line in installs), installs
    assert "!requirements.lock" in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()


def test_given_this_virtualenv_when_compared_then_installed_versions_are_the_locked_ones() -> None:
    lock = pins(LOCK)
    installed = {normalize(dist.metadata["Name"]): dist.version for dist in distributions()}
    assert {
        name: version for name, version in installed.items() if name in lock and lock[name] != version
    } == {}
    layer = pins(ROOT / "layers" / "shared" / "requirements.txt")
    assert sorted(name for name in layer if name not in installed) == []


def test_given_disagreeing_files_when_compared_then_each_disagreement_is_named() -> None:
    lock = {"fastapi": "0.121.0", "pydantic": "2.13.5"}
    assert pin_disagreements(lock, {"fastapi": "0.120.0", "pydantic": "", "uvicorn": "0.30.0"}) == [
        "fastapi==0.120.0 (lock: 0.121.0)",
        "uvicorn==0.30.0 (lock: missing)",
    ]
    assert range_disagreements(
        lock, [Requirement("fastapi>=0.122,<1"), Requirement("pydantic>=2.9,<3"), Requirement("docflow")]
    ) == ["fastapi<1,>=0.122 (lock: 0.121.0)"]

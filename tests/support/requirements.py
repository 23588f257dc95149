"""Reading the project's requirement files: pins (``name==version``) and requirement names."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "requirements.lock"


def normalize(name: str) -> str:
    """A distribution name in its canonical form (PEP 503): ``PyJWT`` and ``pyjwt`` are one name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_lines(path: Path) -> list[str]:
    """The requirement lines of a requirements file, comments and options left out."""
    lines = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("-")]


def pins(path: Path) -> dict[str, str]:
    """Exact pins of a requirements file by normalised name; an unpinned line maps to ``""``."""
    found: dict[str, str] = {}
    for line in requirement_lines(path):
        requirement = Requirement(line)
        exact = [spec.version for spec in requirement.specifier if spec.operator == "=="]
        found[normalize(requirement.name)] = exact[0] if exact else ""
    return found


def project_requirements(pyproject: Path, *, extras: bool = True) -> list[Requirement]:
    """A ``pyproject.toml``'s dependencies, and its optional dependencies unless ``extras`` is false."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    lines = [*project.get("dependencies", ())]
    for extra in project.get("optional-dependencies", {}).values() if extras else ():
        lines.extend(extra)
    return [Requirement(line) for line in lines]

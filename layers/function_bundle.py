"""Install a function's own dependencies into its bundle, leaving out every package the SharedLayer ships.

Lambda puts ``/var/task`` (the bundle) before ``/opt/python`` (the layer) on ``sys.path``: a package in
both would be loaded from the bundle, at whatever version the function's requirements pulled in, and
shadow the layer's pinned one. So the function's requirements are resolved with the lock as constraints,
the layer's packages are dropped from the resolution, and the rest is installed without dependencies.

    python function_bundle.py REQUIREMENTS TARGET

``PLATFORMS`` (space separated, default Lambda arm64's manylinux tags) picks the wheels.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"
LAYER_REQUIREMENTS = ROOT / "layers" / "shared" / "requirements.txt"
DEFAULT_PLATFORMS = "manylinux2014_aarch64 manylinux_2_28_aarch64"


def normalize(name: str) -> str:
    """A distribution name in its canonical form (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def layer_packages() -> frozenset[str]:
    """Names the layer installs (its requirements file lists its whole closure, pinned)."""
    lines = (line.split("#", 1)[0].strip() for line in LAYER_REQUIREMENTS.read_text().splitlines())
    return frozenset(normalize(line.split("==", 1)[0]) for line in lines if line)


def pip_target_options() -> list[str]:
    """Wheels for Lambda's Python 3.12 on the build's platforms, never a local build of an sdist."""
    platforms = os.environ.get("PLATFORMS", DEFAULT_PLATFORMS).split()
    options = ["--implementation", "cp", "--python-version", "3.12", "--only-binary=:all:"]
    for platform in platforms:
        options += ["--platform", platform]
    return options


def resolve(requirements: Path) -> dict[str, str]:
    """Every distribution the requirements need (name to version), resolved with the lock as constraints."""
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        command = [sys.executable, "-m", "pip", "install", "--quiet", "--dry-run", "--ignore-installed"]
        command += ["--target", scratch, "--report", str(report), *pip_target_options()]
        command += ["-r", str(requirements), "-c", str(LOCK)]
        subprocess.run(command, check=True)  # noqa: S603 - fixed argument list
        installs = json.loads(report.read_text())["install"]
    return {normalize(item["metadata"]["name"]): item["metadata"]["version"] for item in installs}


def main(argv: list[str]) -> int:
    """Resolve, drop the layer's packages, install the rest into the target folder."""
    requirements, target = Path(argv[0]), Path(argv[1])
    resolved = resolve(requirements)
    own = {name: version for name, version in resolved.items() if name not in layer_packages()}
    print(f"{requirements.parent.name}: bundles {len(own)}, leaves {len(resolved) - len(own)} to the layer")
    if own:
        command = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target)]
        command += [*pip_target_options(), *(f"{name}=={version}" for name, version in sorted(own.items()))]
        subprocess.run(command, check=True)  # noqa: S603 - fixed argument list
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

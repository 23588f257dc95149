"""The zip artifacts ``sam build`` made, run as Lambda runs them (``make artifacts-check``).

Each built function is imported by Python 3.12 in a process of its own, with only the bundle, the built
SharedLayer and the runtime's packages on its path, in Lambda's order; every event of ``events/<name>``
goes through its handler against the session's PostgreSQL and local S3 and must get the status of
``expected.json``. The OCR function is an image: ``make image-check`` runs its events.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from docflow.tenancy import Role
from docflow_local.seed import DemoData
from docflow_local.template import FunctionSpec, load_template, zip_functions
from tests.support.local_s3 import ensure_receipts_bucket
from tests.support.paths import REPO_ROOT as ROOT

pytestmark = pytest.mark.db

BUILD = (ROOT / os.environ.get("DOCFLOW_ARTIFACTS", ".local/artifacts/build")).resolve()
RUNTIME = (ROOT / os.environ.get("DOCFLOW_LAMBDA_RUNTIME", ".local/artifacts/runtime")).resolve()
PYTHON312 = os.environ.get("DOCFLOW_PYTHON312", "")
CHILD = Path(__file__).with_name("lambda_child.py")
LAYER = BUILD / "SharedLayer"
SOURCES = ROOT / "shared" / "src" / "docflow"
FUNCTIONS = [
    spec
    for spec in zip_functions(load_template(ROOT / "template.yaml"))
    if (BUILD / spec.logical_id).is_dir()
]
SPECS = {spec.name: spec for spec in FUNCTIONS}
#: Functions that are images, built and run by ``make image`` / ``make image-check``.
IMAGE_FUNCTIONS = frozenset({"OcrFunction"})
#: What may never reach the layer: the local stack, tests and development tools.
DEVELOPMENT_CODE = frozenset(
    {"docflow_local", "tests", "pytest", "_pytest", "mypy", "ruff", "moto", "hypothesis", "schemathesis"}
)


def normalize(name: str) -> str:
    """A distribution name in its canonical form (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def distributions(folder: Path) -> dict[str, str]:
    """Installed distributions of a folder (name to version), read from their ``.dist-info`` folders."""
    found = {}
    for info in folder.glob("*.dist-info"):
        name, _, version = info.name.removesuffix(".dist-info").partition("-")
        found[normalize(name)] = version
    return found


def top_level_names(folder: Path) -> set[str]:
    """Importable top-level names of a folder: packages and modules (metadata folders left out)."""
    names = set()
    for entry in folder.iterdir():
        if entry.name.endswith((".dist-info", ".egg-info")) or entry.name in {"__pycache__", "bin"}:
            continue
        if entry.is_dir() or entry.suffix in {".py", ".so"}:
            names.add(entry.name.split(".", 1)[0])
    return names


def test_the_build_holds_every_zip_function_and_the_layer() -> None:
    template = load_template(ROOT / "template.yaml")
    expected = {spec.logical_id for spec in zip_functions(template)} - IMAGE_FUNCTIONS
    assert expected <= {spec.logical_id for spec in FUNCTIONS}, "sam build left functions out"
    assert (LAYER / "python" / "docflow" / "__init__.py").is_file()


@pytest.mark.parametrize("spec", FUNCTIONS, ids=lambda spec: spec.logical_id)
def test_no_function_bundle_shadows_a_layer_package(spec: FunctionSpec) -> None:
    bundle = BUILD / spec.logical_id
    layer = LAYER / "python"
    assert sorted(set(distributions(bundle)) & set(distributions(layer))) == []
    assert sorted(top_level_names(bundle) & top_level_names(layer)) == []


def test_the_layer_holds_only_the_pinned_runtime_dependencies_and_docflow() -> None:
    layer = LAYER / "python"
    pinned = {}
    for line in (ROOT / "layers" / "shared" / "requirements.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split("#", 1)[0].strip().split("==")
            pinned[normalize(name)] = version
    assert distributions(layer) == {**pinned, "docflow": distributions(layer)["docflow"]}
    assert sorted(top_level_names(layer) & DEVELOPMENT_CODE) == []
    # The docflow package is its sources, nothing more (no leftovers of an earlier build, no tests).
    shipped = {str(p.relative_to(layer / "docflow")) for p in (layer / "docflow").rglob("*") if p.is_file()}
    sources = {str(p.relative_to(SOURCES)) for p in SOURCES.rglob("*") if p.is_file()}
    assert {name for name in shipped if "__pycache__" not in name} == {
        name for name in sources if "__pycache__" not in name
    }


def test_the_check_runs_on_lambdas_python() -> None:
    assert PYTHON312, "Python 3.12 (the Lambda runtime) was not found: nothing can be checked"
    version = subprocess.run(
        [PYTHON312, "-c", "import sys; print(sys.version_info[:2])"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert version.stdout.strip() == "(3, 12)"


def run_built_function(spec: FunctionSpec, events: list[dict[str, Any]], scratch: Path) -> dict[str, Any]:
    """Run events through the built function in a Python 3.12 child; its responses and module origins."""
    events_path, out_path = scratch / "events.json", scratch / "out.json"
    events_path.write_text(json.dumps(events))
    command = [
        PYTHON312,
        "-I",
        "-S",
        "-B",
        str(CHILD),
        str(BUILD / spec.logical_id),
        str(LAYER),
        str(RUNTIME),
    ]
    command += [spec.handler, str(events_path), str(out_path)]
    env = {**os.environ, "POWERTOOLS_SERVICE_NAME": spec.name, "AWS_LAMBDA_FUNCTION_NAME": spec.name}
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-4000:]
    result: dict[str, Any] = json.loads(out_path.read_text())
    return result


EVENT_FOLDERS = sorted(path for path in (ROOT / "events").iterdir() if path.is_dir() and path.name in SPECS)


@pytest.mark.parametrize("folder", EVENT_FOLDERS, ids=lambda path: path.name)
def test_every_event_runs_through_the_built_function_as_expected(
    folder: Path, demo: DemoData, token_for: Callable[..., str], tmp_path: Path
) -> None:
    """Events beside ``expected.json`` must get its status; events in sub-folders (schedules, S3
    notifications, no HTTP status) must be handled without an error and answer a JSON object."""
    assert PYTHON312, "Python 3.12 (the Lambda runtime) was not found: nothing can be checked"
    ensure_receipts_bucket()
    owner = next(u for u in demo.users if u.role == Role.OWNER)
    token = token_for(owner.user_id, owner.email)
    listing = folder / "expected.json"
    expected: dict[str, int] = json.loads(listing.read_text())["statusCode"] if listing.is_file() else {}
    paths = sorted(path for path in folder.rglob("*.json") if path != listing)
    assert paths, f"no events in {folder}"
    events = []
    for path in paths:
        event = json.loads(path.read_text().replace("${DOCFLOW_TOKEN}", token))
        if folder.name == "health" and "preflight" in path.name:
            event["headers"]["origin"] = "https://app.docflow.test"
        events.append(event)
    spec = SPECS[folder.name]
    result = run_built_function(spec, events, tmp_path)
    answers = dict(zip((str(path.relative_to(folder)) for path in paths), result["responses"], strict=True))
    assert {name: answers[name]["statusCode"] for name in expected} == expected
    assert all(isinstance(answer, dict) for answer in answers.values())
    origins: dict[str, str] = result["origins"]
    assert origins["docflow"].startswith(f"{LAYER}/python/"), origins["docflow"]
    assert origins["pydantic"].startswith(f"{LAYER}/python/"), origins["pydantic"]
    assert "boto3" not in origins or origins["boto3"].startswith(f"{RUNTIME}/"), origins.get("boto3")
    assert result["path"][:3] == [
        str(BUILD / spec.logical_id),
        f"{LAYER}/python/lib/python3.12/site-packages",
        f"{LAYER}/python",
    ]


def test_every_event_folder_is_checked_here_or_in_the_image() -> None:
    folders = {path.name for path in (ROOT / "events").iterdir() if path.is_dir()}
    images = {spec.name for spec in zip_functions(load_template(ROOT / "template.yaml"))} - set(SPECS)
    assert folders - set(SPECS) <= images

"""``template.yaml`` is the inventory: it lints, a broken copy fails the lint, and every function
it names exists with its sample events."""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.routing import iter_route_contexts

from docflow_local.template import http_routes, load_template, zip_functions
from tests.support.paths import REPO_ROOT as ROOT

CFN_LINT = shutil.which("cfn-lint", path=str(Path(sys.executable).parent))


def _lint(path: Path) -> subprocess.CompletedProcess[str]:
    assert CFN_LINT is not None, "cfn-lint is installed by make setup"
    return subprocess.run([CFN_LINT, str(path)], capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.slow
def test_template_passes_the_lint() -> None:
    result = _lint(ROOT / "template.yaml")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_a_broken_template_fails_the_lint(tmp_path: Path) -> None:
    broken = (
        (ROOT / "template.yaml")
        .read_text()
        .replace("Layers: [!Ref SharedLayer]", "Layers: [!Ref SharedLayerThatDoesNotExist]", 1)
    )
    (tmp_path / "template.yaml").write_text(broken)
    result = _lint(tmp_path / "template.yaml")
    assert result.returncode != 0
    assert "SharedLayerThatDoesNotExist" in result.stdout


def test_globals_leave_runtime_handler_and_layers_to_each_function() -> None:
    template = load_template(ROOT / "template.yaml")
    assert not {"Runtime", "Handler", "Layers"} & set(template["Globals"]["Function"])


def test_every_function_has_code_requirements_events_and_an_importable_handler() -> None:
    template = load_template(ROOT / "template.yaml")
    for spec in zip_functions(template):
        folder = ROOT / spec.code_uri
        assert (folder / "requirements.txt").exists(), spec.logical_id
        # HTTP events at the top, other triggers' in a subfolder (a scheduled job has only those).
        assert list((ROOT / "events" / spec.name).glob("**/*.json")), spec.logical_id
        package = spec.module.split(".")[0]
        assert package.startswith("docflow_"), spec.logical_id
        assert callable(getattr(importlib.import_module(spec.module), spec.attribute))


def test_every_function_has_a_log_group_with_retention() -> None:
    resources = load_template(ROOT / "template.yaml")["Resources"]
    for spec in zip_functions(load_template(ROOT / "template.yaml")):
        group = resources[spec.logical_id]["Properties"]["LoggingConfig"]["LogGroup"]["Fn::Ref"]
        assert resources[group]["Type"] == "AWS::Logs::LogGroup"
        assert "RetentionInDays" in resources[group]["Properties"]


def test_every_template_route_exists_in_its_function_app() -> None:
    for route in http_routes(load_template(ROOT / "template.yaml")):
        if route.method == "OPTIONS":
            continue
        app = importlib.import_module(route.function.module).app
        paths = {context.path for context in iter_route_contexts(app.routes)}  # included routers flattened
        assert route.path in paths, f"{route.method} {route.path} not served by {route.function.module}"


def test_copies_of_large_exports_expire_from_the_bucket_within_a_day() -> None:
    from docflow_finance.routes import EXPORT_PREFIX

    bucket = load_template(ROOT / "template.yaml")["Resources"]["ReceiptsBucket"]["Properties"]
    rules = [
        rule
        for rule in bucket["LifecycleConfiguration"]["Rules"]
        if rule.get("Prefix") == f"{EXPORT_PREFIX}/"
    ]
    assert len(rules) == 1
    assert rules[0]["Status"] == "Enabled"
    assert rules[0]["ExpirationInDays"] <= 1
    assert rules[0]["NoncurrentVersionExpiration"]["NoncurrentDays"] <= 1

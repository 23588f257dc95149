"""SnapStart in ``template.yaml``: on every zip function through Globals, off for the image, and every
event source invokes the published alias (SnapStart never serves ``$LATEST``).

Checked on the template as CloudFormation receives it, after the SAM transform (cfn-lint's).
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest

from docflow_local.template import load_template
from tests.support.paths import REPO_ROOT

#: SnapStart's limits (Lambda developer guide, "SnapStart: supported features and limitations").
MAX_SNAPSTART_EPHEMERAL_MB = 512


@cache
def transformed() -> dict[str, Any]:
    from cfnlint.decode import decode
    from cfnlint.template.transforms._sam import Transform

    path = str(REPO_ROOT / "template.yaml")
    template, problems = decode(path)
    assert not problems
    assert template is not None
    transform = Transform(path, template, "eu-north-1")
    assert not transform.transform_template()
    return dict(transform.template())


def _resources(kind: str) -> dict[str, dict[str, Any]]:
    return {name: r for name, r in transformed()["Resources"].items() if r["Type"] == kind}


def test_globals_turn_snapstart_on_for_functions_added_later() -> None:
    function_globals = load_template(REPO_ROOT / "template.yaml")["Globals"]["Function"]
    assert function_globals["SnapStart"] == {"ApplyOn": "PublishedVersions"}
    assert function_globals["AutoPublishAlias"]
    # Without it a changed variable or layer would not publish a version: the alias would keep the old one.
    assert function_globals["AutoPublishAliasAllProperties"] is True


@pytest.mark.slow
def test_every_zip_function_snapshots_and_the_image_does_not() -> None:
    functions = _resources("AWS::Lambda::Function")
    assert functions
    for name, function in functions.items():
        props = function["Properties"]
        expected = "None" if props.get("PackageType") == "Image" else "PublishedVersions"
        assert props.get("SnapStart", {}).get("ApplyOn") == expected, name
        if expected == "PublishedVersions":
            storage = props.get("EphemeralStorage", {}).get("Size", 512)
            assert storage <= MAX_SNAPSTART_EPHEMERAL_MB, name
            assert "FileSystemConfigs" not in props, name


@pytest.mark.slow
def test_every_function_has_an_alias_and_no_provisioned_concurrency() -> None:
    functions = set(_resources("AWS::Lambda::Function"))
    aliases = _resources("AWS::Lambda::Alias")
    assert {alias["Properties"]["FunctionName"]["Ref"] for alias in aliases.values()} == functions
    assert not any("ProvisionedConcurrencyConfig" in alias["Properties"] for alias in aliases.values())


@pytest.mark.slow
def test_routes_permissions_notifications_and_schedules_invoke_the_alias() -> None:
    aliases = set(_resources("AWS::Lambda::Alias"))
    body = next(iter(_resources("AWS::ApiGatewayV2::Api").values()))["Properties"]["Body"]
    integrations = [
        json.dumps(operation["x-amazon-apigateway-integration"]["uri"])
        for operations in body["paths"].values()
        for operation in operations.values()
        if "x-amazon-apigateway-integration" in operation
    ]
    assert integrations
    for uri in integrations:
        assert any("${" + alias + "}" in uri for alias in aliases), uri
    for name, permission in _resources("AWS::Lambda::Permission").items():
        assert permission["Properties"]["FunctionName"].get("Ref") in aliases, name
    for name, bucket in _resources("AWS::S3::Bucket").items():
        notifications = bucket["Properties"].get("NotificationConfiguration", {})
        for target in notifications.get("LambdaConfigurations", []):
            assert target["Function"].get("Ref") in aliases, name
    for name, schedule in _resources("AWS::Scheduler::Schedule").items():
        assert schedule["Properties"]["Target"]["Arn"].get("Ref") in aliases, name


@pytest.mark.slow
def test_function_outputs_name_the_alias_never_latest() -> None:
    outputs = transformed()["Outputs"]
    functions = {
        name for name, r in transformed()["Resources"].items() if r["Type"] == "AWS::Lambda::Function"
    }
    named = [output["Value"] for name, output in outputs.items() if name.endswith("FunctionArn")]
    assert named
    for value in named:
        assert "Ref" in value, value
        assert value["Ref"] not in functions, value  # the alias resource, not the function itself

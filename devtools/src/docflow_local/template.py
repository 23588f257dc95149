"""Read the SAM template: which function serves which HTTP route, and its handler.

The local gateway and ``docflow invoke`` use this so that local paths are exactly the deployed ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class FunctionSpec:
    """A function of the template: logical id, handler (``module.attribute``), code folder, env."""

    logical_id: str
    handler: str
    code_uri: str
    environment: dict[str, str] = field(default_factory=dict)

    @property
    def module(self) -> str:
        """The handler's module, e.g. ``docflow_health.handler``."""
        return self.handler.rsplit(".", 1)[0]

    @property
    def attribute(self) -> str:
        """The handler's attribute in its module, e.g. ``handler``."""
        return self.handler.rsplit(".", 1)[1]

    @property
    def name(self) -> str:
        """Short name, e.g. ``health`` for ``HealthFunction``."""
        return (
            self.environment.get("POWERTOOLS_SERVICE_NAME")
            or self.logical_id.removesuffix("Function").lower()
        )


@dataclass(frozen=True)
class HttpRoute:
    """One ``HttpApi`` event: method (or ANY) and path with ``{param}`` / ``{proxy+}`` parts."""

    method: str
    path: str
    function: FunctionSpec

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """The path as a regular expression."""
        regex = ""
        for part in re.split(r"(\{[^}]+\})", self.path):
            if part.startswith("{") and part.endswith("+}"):
                regex += rf"(?P<{part[1:-2]}>.+)"
            elif part.startswith("{"):
                regex += rf"(?P<{part[1:-1]}>[^/]+)"
            else:
                regex += re.escape(part)
        return re.compile(f"^{regex}$")

    @property
    def specificity(self) -> tuple[int, int, int]:
        """Sort key: literal paths first, then fewer greedy parts, then longer paths (API Gateway's rule)."""
        greedy = self.path.count("+}")
        params = self.path.count("{")
        return (greedy, params, -len(self.path))

    def matches(self, method: str, path: str) -> bool:
        """Whether a request goes to this route."""
        return (self.method in {method, "ANY"}) and bool(self.pattern.match(path))


class _TemplateLoader:
    """A YAML loader that keeps CloudFormation tags (``!Ref``, ``!Sub``...) as plain data."""

    @staticmethod
    def load(text: str) -> dict[str, Any]:
        import yaml

        class Loader(yaml.SafeLoader):
            pass

        def tagged(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> Any:
            if isinstance(node, yaml.ScalarNode):
                value: Any = loader.construct_scalar(node)
            elif isinstance(node, yaml.SequenceNode):
                value = loader.construct_sequence(node, deep=True)
            else:
                value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
            return {f"Fn::{tag_suffix}": value}

        Loader.add_multi_constructor("!", tagged)
        data = yaml.load(text, Loader=Loader)  # noqa: S506 - SafeLoader subclass
        if not isinstance(data, dict):
            raise ValueError("template.yaml is not a mapping")
        return data


def load_template(path: Path) -> dict[str, Any]:
    """The template as data, CloudFormation tags kept as ``{"Fn::Tag": value}``."""
    return _TemplateLoader.load(path.read_text(encoding="utf-8"))


def _image_code_folder(metadata: dict[str, Any]) -> str:
    """An image function's code folder: where its Dockerfile is (its build context may be wider)."""
    dockerfile = metadata.get("Dockerfile")
    if dockerfile:
        return str(Path(str(dockerfile)).parent)
    return str(metadata.get("DockerContext", ""))


def zip_functions(template: dict[str, Any]) -> list[FunctionSpec]:
    """Every zip (handler) function of the template."""
    specs: list[FunctionSpec] = []
    for logical_id, resource in template.get("Resources", {}).items():
        if resource.get("Type") != "AWS::Serverless::Function":
            continue
        props = resource.get("Properties", {})
        if props.get("PackageType") == "Image":
            handler = resource.get("Metadata", {}).get("LocalHandler")
            if not handler:
                continue
        else:
            handler = props["Handler"]
        env = props.get("Environment", {}).get("Variables", {})
        specs.append(
            FunctionSpec(
                logical_id=logical_id,
                handler=handler,
                code_uri=str(props.get("CodeUri") or _image_code_folder(resource.get("Metadata", {}))),
                environment={k: v for k, v in env.items() if isinstance(v, str)},
            )
        )
    return specs


def http_routes(template: dict[str, Any]) -> list[HttpRoute]:
    """Every ``HttpApi`` route, most specific first."""
    functions = {spec.logical_id: spec for spec in zip_functions(template)}
    routes: list[HttpRoute] = []
    for logical_id, resource in template.get("Resources", {}).items():
        spec = functions.get(logical_id)
        if spec is None:
            continue
        for event in resource.get("Properties", {}).get("Events", {}).values():
            if event.get("Type") == "HttpApi":
                props = event["Properties"]
                routes.append(
                    HttpRoute(method=str(props["Method"]).upper(), path=props["Path"], function=spec)
                )
    return sorted(routes, key=lambda route: route.specificity)

"""Schemathesis, in process, against each function's own OpenAPI: generated requests (valid and
invalid) with a real token of a scratch tenant's owner, or of platform staff for platform routes.
Zero server errors and responses that conform to the documented schema.

Besides schemathesis's own valid and invalid cases, a third strategy takes a valid case and plants a
hostile character (NUL, other controls, DEL, a right-to-left override, a zero-width space) in one
of its query or JSON body strings: what PostgreSQL or a reader would choke on must be refused at the
schema, never reach the database."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import cache
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from docflow.tenancy import Role
from docflow_local.seed import DemoData
from tests.security.inventory import Access, deployed_routes, function_modules
from tests.support.tenants import Tenant, create_tenant

pytestmark = [pytest.mark.db, pytest.mark.slow]

EXAMPLES_PER_OPERATION = 10
#: Characters planted in generated strings.
HOSTILE_CHARACTERS = ("\x00", "\x01", "\x08", "\x1b", "\x1f", "\x7f", "\u202e", "\u2066", "\u200b", "\ufeff")
#: ``positive_data_acceptance`` is off: it expects every schema-valid request to succeed, while opaque
#: cursors and domain rules (Y-tunnus check digits, state transitions) are schema-valid yet refused.
#: Invalid data may also be refused as too large (413) before it is read.
CONFIG = schemathesis.Config.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {"enabled": False},
            "negative_data_rejection": {
                "expected-statuses": [400, 401, 403, 404, 405, 406, 409, 413, 415, 422, 428, 429]
            },
        }
    }
)
ACCESS: dict[tuple[str, str], Access] = {(r.method, r.path): r.access for r in deployed_routes()}


@cache
def _schema(function: str) -> schemathesis.BaseSchema:
    """A function's OpenAPI, loaded once from its app."""
    app = importlib.import_module(function_modules()[function]).app
    return schemathesis.openapi.from_asgi("/openapi.json", app, config=CONFIG)


def _operations() -> list[tuple[str, str]]:
    found = [
        (name, result.ok().label)
        for name in function_modules()
        for result in _schema(name).get_all_operations()
    ]
    return sorted(found)


OPERATIONS = _operations()


def _text_slots(case: schemathesis.Case) -> list[tuple[Any, Any]]:
    """``(container, key)`` of every string in the case's query and JSON body (one level of lists)."""
    slots: list[tuple[Any, Any]] = []
    for container in (case.query, case.body if isinstance(case.body, dict) else None):
        for key, value in (container or {}).items():
            if isinstance(value, str):
                slots.append((container, key))
            elif isinstance(value, list):
                slots.extend((value, index) for index, item in enumerate(value) if isinstance(item, str))
    return slots


def _plant(case: schemathesis.Case, character: str, where: int, at: int) -> schemathesis.Case:
    slots = _text_slots(case)
    if slots:
        container, key = slots[where % len(slots)]
        text = container[key]
        position = at % (len(text) + 1)
        container[key] = text[:position] + character + text[position:]
    return case


def with_hostile_text(cases: st.SearchStrategy[schemathesis.Case]) -> st.SearchStrategy[schemathesis.Case]:
    """Valid cases with one hostile character planted in one of their strings."""
    return st.builds(
        _plant, cases, st.sampled_from(HOSTILE_CHARACTERS), st.integers(0, 31), st.integers(0, 255)
    )


@pytest.fixture(scope="module")
def fuzz_tenant(superuser_url: str, demo: DemoData) -> Tenant:
    return create_tenant(superuser_url, Role.OWNER, name="Fuzz Oy")


@pytest.mark.parametrize(("function", "label"), OPERATIONS, ids=[f"{f}: {label}" for f, label in OPERATIONS])
def test_operation_conforms_and_never_fails(
    function: str,
    label: str,
    fuzz_tenant: Tenant,
    demo: DemoData,
    headers_for: Callable[..., dict[str, str]],
) -> None:
    operation = _schema(function).find_operation_by_label(label)
    assert operation is not None
    access = ACCESS.get((operation.method.upper(), operation.path), "user")
    owner_id, owner_email = fuzz_tenant.members[Role.OWNER]
    headers: dict[str, Any] = {
        "public": {},
        "user": headers_for(owner_id, owner_email, fuzz_tenant.id),
        "platform_admin": headers_for(demo.platform_admin_id, demo.platform_admin_email),
    }[access]
    strategy = st.one_of(
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
        with_hostile_text(operation.as_strategy(generation_mode=GenerationMode.POSITIVE)),
        with_hostile_text(
            operation.as_strategy(generation_mode=GenerationMode.POSITIVE)
        ),  # half of the cases
    )

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=headers)

    run()

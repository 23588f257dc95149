"""The fake Linear and DocFlow's GraphQL documents against Linear's schema
(``shared/data/specs/linear/schema.graphql``): every document DocFlow sends validates, and the fake's
answers are what the schema lets those documents return."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from docflow.integrations import linear
from docflow_local.fake_linear import FakeLinear
from tests.support.paths import REPO_ROOT


@cache
def _schema() -> Any:
    from graphql import build_schema

    candidates = [os.environ.get("DOCFLOW_LINEAR_SPECS", "")] + [
        str(parent / "shared" / "data" / "specs" / "linear") for parent in REPO_ROOT.parents
    ]
    folder = next((Path(c) for c in candidates if c and (Path(c) / "schema.graphql").exists()), None)
    if folder is None:
        pytest.skip("Linear's GraphQL schema (shared/data/specs/linear) is not next to the repository")
    return build_schema((folder / "schema.graphql").read_text(encoding="utf-8"), assume_valid_sdl=True)


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeLinear]:
    with FakeLinear() as server:
        yield server


@pytest.mark.parametrize("document", linear.DOCUMENTS, ids=lambda d: d.split()[1])
def test_every_document_docflow_sends_validates_against_linears_schema(document: str) -> None:
    from graphql import parse, validate

    assert [error.message for error in validate(_schema(), parse(document))] == []


def _conforms(document: str, variables: dict[str, Any], data: dict[str, Any]) -> None:
    """Execute the document on Linear's schema with the fake's answer as the root value: any field of
    a wrong type, or a null where the schema forbids one, is an execution error."""
    from graphql import graphql_sync

    result = graphql_sync(_schema(), document, root_value=data, variable_values=variables)
    assert result.errors is None, result.errors
    assert result.data


def test_the_fakes_answers_conform_to_the_schema(fake: FakeLinear) -> None:
    space = fake.add_workspace()
    _conforms(linear.VIEWER, {}, fake.execute(space, "DocflowViewer", {}))
    _conforms(linear.TEAMS, {}, fake.execute(space, "DocflowTeams", {}))
    variables = {
        "input": {"id": str(uuid.uuid4()), "teamId": space.teams[0]["id"], "title": "t", "description": "d"}
    }
    created = fake.execute(space, "DocflowIssueCreate", variables)
    _conforms(linear.ISSUE_CREATE, variables, created)
    issue_id = created["issueCreate"]["issue"]["id"]
    _conforms(linear.ISSUE, {"id": issue_id}, fake.execute(space, "DocflowIssue", {"id": issue_id}))


def test_given_the_same_issue_id_twice_then_one_issue_and_the_second_is_found(
    fake: FakeLinear, monkeypatch: pytest.MonkeyPatch
) -> None:
    from docflow.config import reset_settings

    space = fake.add_workspace()
    chosen = uuid.uuid4()
    calls_before = fake.state.create_calls
    monkeypatch.setenv("LINEAR_API_URL", fake.url)
    reset_settings()
    try:
        a = linear.create_issue(
            space.api_key, issue=chosen, team_id=space.teams[0]["id"], title="t", description="d"
        )
        b = linear.create_issue(
            space.api_key, issue=chosen, team_id=space.teams[0]["id"], title="t", description="d"
        )
    finally:
        monkeypatch.undo()
        reset_settings()
    assert a.id == b.id == str(chosen)
    assert sum(1 for i in fake.state.issues.values() if i["organizationId"] == space.organization_id) == 1
    assert fake.state.create_calls - calls_before == 2

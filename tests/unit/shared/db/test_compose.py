"""Dynamic SQL from allow-listed parts: quoted identifiers, named placeholders, no text formatting."""

from __future__ import annotations

import pytest

from docflow.db.compose import (
    Conditions,
    checked_columns,
    column_list,
    contains_pattern,
    set_list,
    statement,
    value_list,
)


def test_no_conditions_is_no_where_clause() -> None:
    where = Conditions()
    assert where.sql().as_string(None) == ""
    assert where.params == {}


def test_conditions_are_anded_with_their_parameters() -> None:
    where = Conditions()
    where.add("tenant_id = %(tenant)s", tenant="t1")
    where.add("deleted_at is null")
    where.bind(limit=51)
    assert where.sql().as_string(None) == " where tenant_id = %(tenant)s and deleted_at is null"
    assert where.params == {"tenant": "t1", "limit": 51}


def test_a_parameter_bound_twice_is_an_error() -> None:
    where = Conditions()
    where.add("a = %(x)s", x=1)
    with pytest.raises(ValueError, match="bound twice"):
        where.add("b = %(x)s", x=2)


def test_column_names_are_quoted_identifiers_with_matching_placeholders() -> None:
    names = ["name", 'odd"name']
    assert column_list(names).as_string(None) == '"name", "odd""name"'
    assert value_list(names).as_string(None) == '%(name)s, %(odd"name)s'
    assert set_list(["name", "email"]).as_string(None) == '"name" = %(name)s, "email" = %(email)s'


def test_only_allowed_columns_pass() -> None:
    allowed = frozenset({"name", "email"})
    assert checked_columns({"email": 1, "name": 2}, allowed) == ["email", "name"]
    with pytest.raises(ValueError, match="tenant_id"):
        checked_columns(["name", "tenant_id"], allowed)


def test_a_statement_fills_its_fields_with_constant_text_or_composed_parts() -> None:
    query = statement("select {columns} from t{where}", columns="id, name", where=Conditions().sql())
    assert query.as_string(None) == "select id, name from t"


def test_a_filter_not_given_adds_no_condition() -> None:
    where = Conditions()
    where.add_if_given("status = %(status)s", status=None)
    where.add_if_given("kind = %(kind)s", kind="company")
    assert where.sql().as_string(None) == " where kind = %(kind)s"
    assert where.params == {"kind": "company"}


def test_a_contains_pattern_takes_wildcards_literally() -> None:
    assert contains_pattern("Oy") == "%Oy%"
    assert contains_pattern("50%_a\\b") == "%50\\%\\_a\\\\b%"

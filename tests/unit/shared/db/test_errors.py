"""The one translation of database errors into domain errors, without a database."""

from __future__ import annotations

import re
from pathlib import Path

import psycopg
import pytest
from psycopg import errors as pg

from docflow.db import DocflowCode, SqlState, domain_error, translate_errors
from docflow.errors import Conflict, DocflowError, Forbidden, NotFound, TenantSuspended, Unprocessable

MIGRATIONS = Path(__file__).resolve().parents[4] / "migrations"
ERRORS_MODULE = Path(__file__).resolve().parents[4] / "shared/src/docflow/db/errors.py"


def raised(sqlstate: str, message: str = "") -> psycopg.Error:
    """A server error with ``sqlstate``, as psycopg raises it for a code it has no class for."""
    error_class = type("Raised", (pg.DatabaseError,), {"sqlstate": sqlstate})
    return error_class(message)


def test_a_unique_violation_is_a_409_that_repeats_no_key() -> None:
    message = 'duplicate key value violates unique constraint "clients_business_id_key"\n'
    message += "DETAIL:  Key (tenant_id, business_id)=(3f1c, 0112038-9) already exists."
    with pytest.raises(Conflict) as caught, translate_errors():
        raise pg.UniqueViolation(message)
    assert "0112038-9" not in caught.value.detail
    assert "clients_business_id_key" not in caught.value.detail
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (pg.UniqueViolation(), Conflict),
        (pg.ForeignKeyViolation(), Conflict),
        (pg.CheckViolation(), Unprocessable),
        (pg.NotNullViolation(), Unprocessable),
        (pg.InsufficientPrivilege(), Forbidden),
        (raised("DF001"), Conflict),
        (raised("DF002"), Forbidden),
        (raised("DF003"), NotFound),
        (raised("DF005"), TenantSuspended),
    ],
)
def test_each_known_code_has_its_domain_error(error: psycopg.Error, expected: type[DocflowError]) -> None:
    translated = domain_error(error)
    assert type(translated) is expected


def test_a_service_gives_its_own_words_for_one_code_and_keeps_the_defaults_for_the_others() -> None:
    own = Conflict("A client with this business ID already exists")
    overrides = {SqlState.UNIQUE_VIOLATION: own}
    assert domain_error(pg.UniqueViolation(), overrides) is own
    assert type(domain_error(raised("DF001"), overrides)) is Conflict
    assert domain_error(raised("DF001"), overrides) is not own


@pytest.mark.parametrize(
    "error",
    [
        pg.SyntaxError("syntax error at or near"),
        pg.OperationalError("connection lost"),
        raised("DF999"),
        ValueError("not a database error"),
        NotFound("raised inside the block"),
    ],
)
def test_other_errors_pass_through_unchanged(error: Exception) -> None:
    assert domain_error(error) is None
    with pytest.raises(type(error)) as caught, translate_errors():
        raise error
    assert caught.value is error


def test_every_code_the_migrations_raise_is_in_the_enum() -> None:
    raised_codes = {
        code
        for path in MIGRATIONS.glob("*.sql")
        for code in re.findall(r"errcode\s*=\s*'(DF\d{3})'", path.read_text(encoding="utf-8"))
    }
    assert raised_codes == {code.value for code in DocflowCode}


def test_each_member_names_a_migration_that_raises_its_code() -> None:
    source = ERRORS_MODULE.read_text(encoding="utf-8")
    pattern = r'#: (\d{4}_\w+\.sql)\b[^\n]*\n\s+\w+ = "(DF\d{3})"'
    documented = {code: migration for migration, code in re.findall(pattern, source)}
    assert documented.keys() == {code.value for code in DocflowCode}
    for code, migration in documented.items():
        assert re.search(rf"errcode\s*=\s*'{code}'", (MIGRATIONS / migration).read_text(encoding="utf-8"))

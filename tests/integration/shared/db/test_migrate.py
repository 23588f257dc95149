"""``docflow db migrate``: ordered, recorded, idempotent, and strict about edited history."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from docflow.db.migrate import MigrationError, applied_versions, load_migrations, migrate
from docflow_local.postgres import EmbeddedPostgres
from tests.support.paths import REPO_ROOT as ROOT

pytestmark = pytest.mark.db


@pytest.fixture
def scratch_database(postgres: EmbeddedPostgres) -> Iterator[str]:
    """An empty database on the session cluster (roles are cluster-wide and already exist)."""
    name = f"scratch_{uuid.uuid4().hex[:8]}"
    admin = postgres.url("postgres", postgres.password, "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'create database "{name}"')
    yield postgres.url("postgres", postgres.password, name)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'drop database "{name}" with (force)')


def test_session_database_has_every_migration_recorded(postgres: EmbeddedPostgres) -> None:
    versions = applied_versions(postgres.superuser_url)
    assert sorted(versions) == [m.version for m in load_migrations(ROOT / "migrations")]


def test_migrate_is_idempotent(scratch_database: str) -> None:
    first = migrate(scratch_database, ROOT / "migrations")
    assert first == [m.version for m in load_migrations(ROOT / "migrations")]
    assert migrate(scratch_database, ROOT / "migrations") == []


def test_a_changed_applied_migration_stops_the_run(scratch_database: str, tmp_path: Path) -> None:
    folder = tmp_path / "migrations"
    shutil.copytree(ROOT / "migrations", folder)
    migrate(scratch_database, folder)
    first = sorted(folder.glob("*.sql"))[0]
    first.write_text(first.read_text() + "\n-- edited\n")
    with pytest.raises(MigrationError, match="changed after it was applied"):
        migrate(scratch_database, folder)


def test_a_failing_migration_leaves_nothing_half_applied(scratch_database: str, tmp_path: Path) -> None:
    folder = tmp_path / "migrations"
    shutil.copytree(ROOT / "migrations", folder)
    (folder / "9999_broken.sql").write_text("create table public.half (id int);\nselect 1/0;\n")
    with pytest.raises(MigrationError, match="9999_broken"):
        migrate(scratch_database, folder)
    with psycopg.connect(scratch_database) as conn:
        assert conn.execute("select to_regclass('public.half')").fetchone() == (None,)
    assert "9999_broken" not in applied_versions(scratch_database)


def test_misnamed_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "add_things.sql").write_text("select 1;")
    with pytest.raises(MigrationError, match="not understood"):
        load_migrations(tmp_path)

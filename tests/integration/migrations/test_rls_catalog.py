"""Catalog guard: the schema itself keeps tenants apart, whatever a query forgets."""

from __future__ import annotations

import psycopg
import pytest

pytestmark = pytest.mark.db


def test_every_public_table_has_rls_enabled_and_forced(superuser_url: str) -> None:
    with psycopg.connect(superuser_url) as conn:
        rows = conn.execute(
            """
            select c.relname, c.relrowsecurity, c.relforcerowsecurity
              from pg_class c join pg_namespace n on n.oid = c.relnamespace
             where n.nspname = 'public' and c.relkind in ('r', 'p')
            """
        ).fetchall()
    assert rows, "no tables found in public"
    unprotected = [name for name, enabled, forced in rows if not (enabled and forced)]
    assert unprotected == []


def test_every_table_with_tenant_id_has_a_policy_using_it(superuser_url: str) -> None:
    with psycopg.connect(superuser_url) as conn:
        rows = conn.execute(
            """
            select c.table_name
              from information_schema.columns c
             where c.table_schema = 'public' and c.column_name = 'tenant_id'
               and not exists (
                 select from pg_policies p
                  where p.schemaname = 'public' and p.tablename = c.table_name
                    and (p.qual like '%tenant_id%' or p.with_check like '%tenant_id%'))
            """
        ).fetchall()
    assert rows == []


def test_runtime_role_owns_nothing_and_cannot_bypass_rls(superuser_url: str) -> None:
    with psycopg.connect(superuser_url) as conn:
        role = conn.execute(
            "select rolsuper, rolbypassrls, rolinherit, rolcreaterole"
            " from pg_roles where rolname = 'docflow_app'"
        ).fetchone()
        owned = conn.execute(
            """
            select count(*) from pg_class c join pg_roles r on r.oid = c.relowner
             where r.rolname in ('docflow_app', 'authenticated', 'anon')
            """
        ).fetchone()
    assert role == (False, False, False, False)
    assert owned == (0,)


def test_views_run_with_the_callers_rights(superuser_url: str) -> None:
    with psycopg.connect(superuser_url) as conn:
        rows = conn.execute(
            """
            select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
             where n.nspname = 'public' and c.relkind = 'v'
               and not coalesce('security_invoker=true' = any (c.reloptions), false)
            """
        ).fetchall()
    assert rows == []


def test_security_definer_functions_are_private_and_pin_search_path(superuser_url: str) -> None:
    with psycopg.connect(superuser_url) as conn:
        rows = conn.execute(
            """
            select n.nspname, p.proname, p.proconfig,
                   has_function_privilege('public', p.oid, 'execute') as public_can_execute
              from pg_proc p join pg_namespace n on n.oid = p.pronamespace
             where p.prosecdef and n.nspname not in ('pg_catalog', 'information_schema')
            """
        ).fetchall()
    assert rows, "expected the membership helpers to be SECURITY DEFINER"
    for schema, name, config, public_can_execute in rows:
        assert schema == "app_private", name
        assert config is not None, name
        assert 'search_path=""' in config, name
        assert not public_can_execute, name


def test_private_schema_is_not_usable_by_anon(superuser_url: str) -> None:
    with psycopg.connect(superuser_url) as conn:
        row = conn.execute("select has_schema_privilege('anon', 'app_private', 'usage')").fetchone()
    assert row == (False,)


def test_policy_helpers_keep_their_plans(superuser_url: str) -> None:
    # A SQL function that pins search_path is never inlined and is planned again on every call; the
    # helpers that policies call on every request are PL/pgSQL, which keeps its plans per connection.
    with psycopg.connect(superuser_url) as conn:
        rows = conn.execute(
            """
            select distinct p.proname, l.lanname
              from pg_policy pol
              cross join lateral regexp_matches(
                     coalesce(pg_get_expr(pol.polqual, pol.polrelid), '') || ' ' ||
                     coalesce(pg_get_expr(pol.polwithcheck, pol.polrelid), ''),
                     'app_private\\.([a-z_]+)\\(', 'g') as called(name)
              join pg_namespace n on n.nspname = 'app_private'
              join pg_proc p on p.pronamespace = n.oid and p.proname = called.name[1]
              join pg_language l on l.oid = p.prolang
            """
        ).fetchall()
    assert {name for name, _ in rows} >= {"current_tenant_id", "has_tenant_role", "is_tenant_member"}
    assert [name for name, language in rows if language != "plpgsql"] == []


def test_my_memberships_is_read_with_the_callers_rights(superuser_url: str) -> None:
    with psycopg.connect(superuser_url) as conn:
        row = conn.execute(
            "select prosecdef, has_function_privilege('anon', oid, 'execute')"
            " from pg_proc where oid = 'app_private.my_memberships'::regproc"
        ).fetchone()
    assert row == (False, False)

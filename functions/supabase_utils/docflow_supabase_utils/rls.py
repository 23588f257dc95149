"""The RLS self-check: what the catalog says about the walls between tenants.

Finds tables in ``public`` without row level security enabled and forced, tenant tables (a
``tenant_id`` column) without a policy that uses it, SECURITY DEFINER functions outside
``app_private``, without a pinned ``search_path`` or executable by PUBLIC, views in ``public``
without ``security_invoker``, and a runtime role that could bypass it all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docflow_supabase_utils.schemas import Finding, RlsReport

if TYPE_CHECKING:
    from docflow.db import Connection

#: Schemas Supabase or PostgreSQL manage; their functions are not DocFlow's to judge.
MANAGED_SCHEMAS = (
    "pg_catalog",
    "information_schema",
    "auth",
    "storage",
    "graphql",
    "graphql_public",
    "realtime",
    "_realtime",
    "extensions",
    "pgsodium",
    "pgsodium_masks",
    "vault",
    "net",
    "cron",
    "pgbouncer",
    "supabase_functions",
    "supabase_migrations",
    "_analytics",
)
PRIVATE_SCHEMA = "app_private"
RUNTIME_ROLE = "docflow_app"


def _tables(conn: Connection, findings: list[Finding]) -> tuple[int, int]:
    rows = conn.execute(
        """
        select c.relname, c.relrowsecurity, c.relforcerowsecurity,
               exists (select from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id'
                        and not a.attisdropped) as is_tenant_table,
               exists (select from pg_policies p where p.schemaname = 'public' and p.tablename = c.relname
                        and (p.qual like '%%tenant_id%%' or p.with_check like '%%tenant_id%%')) as has_policy
          from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = 'public' and c.relkind in ('r', 'p')
         order by c.relname
        """
    ).fetchall()
    for row in rows:
        name = f"public.{row['relname']}"
        if not row["relrowsecurity"]:
            findings.append(Finding(kind="table_without_rls", object=name))
        elif not row["relforcerowsecurity"]:
            findings.append(Finding(kind="rls_not_forced", object=name))
        if row["is_tenant_table"] and not row["has_policy"]:
            findings.append(Finding(kind="tenant_table_without_policy", object=name))
    return len(rows), sum(1 for row in rows if row["is_tenant_table"])


def _security_definer_functions(conn: Connection, findings: list[Finding]) -> int:
    rows = conn.execute(
        """
        select n.nspname as schema, p.proname as name, pg_get_function_identity_arguments(p.oid) as args,
               coalesce(exists (select from unnest(p.proconfig) setting
                                 where setting like 'search_path=%%'), false) as pinned,
               has_function_privilege('public', p.oid, 'execute') as public_can_execute
          from pg_proc p join pg_namespace n on n.oid = p.pronamespace
         where p.prosecdef
           and n.nspname <> all (%s) and n.nspname not like 'pg\\_%%'
           and not exists (select from pg_depend d where d.objid = p.oid and d.deptype = 'e')
         order by 1, 2
        """,
        (list(MANAGED_SCHEMAS),),
    ).fetchall()
    for row in rows:
        name = f"{row['schema']}.{row['name']}({row['args']})"
        if row["schema"] != PRIVATE_SCHEMA:
            findings.append(Finding(kind="security_definer_outside_private_schema", object=name))
        if not row["pinned"]:
            findings.append(Finding(kind="security_definer_without_search_path", object=name))
        if row["public_can_execute"]:
            findings.append(Finding(kind="security_definer_executable_by_public", object=name))
    return len(rows)


def _views(conn: Connection, findings: list[Finding]) -> int:
    rows = conn.execute(
        """
        select c.relname, coalesce('security_invoker=true' = any (c.reloptions)
                                   or 'security_invoker=on' = any (c.reloptions), false) as invoker
          from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = 'public' and c.relkind in ('v', 'm')
         order by c.relname
        """
    ).fetchall()
    findings.extend(
        Finding(kind="view_without_security_invoker", object=f"public.{row['relname']}")
        for row in rows
        if not row["invoker"]
    )
    return len(rows)


def _runtime_role(conn: Connection, findings: list[Finding]) -> None:
    row = conn.execute(
        """
        select r.rolsuper or r.rolbypassrls
               or exists (select from pg_class c where c.relowner = r.oid) as privileged
          from pg_roles r where r.rolname = %s
        """,
        (RUNTIME_ROLE,),
    ).fetchone()
    if row and row["privileged"]:
        findings.append(Finding(kind="runtime_role_privileged", object=RUNTIME_ROLE))


def rls_self_check(conn: Connection) -> RlsReport:
    """Every finding, in a stable order; ``ok`` when there is none."""
    findings: list[Finding] = []
    tables, tenant_tables = _tables(conn, findings)
    functions = _security_definer_functions(conn, findings)
    views = _views(conn, findings)
    _runtime_role(conn, findings)
    return RlsReport(
        ok=not findings,
        findings=findings,
        tables_checked=tables,
        tenant_tables=tenant_tables,
        security_definer_functions=functions,
        views_checked=views,
    )

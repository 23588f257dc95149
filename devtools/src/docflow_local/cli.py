"""Local-stack commands: ``dev``, ``token``, ``invoke``, ``report monthly`` and ``db migrate``."""

from __future__ import annotations

import argparse
import json
import os
import sys
import uuid
from pathlib import Path
from typing import Any


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the local-stack commands to the ``docflow`` command line."""
    dev = subparsers.add_parser("dev", help="run the whole local stack until Ctrl-C")
    dev.set_defaults(handler=_dev)

    token = subparsers.add_parser("token", help="mint a local access token (and membership)")
    token.add_argument("--email", required=True)
    token.add_argument("--tenant", help="tenant name or id; the user is made a member (local database)")
    token.add_argument("--role", default="member", choices=["owner", "admin", "member", "viewer"])
    token.add_argument("--hours", type=float, default=12.0, help="validity (default 12 h)")
    token.set_defaults(handler=_token)

    invoke = subparsers.add_parser("invoke", help="run a function's Lambda handler on an event file")
    invoke.add_argument("function", help="function name (health, auth, ...) or logical id")
    invoke.add_argument("event", type=Path, help="event JSON file, e.g. events/health/get-health.json")
    invoke.set_defaults(handler=_invoke)

    report = subparsers.add_parser("report", help="reports of the local stack")
    report_commands = report.add_subparsers(dest="report_command", required=True)
    monthly = report_commands.add_parser("monthly", help="write a monthly report as .eml and .html files")
    monthly.add_argument("--period", required=True, help="the month, YYYY-MM")
    monthly.add_argument("--tenant", help="tenant name or id (default: every tenant with reports on)")
    monthly.add_argument("--out", type=Path, default=Path(".local/reports"), help="folder (.local/reports)")
    monthly.add_argument("--send", action="store_true", help="also run the job: mail it through Resend once")
    monthly.set_defaults(handler=_report_monthly)

    db = subparsers.add_parser("db", help="database commands")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    migrate = db_commands.add_parser("migrate", help="apply pending migrations (idempotent)")
    migrate.add_argument("--database-url", help="owner connection (default: MIGRATIONS_DATABASE_URL)")
    migrate.add_argument("--dir", type=Path, help="migrations folder (default: ./migrations)")
    migrate.set_defaults(handler=_migrate)


def _dev(_: argparse.Namespace) -> int:
    from docflow_local.environment import local_ports, repo_root
    from docflow_local.stack import run_dev

    try:
        return run_dev(repo_root(), local_ports())
    except KeyboardInterrupt:
        return 0


def _token(args: argparse.Namespace) -> int:
    from docflow.auth import mint_token
    from docflow.config import get_settings
    from docflow_local.environment import apply_local_environment, local_ports, repo_root
    from docflow_local.seed import PLATFORM_ADMIN_EMAIL, demo_id

    ports = local_ports()
    apply_local_environment(ports)
    settings = get_settings()
    user_id: uuid.UUID | None = None
    if args.tenant:
        user_id = _ensure_membership(repo_root(), ports.postgres, args.email, args.tenant, args.role)
    elif args.email == PLATFORM_ADMIN_EMAIL:
        user_id = demo_id("user:staff")  # the seeded platform administrator
    token = mint_token(
        secret=settings.require("jwt_secret"),
        issuer=settings.jwt_issuer,
        user_id=user_id or uuid.uuid5(uuid.NAMESPACE_URL, f"mailto:{args.email}"),
        email=args.email,
        expires_in=int(args.hours * 3600),
    )
    print(token)
    return 0


def _ensure_membership(root: Path, pg_port: int, email: str, tenant: str, role: str) -> uuid.UUID:
    import psycopg

    from docflow_local.postgres import EmbeddedPostgres
    from docflow_local.seed import ensure_user

    pg = EmbeddedPostgres(data_dir=root / ".local" / "dev" / "postgres", port=pg_port)
    try:
        conn = psycopg.connect(pg.superuser_url, connect_timeout=3)
    except psycopg.OperationalError:
        print("The local database is not running: start it with 'make dev' first.", file=sys.stderr)
        raise SystemExit(2) from None
    with conn:
        row = conn.execute(
            "select id from public.tenants where id::text = %s or name = %s order by created_at limit 1",
            (tenant, tenant),
        ).fetchone()
        if row is None:
            print(f"No tenant named {tenant!r} in the local database.", file=sys.stderr)
            raise SystemExit(2)
        user_id = ensure_user(conn, email=email)
        conn.execute(
            """
            insert into public.tenant_members (tenant_id, user_id, role) values (%s, %s, %s)
            on conflict (tenant_id, user_id) do update set role = excluded.role
            """,
            (row[0], user_id, role),
        )
    return user_id


def _invoke(args: argparse.Namespace) -> int:
    import importlib

    from docflow_local.environment import apply_local_environment, local_ports, repo_root
    from docflow_local.lambda_context import LocalLambdaContext
    from docflow_local.template import load_template, zip_functions

    apply_local_environment(local_ports())
    specs = {spec.name: spec for spec in zip_functions(load_template(repo_root() / "template.yaml"))}
    specs.update({spec.logical_id: spec for spec in specs.values()})
    spec = specs.get(args.function)
    if spec is None:
        print(f"Unknown function {args.function!r}; known: {', '.join(sorted(specs))}", file=sys.stderr)
        return 2
    for name, value in spec.environment.items():
        os.environ.setdefault(name, value)
    event: dict[str, Any] = json.loads(_expand_token(args.event.read_text(encoding="utf-8")))
    handler = getattr(importlib.import_module(spec.module), spec.attribute)
    result = handler(event, LocalLambdaContext(spec.name))
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


def _report_monthly(args: argparse.Namespace) -> int:
    from docflow.finance.periods import InvalidPeriod
    from docflow_local.environment import apply_local_environment, local_ports
    from docflow_local.report_files import monthly_files

    apply_local_environment(local_ports())
    try:
        written = monthly_files(args.period, args.tenant, args.out, send=args.send)
    except InvalidPeriod as exc:
        print(str(exc), file=sys.stderr)
        return 2
    for path in written:
        print(path)
    return 0 if written else 1


def _expand_token(text: str) -> str:
    """Event files may say ``Bearer ${DOCFLOW_TOKEN}``: filled from the environment when set."""
    token = os.environ.get("DOCFLOW_TOKEN")
    return text.replace("${DOCFLOW_TOKEN}", token) if token else text


def _migrate(args: argparse.Namespace) -> int:
    from docflow.db.migrate import find_migrations_dir, migrate

    url = args.database_url or os.environ.get("MIGRATIONS_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if not url:
        print("Set MIGRATIONS_DATABASE_URL (an owner connection) or pass --database-url.", file=sys.stderr)
        return 2
    applied = migrate(url, args.dir or find_migrations_dir())
    print(f"applied {len(applied)} migration(s)" + (": " + ", ".join(applied) if applied else ""))
    return 0

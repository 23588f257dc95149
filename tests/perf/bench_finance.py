"""Finance at scale: N tenants x M receipts (1-3 VAT rows each) in a PostgreSQL of its own.

Measures, for random tenants: the yearly VAT summary and the 12-month expense trend at the database
(as ``authenticated`` under RLS, and the same statements as the table owner without RLS: their
ratio), the same routes through the finance Lambda handler in process, and the export of a year.

    python -m tests.perf.bench_finance                       # 100 x 10 000 (1 000 000 receipts)
    python -m tests.perf.bench_finance --tenants 10 --receipts 2000 --runs 30

The data lives in ``.local/bench/finance-<N>x<M>`` and is reused by the next run with the same size
(``--fresh`` rebuilds it). Prints a table, asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
YEAR = 2026
#: Receipts are dated over the year up to this day; the trend ends with its month.
LAST_DAY = dt.date(YEAR, 11, 30)
TARGETS = {"db": 50.0, "handler": 100.0, "rls_ratio": 1.25, "export_s": 2.0}

_GENERATE = """
set session_replication_role = replica;
insert into auth.users (id, email)
select md5('bench-user-' || t)::uuid, 'owner-' || t || '@bench.test' from generate_series(1, %(tenants)s) t;
insert into public.tenants (id, name)
select md5('bench-tenant-' || t)::uuid, 'Bench ' || t || ' Oy' from generate_series(1, %(tenants)s) t;
insert into public.tenant_members (tenant_id, user_id, role)
select md5('bench-tenant-' || t)::uuid, md5('bench-user-' || t)::uuid, 'owner'
  from generate_series(1, %(tenants)s) t;
insert into public.expense_categories (tenant_id, code, name, account, vat_treatment, deductible_share)
select md5('bench-tenant-' || t)::uuid, d.code, d.name, d.account, d.vat_treatment, d.deductible_share
  from generate_series(1, %(tenants)s) t cross join app_private.finance_default_categories() d;
create unlogged table bench_receipts as
select n, md5('bench-receipt-' || n)::uuid as id, md5('bench-tenant-' || ((n - 1) / %(receipts)s + 1))::uuid
         as tenant_id,
       date '2026-01-01' + ((n::bigint * 7919) %% 334)::int as receipt_date
  from generate_series(1, %(total)s) n;
create unlogged table bench_rows as
select b.n, b.id, b.tenant_id, p as position,
       (array[25.5, 13.5, 10, 25.5])[1 + (b.n + p) %% 4]::numeric(5, 2) as rate,
       (1 + ((b.n * 31 + p * 17) %% 20000) / 100.0)::numeric(14, 2) as net
  from bench_receipts b cross join lateral generate_series(0, (b.n %% 3)::int) p;
insert into public.receipt_vat_rows (tenant_id, receipt_id, position, rate, net, tax, gross)
select tenant_id, id, position, rate, net, round(net * rate / 100, 2), net + round(net * rate / 100, 2)
  from bench_rows;
insert into public.receipts
  (id, tenant_id, status, object_key, size_bytes, content_type, original_filename, fields, merchant,
   business_id, receipt_date, total, currency, warnings, category, processed_at)
select b.id, b.tenant_id, case when b.n %% 10 = 0 then 'needs_review' else 'processed' end,
       'incoming/' || b.tenant_id || '/' || b.id || '/k.jpg', 1000, 'image/jpeg', 'k.jpg',
       case when b.n %% 50 = 0 then '{"country": {"value": "SE", "confidence": 0.9}}'
            else '{"country": {"value": "FI", "confidence": 0.9}}' end::jsonb,
       (array['Neste', 'K-Rauta', 'Elisa', 'Ravintola Savoy', 'Verkkokauppa.com', 'ABC'])[1 + b.n %% 6]
         || ' ' || (b.n %% 40),
       case when b.n %% 25 = 0 then null else '0737546-2' end, b.receipt_date,
       t.total,
       case when b.n %% 50 = 0 then 'SEK' else 'EUR' end, '[]'::jsonb,
       (array['tarvikkeet', 'polttoaine', 'edustus', 'auto_sekakaytto', 'toimisto', null])[1 + b.n %% 6],
       timestamptz '2026-12-01'
  from bench_receipts b
  join (select n, sum(net + round(net * rate / 100, 2)) as total from bench_rows group by n) t on t.n = b.n;
drop table bench_rows;
drop table bench_receipts;
set session_replication_role = origin;
"""


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def _timed(function: Callable[[], object], runs: int) -> list[float]:
    function()  # warm the plan and the caches
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def _prepare(tenants: int, receipts: int, fresh: bool) -> Any:
    from docflow.db.migrate import migrate
    from docflow_local.environment import LOCAL_APP_PASSWORD
    from docflow_local.postgres import EmbeddedPostgres, bootstrap_runtime_role, free_port

    data_dir = ROOT / ".local" / "bench" / f"finance-{tenants}x{receipts}"
    if fresh:
        shutil.rmtree(data_dir, ignore_errors=True)
    port = free_port()
    os.environ["DATABASE_URL"] = f"postgresql://docflow_app:{LOCAL_APP_PASSWORD}@127.0.0.1:{port}/docflow"
    server = EmbeddedPostgres(data_dir=data_dir, port=port)
    server.start()
    migrate(server.superuser_url, ROOT / "migrations")
    bootstrap_runtime_role(server.superuser_url, password=LOCAL_APP_PASSWORD)
    import psycopg

    with psycopg.connect(server.superuser_url, autocommit=True) as conn:
        have = conn.execute("select count(*) from public.receipts").fetchone()
        if have is None or have[0] != tenants * receipts:
            print(f"generating {tenants} x {receipts} receipts ...", file=sys.stderr, flush=True)
            started = time.perf_counter()
            params = {"tenants": tenants, "receipts": receipts, "total": tenants * receipts}
            with conn.transaction():
                for step in _GENERATE.split(";\n"):
                    if step.strip():
                        conn.execute(step, params)
            conn.execute("vacuum analyze")
            print(f"generated in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    return server


def _tenant(index: int) -> tuple[uuid.UUID, uuid.UUID]:
    import hashlib

    def md5_uuid(text: str) -> uuid.UUID:
        return uuid.UUID(hashlib.md5(text.encode(), usedforsecurity=False).hexdigest())

    return md5_uuid(f"bench-tenant-{index}"), md5_uuid(f"bench-user-{index}")


def _database_figures(server: Any, tenants: int, runs: int, rng: random.Random) -> dict[str, list[float]]:
    import psycopg
    from psycopg.rows import dict_row

    from docflow.config import get_settings
    from docflow.db import set_request_claims
    from docflow.db.compose import statement
    from docflow.finance.expenses import _EXPENSED, _TREND
    from docflow.finance.periods import month_starts, parse_period
    from docflow.finance.summary import summary_query

    year = parse_period(str(YEAR))
    trend_start = month_starts(LAST_DAY, 12)[0]
    # The bench tenants have filed nothing: the statement vat_summary() runs for them.
    summary_sql, summary_extra = summary_query(year, with_locks=False)
    trend_sql = statement(_TREND, expensed=_EXPENSED)
    picks = [_tenant(rng.randint(1, tenants)) for _ in range(runs)]
    results: dict[str, list[float]] = {}

    def once(
        conn: Any, rls: bool, query: Any, params: dict[str, Any], tenant: tuple[uuid.UUID, uuid.UUID]
    ) -> float:
        tenant_id, user_id = tenant
        with conn.transaction():
            if rls:
                claims = {"sub": str(user_id), "role": "authenticated", "tenant_id": str(tenant_id)}
                set_request_claims(conn, claims, role="authenticated")
            started = time.perf_counter()
            conn.execute(query, params).fetchall()
            return (time.perf_counter() - started) * 1000

    def summary_params(tenant: uuid.UUID) -> dict[str, Any]:
        return {"tenant": tenant, "start": year.start, "end": year.end, **summary_extra}

    def trend_params(tenant: uuid.UUID) -> dict[str, Any]:
        return {"tenant": tenant, "start": trend_start, "end": LAST_DAY}

    with (
        psycopg.connect(get_settings().database_url, row_factory=dict_row) as app,
        psycopg.connect(server.superuser_url, row_factory=dict_row) as owner,
    ):
        for name, query, params in (
            ("summary", summary_sql, summary_params),
            ("trend", trend_sql, trend_params),
        ):
            # Side by side: each tenant's statement with RLS as authenticated, then as the table owner
            # without RLS (which of the two goes first alternates); the first pair warms up.
            rls_samples, owner_samples = [], []
            for index, tenant in enumerate([picks[0], *picks]):
                order = [(app, True), (owner, False)] if index % 2 else [(owner, False), (app, True)]
                for conn, rls in order:
                    elapsed = once(conn, rls, query, params(tenant[0]), tenant)
                    if index:
                        (rls_samples if rls else owner_samples).append(elapsed)
            results[f"{name}_rls"], results[f"{name}_owner"] = rls_samples, owner_samples
    return results


def _event(path: str, query: dict[str, str], token: str, tenant_id: uuid.UUID) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((ROOT / "events" / "finance" / "get-vat-summary.json").read_text())
    event["rawPath"] = event["requestContext"]["http"]["path"] = path
    event["routeKey"] = event["requestContext"]["routeKey"] = f"GET {path}"
    event["rawQueryString"] = "&".join(f"{k}={v}" for k, v in query.items())
    event["queryStringParameters"] = query
    event["headers"]["authorization"] = f"Bearer {token}"
    event["headers"]["x-tenant-id"] = str(tenant_id)
    return event


def _handler_figures(tenants: int, runs: int, rng: random.Random) -> dict[str, Any]:
    from docflow.auth import mint_token
    from docflow.config import get_settings
    from docflow_finance.handler import handler
    from docflow_local.lambda_context import LocalLambdaContext
    from tests.support.local_s3 import ensure_receipts_bucket

    ensure_receipts_bucket()
    settings = get_settings()
    context = LocalLambdaContext("finance")

    def call(path: str, query: dict[str, str]) -> Callable[[], dict[str, Any]]:
        tenant_id, user_id = _tenant(rng.randint(1, tenants))
        token = mint_token(secret=settings.require("jwt_secret"), issuer=settings.jwt_issuer, user_id=user_id)
        event = _event(path, query, token, tenant_id)

        def invoke() -> dict[str, Any]:
            response: dict[str, Any] = handler(event, context)
            assert response["statusCode"] == 200, response["body"][:300]
            return response

        return invoke

    figures: dict[str, Any] = {}
    summaries = [call("/api/v1/finance/vat-summary", {"period": str(YEAR)}) for _ in range(runs)]
    trends = [call("/api/v1/finance/expenses/trend", {"to": LAST_DAY.strftime("%Y-%m")}) for _ in range(runs)]
    figures["summary"] = [s for f in summaries for s in _timed(f, 1)]
    figures["trend"] = [s for f in trends for s in _timed(f, 1)]
    export_runs = []
    for _ in range(3):
        invoke = call("/api/v1/finance/export", {"period": str(YEAR), "format": "csv-fi"})
        started = time.perf_counter()
        response = invoke()
        export_runs.append(time.perf_counter() - started)
        body = response["body"]
        figures["export_kind"] = "S3 link" if body.startswith("{") else "inline"
        figures["export_bytes"] = (
            json.loads(body)["size_bytes"] if body.startswith("{") else len(body.encode())
        )
    figures["export"] = export_runs
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=100)
    parser.add_argument("--receipts", type=int, default=10_000, help="receipts per tenant")
    parser.add_argument("--runs", type=int, default=50, help="timed runs per figure")
    parser.add_argument("--fresh", action="store_true", help="rebuild the data")
    args = parser.parse_args()

    from docflow_local.environment import LocalPorts, apply_local_environment
    from docflow_local.postgres import free_port

    apply_local_environment(LocalPorts(api=0, postgres=free_port(), s3=free_port()), environment="test")
    server = _prepare(args.tenants, args.receipts, args.fresh)
    try:
        from docflow.config import reset_settings
        from docflow.db import close_pool

        reset_settings()
        rng = random.Random(7)
        db = _database_figures(server, args.tenants, args.runs, rng)
        handler = _handler_figures(args.tenants, args.runs, rng)
        close_pool()
    finally:
        server.stop()

    def row(name: str, samples: list[float], target: str) -> str:
        return f"| {name} | {statistics.median(samples):.1f} | {_p95(samples):.1f} | {target} |"

    ratio_summary = statistics.median(db["summary_rls"]) / statistics.median(db["summary_owner"])
    ratio_trend = statistics.median(db["trend_rls"]) / statistics.median(db["trend_owner"])
    print(f"\n{args.tenants} tenants x {args.receipts} receipts, {args.runs} runs per figure (ms)\n")
    print("| figure | median | p95 | target |")
    print("|---|---|---|---|")
    print(row("yearly VAT summary, DB, RLS as authenticated", db["summary_rls"], "p95 < 50"))
    print(row("yearly VAT summary, DB, table owner without RLS", db["summary_owner"], ""))
    print(row("12-month trend, DB, RLS as authenticated", db["trend_rls"], "p95 < 50"))
    print(row("12-month trend, DB, table owner without RLS", db["trend_owner"], ""))
    print(row("yearly VAT summary through the handler", handler["summary"], "p95 < 100"))
    print(row("12-month trend through the handler", handler["trend"], "p95 < 100"))
    export_ms = [s * 1000 for s in handler["export"]]
    print(
        row(
            f"export of a year, csv-fi ({handler['export_kind']}, {handler['export_bytes']} bytes)",
            export_ms,
            "< 2000",
        )
    )
    print(
        "\nRLS ratio (median with RLS / median without):"
        f" summary {ratio_summary:.2f}, trend {ratio_trend:.2f} (target <= 1.25)"
    )


if __name__ == "__main__":
    main()

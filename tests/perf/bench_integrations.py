"""Tenant integrations against the local fakes, in a PostgreSQL and a moto server (KMS, SQS) of their own.

    python -m tests.perf.bench_integrations                  # 1 000 clients, 200 receipts x 20 tenants
    python -m tests.perf.bench_integrations --clients 100    # a quick run

Notion: one tenant's N clients are written (the outbox triggers queue them), drained to the SQS FIFO
queue and synced by a worker process at the integration's rate against the fake Notion at Notion's
limit (3 requests per second, sliding second). The worker is killed once about half the pages exist
(mid-request, as a crash would) and a second worker finishes the queue after the messages' visibility
timeout. Figures: wall time against N / 3 s, 429s the fake answered (requests over the limit), pages
created (must equal N: no page twice), Notion requests per client.

Linear: 200 failed receipts across 20 tenants, each delivered twice (at-least-once queues), handled by
four threads at once: issues created (must be 200, one per receipt) and issueCreate calls made.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "ntn_benchnotiontoken00000000000000"
#: How long a message the killed worker held stays invisible before the second worker gets it.
VISIBILITY_SECONDS = 10


def _worker_forever() -> None:
    """The worker process: drain and consume until killed."""
    from docflow_local.integrations import IntegrationsWorker, ensure_queues

    worker = IntegrationsWorker(ensure_queues(VISIBILITY_SECONDS))
    while True:
        if not worker.tick():
            time.sleep(0.2)


def _synced(superuser_url: str, tenant: uuid.UUID) -> int:
    import psycopg

    with psycopg.connect(superuser_url) as conn:
        row = conn.execute(
            "select count(*) from public.notion_pages where tenant_id = %s and status = 'synced'", (tenant,)
        ).fetchone()
    return int(row[0]) if row else 0


def bench_notion(superuser_url: str, clients: int, rate: float) -> None:
    """The Notion figures (see the module documentation)."""
    import psycopg

    from docflow.db import system_transaction
    from docflow.integrations import store
    from docflow_local.fake_notion import FakeNotion
    from docflow_local.integrations import IntegrationsWorker, ensure_queues

    tenant = uuid.uuid4()
    with FakeNotion(tokens={TOKEN}, rate_per_second=3) as fake:
        os.environ["NOTION_BASE_URL"] = fake.url
        from docflow.config import reset_settings

        reset_settings()
        source = fake.add_data_source("Bench clients")
        with psycopg.connect(superuser_url) as conn:
            conn.execute("insert into public.tenants (id, name) values (%s, 'Notion Bench Oy')", (tenant,))
        with system_transaction("bench.notion", tenant_id=str(tenant)) as conn:
            store.connect(conn, tenant_id=tenant, provider="notion", secret=TOKEN)
            conn.execute(
                "update public.integrations set settings = jsonb_build_object('data_source_id', %s::text)"
                " where tenant_id = %s",
                (source, tenant),
            )
        with psycopg.connect(superuser_url) as conn:
            conn.execute(
                "insert into public.clients (tenant_id, kind, name, city, notes)"
                " select %s, 'company', 'Asiakas ' || n, 'Oulu', repeat('muistiinpano ', 10)"
                " from generate_series(1, %s) n",
                (tenant, clients),
            )
        urls = ensure_queues(VISIBILITY_SECONDS)
        started = time.perf_counter()
        worker = subprocess.Popen(
            [sys.executable, "-m", "tests.perf.bench_integrations", "--worker"],
            cwd=ROOT,
            env=dict(os.environ),
        )
        while fake.state.creates < clients // 2:
            time.sleep(0.05)
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        killed_at = time.perf_counter() - started
        created_at_kill = fake.state.creates
        rerun = IntegrationsWorker(urls)
        deadline = time.monotonic() + clients * 2 / rate + 120
        while _synced(superuser_url, tenant) < clients and time.monotonic() < deadline:
            if not rerun.tick():
                time.sleep(0.2)
        elapsed = time.perf_counter() - started
        pages = fake.pages_in(source)
        names = [p["properties"]["Name"]["title"][0]["text"]["content"] for p in pages]
        requests = len(fake.state.requests)
        print(f"Notion: {clients} clients of one tenant, fake Notion at 3 requests/s, sync rate {rate}/s")
        print(
            f"  worker killed after {killed_at:.1f} s with {created_at_kill} pages created; a second worker"
            f" finished: {elapsed:.1f} s wall in all ({clients / 3:.0f} s is the limit's floor,"
            f" ratio {elapsed / (clients / 3):.2f})"
        )
        print(
            f"  requests {requests} ({requests / clients:.2f} per client), 429 answered (over the limit):"
            f" {fake.state.over_limit}; pages {len(pages)}, distinct names {len(set(names))}"
        )
        assert len(pages) == len(set(names)) == clients, "a page was created twice or not at all"
        assert fake.state.over_limit == 0, "a request went over Notion's limit"


def bench_linear(superuser_url: str, tenants: int, per_tenant: int) -> None:
    """The Linear figures (see the module documentation)."""
    import psycopg

    from docflow.db import system_transaction
    from docflow.integrations import outbox, store
    from docflow.integrations.consumer import handle
    from docflow.integrations.outbox import SyncMessage
    from docflow_local.fake_linear import FakeLinear

    with FakeLinear(requests_per_second=1000) as fake:
        os.environ["LINEAR_API_URL"] = fake.url
        from docflow.config import reset_settings

        reset_settings()
        ids = [uuid.uuid4() for _ in range(tenants)]
        with psycopg.connect(superuser_url) as conn:
            for n, tenant in enumerate(ids):
                conn.execute("insert into public.tenants (id, name) values (%s, %s)", (tenant, f"Linear {n}"))
        for tenant in ids:
            space = fake.add_workspace()
            with system_transaction("bench.linear", tenant_id=str(tenant)) as conn:
                store.connect(
                    conn,
                    tenant_id=tenant,
                    provider="linear",
                    secret=space.api_key,
                    webhook_secret=space.webhook_secret,
                    external_account=space.organization_id,
                )
                conn.execute(
                    "update public.integrations set settings = jsonb_build_object('team_id', %s::text)"
                    " where tenant_id = %s and provider = 'linear'",
                    (space.teams[0]["id"], tenant),
                )
        with psycopg.connect(superuser_url) as conn:
            for tenant in ids:
                conn.execute(
                    "insert into public.receipts (tenant_id, status, failure_reason, object_key, size_bytes,"
                    " content_type, original_filename)"
                    " select %s, 'failed', 'unreadable', 'incoming/' || %s || '/' || n || '.jpg', 1000,"
                    " 'image/jpeg', 'k.jpg' from generate_series(1, %s) n",
                    (tenant, str(tenant), per_tenant),
                )
        messages: list[SyncMessage] = []

        def collect(_: str, batch: Any) -> set[int]:
            messages.extend(batch)
            return {m.outbox_id for m in batch}

        while outbox.drain(publish=collect):
            pass
        deliveries = [m for m in messages if m.provider == "linear"] * 2
        random.Random(15).shuffle(deliveries)
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=4) as pool:
            outcomes = list(pool.map(handle, deliveries))
        elapsed = time.perf_counter() - started
        issues = len(fake.state.issues)
        print(f"Linear: {tenants} tenants x {per_tenant} failed receipts, each delivered twice, 4 threads")
        print(
            f"  {len(deliveries)} deliveries in {elapsed:.1f} s: issues {issues},"
            f" issueCreate calls {fake.state.create_calls},"
            f" outcomes { {o: outcomes.count(o) for o in sorted(set(outcomes))} }"
        )
        assert issues == tenants * per_tenant, "not one issue per receipt"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--tenants", type=int, default=20)
    parser.add_argument("--receipts-per-tenant", type=int, default=10)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _worker_forever()
        return

    from moto.server import ThreadedMotoServer

    from docflow_local.environment import LOCAL_APP_PASSWORD, LocalPorts, apply_local_environment
    from docflow_local.postgres import EmbeddedPostgres, bootstrap_runtime_role, free_port

    port, s3 = free_port(), free_port()
    apply_local_environment(LocalPorts(api=0, postgres=port, s3=s3), environment="test")
    os.environ["LOG_LEVEL"] = "WARNING"
    data_dir = ROOT / ".local" / "bench" / f"integrations-{os.getpid()}"
    server = EmbeddedPostgres(data_dir=data_dir, port=port)
    server.start()
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=s3, verbose=False)
    moto.start()
    import logging

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    try:
        from docflow.db import close_pool
        from docflow.db.migrate import migrate
        from docflow.integrations.settings import get_integrations_settings
        from docflow_local.integrations import ensure_kms_key

        migrate(server.superuser_url, ROOT / "migrations")
        bootstrap_runtime_role(server.superuser_url, password=LOCAL_APP_PASSWORD)
        ensure_kms_key()
        bench_linear(server.superuser_url, args.tenants, args.receipts_per_tenant)
        bench_notion(server.superuser_url, args.clients, get_integrations_settings().notion_rate_per_second)
        close_pool()
    finally:
        moto.stop()
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()

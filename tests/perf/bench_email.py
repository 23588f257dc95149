"""The monthly report in a PostgreSQL of its own: the build time of one tenant's report with 10 000
receipts in the month (queries, chart, HTML, CSV; target < 1 s), then N tenants through the fake Resend
at Resend's real rate limit (5 requests per second): wall time, 429s answered, every tenant sent once.

    python -m tests.perf.bench_email                 # 1 000 tenants (about 200 s: 1 000 / 5 per second)
    python -m tests.perf.bench_email --tenants 100

Each tenant has one owner and a few receipts in the period. The run is then repeated, which must send
nothing. Prints the figures, asserts the exactly-once outcome.
"""

from __future__ import annotations

import argparse
import os
import shutil
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_GENERATE = """
insert into auth.users (id, email)
select md5('mail-user-' || t)::uuid, 'owner-' || t || '@bench.test' from generate_series(1, %(tenants)s) t;
insert into public.tenants (id, name)
select md5('mail-tenant-' || t)::uuid, 'Bench ' || t from generate_series(1, %(tenants)s) t;
insert into public.tenant_members (tenant_id, user_id, role)
select md5('mail-tenant-' || t)::uuid, md5('mail-user-' || t)::uuid, 'owner'
  from generate_series(1, %(tenants)s) t
"""


def _build_figure(superuser_url: str, receipts: int) -> None:
    """Build one tenant's October report (``receipts`` receipts in the month) five times; print the times."""
    import datetime as dt
    import statistics
    import uuid

    import psycopg

    from docflow.db import system_transaction
    from docflow.email.monthly import month_period
    from docflow.email.report import compose, load
    from docflow_local.finance_data import ReceiptSpec, VatLine, insert_receipts

    tenant = uuid.uuid4()
    specs = [
        ReceiptSpec(
            dt.date(2026, 10, 1 + i % 28),
            f"Kauppa {i % 50}",
            "12.55",
            [VatLine("25.5", "10.00", "2.55", "12.55")],
            category=("tarvikkeet", "matkat", "edustus")[i % 3],
        )
        for i in range(receipts)
    ]
    with psycopg.connect(superuser_url) as conn:
        conn.execute("insert into public.tenants (id, name) values (%s, 'Big Oy')", (tenant,))
        insert_receipts(conn, tenant, specs)
        conn.execute("analyze public.receipts")
    period = month_period("2026-10")
    times = []
    for _ in range(5):
        started = time.perf_counter()
        with system_transaction("bench.report", tenant_id=str(tenant)) as conn:
            data = load(conn, tenant, period)
        _, attachments = compose(data, "fi", "https://app.docflow.test")
        times.append(time.perf_counter() - started)
    with psycopg.connect(superuser_url) as conn:
        conn.execute("update public.tenants set monthly_report = false where id = %s", (tenant,))
    print(
        f"report of one tenant with {receipts} receipts: median {statistics.median(times) * 1000:.0f} ms,"
        f" max {max(times) * 1000:.0f} ms (target < 1000; CSV {len(attachments[1].content)} bytes)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=1000)
    parser.add_argument("--period", default="2026-10")
    parser.add_argument("--receipts", type=int, default=10_000, help="receipts of the one-tenant build")
    args = parser.parse_args()

    from docflow_local.environment import LOCAL_APP_PASSWORD, LocalPorts, apply_local_environment
    from docflow_local.postgres import EmbeddedPostgres, bootstrap_runtime_role, free_port

    port = free_port()
    apply_local_environment(LocalPorts(api=0, postgres=port, s3=free_port()), environment="test")
    os.environ["EMAIL_RATE_PER_SECOND"] = "5"
    data_dir = ROOT / ".local" / "bench" / f"email-{args.tenants}"
    shutil.rmtree(data_dir, ignore_errors=True)
    server = EmbeddedPostgres(data_dir=data_dir, port=port)
    server.start()
    try:
        import psycopg

        from docflow.config import get_settings, reset_settings
        from docflow.db import close_pool
        from docflow.db.migrate import migrate
        from docflow.email.monthly import month_period, run
        from docflow_local.fake_resend import FakeResend

        migrate(server.superuser_url, ROOT / "migrations")
        bootstrap_runtime_role(server.superuser_url, password=LOCAL_APP_PASSWORD)
        with psycopg.connect(server.superuser_url) as conn:
            for step in _GENERATE.split(";\n"):
                conn.execute(step, {"tenants": args.tenants})
        reset_settings()
        _build_figure(server.superuser_url, args.receipts)
        settings = get_settings()
        with FakeResend(api_key=settings.require("resend_api_key"), rate_per_second=5) as fake:
            os.environ["RESEND_BASE_URL"] = fake.url
            reset_settings()
            period = month_period(args.period)
            started = time.perf_counter()
            first = run(period)
            elapsed = time.perf_counter() - started
            again = run(period)
            recipients = {address for mail in fake.state.sent for address in mail["to"]}
            print(f"{args.tenants} tenants, period {period.label}, fake Resend at 5 requests/s")
            print(
                f"  first run: {elapsed:.1f} s wall ({args.tenants / 5:.0f} s is the rate limit's floor),"
                f" outcomes {first.outcomes}, errors {first.errors}"
            )
            print(
                f"  429 answered by the fake: {fake.state.rate_limited};"
                f" messages accepted: {len(fake.state.sent)}"
            )
            print(f"  rerun: outcomes {again.outcomes}, errors {again.errors}")
            assert first.outcomes == {"sent": args.tenants}
            assert len(fake.state.sent) == len(recipients) == args.tenants
            assert again.outcomes == {"already_sent": args.tenants}
        close_pool()
    finally:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()

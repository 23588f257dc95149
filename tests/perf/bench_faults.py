"""S3 and the outside services failing under load; the OCR process killed mid-document (a table, not
a test).

The local stack of ``bench_load`` (PostgreSQL, moto S3 with POST policies, the fake Supabase Auth,
every route group behind the local gateway) plus the fakes of Stripe, the model API and Resend. Two
processes load it for four phases of ``--phase`` seconds: ``bench_load``'s users (every GET route of
every group, writers also create clients) and probes of the operations that call out: a Checkout
Session (Stripe), an invitation (Resend, after the fake Supabase Auth), a question to the model
(``/ai/ask``), a receipt upload (API, then the presigned POST to S3, then processing). Phases:
``healthy``; ``500`` (S3's receipts bucket answers ``InternalError`` to every read and write but
browsers' uploads, so processing meets the fault; every fake answers 500); ``hang`` (S3, uploads
included, and every fake hold each request ``--hang`` seconds, longer than any client timeout);
``recovered``. After the load the scheduled queue drain runs once, as its schedule would.

Reported: per phase and operation the statuses and the slowest answer against the route's limit
(its function's timeout, at most API Gateway's 29 s); 5xx other than the documented 502/503
problems; the first success after the faults end; and what the database holds afterwards: receipts
whose original S3 accepted and that did not end read, receipts left ``processing``, Stripe customers
stored that Stripe does not know, invitations stored and what became of their mail, clients
acknowledged but not stored (or stored without a 201).

Then the OCR process killed mid-document: a receipt is uploaded (no notifications this time), a
child process runs the OCR function on its S3 event and is killed (SIGKILL) while Tesseract reads;
the same event is delivered again, as Lambda retries, until it is no longer refused as busy (the
dead run's claim holds ``RECEIPTS_LEASE_SECONDS``, 10 s here); reported: the deliveries, the time
to converge, the status history and the stored reading.

    .venv/bin/python -m tests.perf.bench_faults                   # 20 users, 4 phases of 40 s
    .venv/bin/python -m tests.perf.bench_faults --users 50 --phase 60
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import multiprocessing
import os
import shutil
import signal
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from tests.perf.bench_load import (
    ROOT,
    _pct,
    _serve,
    _stored_load_clients,
    _users,
    get_routes,
    group_of,
    idle_statuses,
    run_load,
)

#: The client gives up after this (longer than any route's limit, so a hang shows as one).
PROBE_TIMEOUT_SECONDS = 40.0
#: API Gateway's HTTP integration cut-off.
GATEWAY_SECONDS = 29.0
PHASES = ("healthy", "500", "hang", "recovered")
#: ``RECEIPTS_LEASE_SECONDS`` of the run: how long a dead OCR run's claim holds.
LEASE_SECONDS = 10
READ_STATUSES = frozenset({"processed", "needs_review"})


def _probe_requests(owner_a: dict[str, Any], owner_b: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"op": "stripe checkout", "user": owner_a, "path": "/api/v1/stripe/checkout-session"},
        {"op": "resend invitation", "user": owner_b, "path": "/api/users/invitations", "think": 4.0},
        {"op": "model ask", "user": owner_b, "path": "/api/v1/ai/ask"},
        {"op": "s3 upload", "user": owner_b, "path": "/api/v1/receipts/uploads"},
    ]


def _body(op: str, png_size: int) -> dict[str, Any]:
    if op == "stripe checkout":
        return {"plan": "pro"}
    if op == "resend invitation":
        return {"email": f"fault-{uuid.uuid4().hex[:10]}@example.com", "role": "member"}
    if op == "model ask":
        return {"question": "Paljonko kulut olivat viime kuussa?"}
    return {"files": [{"filename": "kuitti.png", "content_type": "image/png", "size_bytes": png_size}]}


async def _post_original(created: dict[str, Any], png: bytes) -> int | str:
    import httpx

    form = created["upload"]
    async with httpx.AsyncClient(timeout=PROBE_TIMEOUT_SECONDS) as s3:
        try:
            posted = await s3.post(form["url"], data=form["fields"], files={"file": ("k", png)})
        except httpx.HTTPError as exc:
            return type(exc).__name__
    return posted.status_code


async def _probe(
    base: str, probe: dict[str, Any], png: bytes, until: float, think: float
) -> list[dict[str, Any]]:
    import httpx

    user = probe["user"]
    headers = {"Authorization": f"Bearer {user['token']}", "X-Tenant-Id": user["tenant"]}
    records: list[dict[str, Any]] = []
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=PROBE_TIMEOUT_SECONDS) as client:
        while time.time() < until:
            started = time.time()
            body = _body(probe["op"], len(png))
            record: dict[str, Any] = {"op": probe["op"], "path": probe["path"], "at": started}
            if "email" in body:
                record["email"] = body["email"]
            try:
                response = await client.post(probe["path"], json=body)
                record["status"] = response.status_code
                if response.status_code >= 500:
                    record["code"] = response.json().get("code")
                if probe["op"] == "s3 upload" and response.status_code == 201:
                    created = response.json()["uploads"][0]
                    record["receipt_id"] = created["receipt_id"]
                    record["seconds"] = time.time() - started  # the API's answer; S3 is the browser's
                    record["s3_status"] = await _post_original(created, png)
            except (httpx.HTTPError, ValueError) as exc:
                record.setdefault("status", 0)
                record["error"] = type(exc).__name__
            record.setdefault("seconds", time.time() - started)
            records.append(record)
            await asyncio.sleep(think)
    return records


def run_probes(base: str, probes: list[dict[str, Any]], png: bytes, seconds: float, out: str) -> None:
    """The probe process: each operation in its own loop, one request at a time; records to ``out``."""

    async def main() -> list[dict[str, Any]]:
        until = time.time() + seconds
        batches = await asyncio.gather(*(_probe(base, p, png, until, p.get("think", 1.0)) for p in probes))
        return [record for batch in batches for record in batch]

    Path(out).write_text(json.dumps(asyncio.run(main())))


def _receipt_png() -> bytes:
    from tests.support.ocr_corpus import encode, render_receipt
    from tests.support.receipt_pipeline import RECEIPT_LINES

    return bytes(encode(render_receipt(RECEIPT_LINES), "PNG"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--phase", type=float, default=40, help="seconds of each of the four phases")
    parser.add_argument("--hang", type=float, default=45, help="seconds a hanging service holds a request")
    parser.add_argument("--think", type=float, default=0.5, help="mean seconds between a user's requests")
    args = parser.parse_args()

    from docflow_local.environment import LocalPorts, apply_local_environment
    from docflow_local.postgres import EmbeddedPostgres, free_port

    ports = LocalPorts(
        api=free_port(),
        postgres=free_port(),
        s3=free_port(),
        stripe=free_port(),
        openai=free_port(),
        resend=free_port(),
    )
    for name in ("DATABASE_URL", "S3_ENDPOINT_URL", "STRIPE_API_BASE", "OPENAI_BASE_URL", "RESEND_BASE_URL"):
        os.environ.pop(name, None)
    os.environ.update(
        LOG_LEVEL="CRITICAL",
        RECEIPTS_LEASE_SECONDS=str(LEASE_SECONDS),
        INVITATIONS_RATE_LIMIT_PER_TENANT="10000",
        AI_TOKENS_PER_DAY="50000000",
        RECEIPTS_UPLOAD_RATE_LIMIT_PER_USER="10000",
    )
    apply_local_environment(ports, environment="test")
    folder = Path(tempfile.mkdtemp(prefix="bench-faults-", dir=ROOT / ".local"))
    pg = EmbeddedPostgres(data_dir=folder / "pg", port=ports.postgres)
    pg.start()
    try:
        run(pg, ports, args, folder)
    finally:
        from docflow.db import close_pool

        close_pool()
        pg.stop(quiet=True)
        shutil.rmtree(folder, ignore_errors=True)


def run(pg: Any, ports: Any, args: argparse.Namespace, folder: Path) -> None:
    from docflow.config import get_settings
    from docflow_local.gateway import LocalGateway
    from docflow_local.stack import (
        local_openai,
        local_resend,
        local_s3,
        local_stripe,
        local_supabase_auth,
        prepare_database,
    )

    demo = prepare_database(pg, ROOT)
    png = _receipt_png()
    with local_supabase_auth(pg):
        server = None
        with (
            local_s3(ports) as s3,
            local_stripe(ports) as stripe,
            local_openai(ports) as model,
            local_resend(ports) as resend,
        ):
            server = _serve(LocalGateway(ROOT / "template.yaml"), ports.api)
            base = f"http://127.0.0.1:{ports.api}"
            users = _users(demo, args.users)
            owners = [u for u in users if u["kind"].endswith(":owner")]
            owner_a = owners[0]
            owner_b = next(u for u in owners if u["tenant"] != owner_a["tenant"])
            _subscribe(pg, owner_b["tenant"])
            routes = get_routes()
            baseline = idle_statuses(base, users, routes)
            total = args.phase * len(PHASES)
            spawn = multiprocessing.get_context("spawn")
            load_out, probe_out = str(folder / "load.json"), str(folder / "probes.json")
            load = spawn.Process(target=run_load, args=(base, users, routes, (total, args.think), load_out))
            probes = spawn.Process(
                target=run_probes, args=(base, _probe_requests(owner_a, owner_b), png, total, probe_out)
            )
            load.start()
            probes.start()
            windows = _run_phases(args, (s3, stripe, model, resend), "/" + get_settings().receipts_bucket)
            load.join()
            probes.join()
            time.sleep(2)
            drained = _drain_once()
            records = json.loads(Path(load_out).read_text())
            probe_records = json.loads(Path(probe_out).read_text())
            state = {**_database_state(pg, probe_records, stripe), "s3_faults": s3.faults.answered}
            stored = _stored_load_clients(pg)
        print(f"{args.users} users + 4 probes, 4 phases of {args.phase:.0f} s, hang {args.hang:.0f} s")
        report_load(records, baseline, users, windows, stored)
        report_probes(probe_records, windows)
        report_state(state, drained)
        kill_mid_ocr(pg, ports, png, owner_b)
        server.should_exit = True


def _subscribe(pg: Any, tenant: str) -> None:
    """Put ``tenant`` on the accountant plan (its limits leave room for the probes), without a
    Stripe customer: the other tenant, on the free plan, starts Checkouts."""
    import psycopg

    from docflow.billing.settings import get_billing_settings

    with psycopg.connect(pg.superuser_url) as conn:
        conn.execute(
            "insert into public.billing_subscriptions (tenant_id, price_id, status, current_period_end)"
            " values (%s, %s, 'active', now() + interval '30 days')",
            (tenant, get_billing_settings().stripe_price_accountant),
        )


def _run_phases(
    args: argparse.Namespace, services: tuple[Any, ...], bucket: str
) -> dict[str, tuple[float, float]]:
    """Switch the faults phase by phase; the window of each phase."""
    s3, stripe, model, resend = services
    windows: dict[str, tuple[float, float]] = {}
    for phase in PHASES:
        start = time.time()
        _clear(*services)
        if phase == "500":
            # the pipeline's reads fail; browsers' uploads still land, so processing meets the fault
            s3.faults.fail("500", path_prefix=bucket, methods=frozenset({"GET", "HEAD", "PUT", "DELETE"}))
            stripe.fail_next(*["500"] * 100_000)
            resend.fail_next(*["500"] * 100_000)
            model.fail_next(*[500] * 100_000)
        elif phase == "hang":
            s3.faults.fail("hang", path_prefix=bucket, hang_seconds=args.hang)
            for fake in (stripe, model, resend):
                fake.latency_seconds = args.hang
        time.sleep(max(0.0, start + args.phase - time.time()))
        windows[phase] = (start, time.time())
    _clear(*services)
    return windows


def _clear(s3: Any, stripe: Any, model: Any, resend: Any) -> None:
    s3.faults.clear()
    with stripe.lock:
        stripe.state.faults.clear()
    with resend.lock:
        resend.state.faults.clear()
    with model.lock:
        model._faults.clear()
    for fake in (stripe, model, resend):
        fake.latency_seconds = 0.0


def _drain_once() -> str:
    """The scheduled drain, as its schedule would run it once the faults are over."""
    from docflow_local.lambda_context import LocalLambdaContext
    from docflow_ocr.handler import handler

    try:
        result = handler({"docflow_job": "receipts.drain"}, LocalLambdaContext("ocr"))
    except Exception as exc:  # reported, not raised
        return f"raised {type(exc).__name__}"
    return str(dict(Counter(r["outcome"] for r in result["results"])))


@functools.cache
def _limit(path: str) -> float:
    """The route's limit: its function's timeout, at most API Gateway's cut-off."""
    from docflow_local.template import http_routes, load_template

    template = load_template(ROOT / "template.yaml")
    default = float(template.get("Globals", {}).get("Function", {}).get("Timeout", 3))
    for route in http_routes(template):
        if route.matches("POST", path):
            props = template["Resources"][route.function.logical_id]["Properties"]
            return min(GATEWAY_SECONDS, float(props.get("Timeout", default)))
    return GATEWAY_SECONDS


def _phase_of(at: float, windows: dict[str, tuple[float, float]]) -> str:
    for phase, (start, end) in windows.items():
        if start <= at < end:
            return phase
    return "after"


def report_load(
    records: list[dict[str, Any]],
    baseline: dict[tuple[str, str], int],
    users: list[dict[str, Any]],
    windows: dict[str, tuple[float, float]],
    stored: set[str],
) -> None:
    """bench_load's users per phase: errors, 5xx, latency; lost writes."""
    kinds = {u["id"]: u["kind"] for u in users}

    def expected(record: dict[str, Any]) -> int:
        return 201 if record["method"] == "POST" else baseline[(kinds[record["user"]], record["path"])]

    print("load across every route group (bench_load's users), per phase:")
    print(f"{'phase':<10} {'requests':>8} {'errors':>7} {'5xx':>5} {'p50 ms':>7} {'p95 ms':>7} {'max s':>6}")
    by_phase: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        by_phase[_phase_of(record["at"], windows)].append(record)
    for phase in (*PHASES, "after"):
        items = by_phase.get(phase, [])
        if not items:
            continue
        errors = sum(1 for r in items if r["status"] != expected(r))
        fives = sum(1 for r in items if r["status"] >= 500 or r["status"] == 0)
        ms = [r["seconds"] * 1000 for r in items]
        print(
            f"{phase:<10} {len(items):>8} {errors:>7} {fives:>5} {_pct(ms, 0.5):>7.0f}"
            f" {_pct(ms, 0.95):>7.0f} {max(ms) / 1000:>6.1f}"
        )
    wrong = Counter((group_of(r["path"]), r["status"]) for r in records if r["status"] != expected(r))
    if wrong:
        print(f"  unexpected (group, status): {dict(wrong)}")
    print(f"  cross-tenant responses: {sum(1 for r in records if r['leak'])}")
    acknowledged = {r["client_id"] for r in records if "client_id" in r}
    print(
        f"  clients: {len(acknowledged)} acknowledged, {len(acknowledged - stored)} lost, "
        f"{len(stored - acknowledged)} stored without a 201"
    )


def report_probes(records: list[dict[str, Any]], windows: dict[str, tuple[float, float]]) -> None:
    """The operations that call out, per phase: statuses, the slowest answer, recovery."""
    print("operations that call out, per phase: statuses, slowest answer / the route's limit:")
    limits = {r["op"]: _limit(r["path"]) for r in records}
    grouped: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        grouped[(record["op"], _phase_of(record["at"], windows))].append(record)
    for op in sorted(limits):
        for phase in (*PHASES, "after"):
            items = grouped.get((op, phase), [])
            if not items:
                continue
            statuses = Counter(f"{r['status']}{'/' + r['code'] if r.get('code') else ''}" for r in items)
            extra = ""
            if op == "s3 upload":
                extra = f"; S3 POST {dict(Counter(str(r.get('s3_status', '-')) for r in items))}"
            slowest = max(r["seconds"] for r in items)
            print(f"  {op:<17} {phase:<9} {dict(statuses)} slowest {slowest:.1f}/{limits[op]:.0f} s{extra}")
    bad = [r for r in records if r["status"] == 0 or (r["status"] >= 500 and r["status"] not in {502, 503})]
    late = [r for r in records if r["seconds"] > limits[r["op"]]]
    print(f"  5xx other than 502/503, or no answer: {len(bad)} {dict(Counter(r['op'] for r in bad))}")
    print(f"  answers past the route's limit: {len(late)} {dict(Counter(r['op'] for r in late))}")
    start, _ = windows["recovered"]
    for op in sorted(limits):
        first = min(
            (
                r["at"] + r["seconds"]
                for r in records
                if r["op"] == op and r["at"] >= start and r["status"] < 300
            ),
            default=None,
        )
        after = "never" if first is None else f"{first - start:.1f} s"
        print(f"  {op}: first success {after} after the faults ended")


def _database_state(pg: Any, probes: list[dict[str, Any]], stripe: Any) -> dict[str, Any]:
    import psycopg
    from psycopg.rows import dict_row

    accepted = [r["receipt_id"] for r in probes if r.get("s3_status") in {200, 201, 204}]
    refused = [r["receipt_id"] for r in probes if "receipt_id" in r and r["receipt_id"] not in accepted]
    answers = {r["email"]: r["status"] for r in probes if "email" in r}
    with psycopg.connect(pg.superuser_url, row_factory=dict_row) as conn:
        statuses = conn.execute(
            "select status, failure_reason, count(*) as n from public.receipts where id = any(%s::uuid[])"
            " group by 1, 2",
            (accepted,),
        ).fetchall()
        refused_statuses = conn.execute(
            "select status, count(*) as n from public.receipts where id = any(%s::uuid[]) group by 1",
            (refused,),
        ).fetchall()
        counts = conn.execute(
            """
            select (select count(*) from public.receipts where status = 'processing') as processing,
                   (select count(*) from (select receipt_id, rate from public.receipt_vat_rows
                                           group by 1, 2 having count(*) > 1) d) as duplicated,
                   (select count(*) from app_private.receipt_jobs) as jobs
            """
        ).fetchone()
        retried = conn.execute(
            "select count(distinct receipt_id) as n from public.receipt_status_history"
            " where to_status = 'failed' and receipt_id = any(%s::uuid[])",
            (accepted,),
        ).fetchone()
        customers = conn.execute(
            "select stripe_customer_id from public.billing_subscriptions where stripe_customer_id is not null"
        ).fetchall()
        invitations = conn.execute(
            "select i.email, coalesce(string_agg(e.status, ','), 'no mail') as mail"
            " from public.tenant_invitations i left join public.email_sends e"
            " on e.kind = 'invitation' and e.recipient = i.email"
            " where i.email like 'fault-%%' group by i.email"
        ).fetchall()
    with stripe.lock:
        known = set(stripe.state.customers)
    assert counts is not None
    return {
        "accepted": len(accepted),
        "accepted_statuses": {
            f"{r['status']}{'/' + r['failure_reason'] if r['failure_reason'] else ''}": r["n"]
            for r in statuses
        },
        "refused": len(refused),
        "refused_statuses": {r["status"]: r["n"] for r in refused_statuses},
        **counts,
        "retried": retried["n"] if retried else 0,
        "customers": len(customers),
        "unknown_customers": sum(1 for r in customers if r["stripe_customer_id"] not in known),
        "invited": sum(1 for status in answers.values() if status == 201),
        "stored_invitations": dict(Counter(f"{answers.get(r['email'])}:{r['mail']}" for r in invitations)),
    }


def report_state(state: dict[str, Any], drained: str) -> None:
    """What the database holds after the faults (and one scheduled drain)."""
    print(f"database afterwards (the scheduled drain ran once: {drained}):")
    print(
        f"  receipts whose original S3 accepted: {state['accepted']}, now {state['accepted_statuses']};"
        f" refused by S3: {state['refused']}, now {state['refused_statuses']}"
    )
    print(
        f"  of them failed transiently on the way (S3 faults) and read later: {state['retried']};"
        f" S3 requests answered with a fault: {state['s3_faults']}"
    )
    print(
        f"  left processing: {state['processing']}; duplicated VAT rows: {state['duplicated']};"
        f" queued jobs left: {state['jobs']}"
    )
    print(f"  Stripe customers stored: {state['customers']}, unknown to Stripe: {state['unknown_customers']}")
    print(
        f"  invitations answered 201: {state['invited']}; stored, as answer:mail:"
        f" {state['stored_invitations']}"
    )


def _ocr_child(event: dict[str, Any]) -> None:
    """The OCR function on one S3 event, in a process of its own (the one that gets killed)."""
    from docflow_local.lambda_context import LocalLambdaContext
    from docflow_ocr.handler import handler

    handler(event, LocalLambdaContext("ocr"))


def kill_mid_ocr(pg: Any, ports: Any, png: bytes, owner: dict[str, Any]) -> None:
    """Upload a receipt without notifications, kill the OCR run on it mid-read, deliver again."""
    import httpx
    import psycopg
    from psycopg.rows import dict_row

    from docflow.aws.clients import reset_clients
    from docflow.config import get_settings
    from docflow_local.s3_policy import PolicyCheckingMotoServer
    from tests.support.receipt_pipeline import s3_event

    reset_clients()
    # the local S3 again, without the notification poller (moto keeps the bucket in this process)
    s3 = PolicyCheckingMotoServer(ip_address="127.0.0.1", port=ports.s3, verbose=False)
    s3.start()
    bucket = get_settings().receipts_bucket
    created = httpx.post(
        f"http://127.0.0.1:{ports.api}/api/v1/receipts/uploads",
        json={"files": [{"filename": "kuitti.png", "content_type": "image/png", "size_bytes": len(png)}]},
        headers={"Authorization": f"Bearer {owner['token']}", "X-Tenant-Id": owner["tenant"]},
        timeout=30,
    ).json()["uploads"][0]
    form = created["upload"]
    posted = httpx.post(form["url"], data=form["fields"], files={"file": ("k", png)}, timeout=30)
    assert posted.status_code in {200, 201, 204}, posted.text
    receipt_id, key = created["receipt_id"], form["fields"]["key"]
    event = s3_event(key, sequencer="0000000000000001", bucket=bucket, size=len(png))

    def receipt() -> dict[str, Any]:
        with psycopg.connect(pg.superuser_url, row_factory=dict_row) as conn:
            row = conn.execute(
                "select status, content_hash, total, attempts from public.receipts where id = %s",
                (receipt_id,),
            ).fetchone()
        assert row is not None
        return row

    spawn = multiprocessing.get_context("spawn")
    child = spawn.Process(target=_ocr_child, args=(event,))
    child.start()
    while receipt()["content_hash"] is None and child.is_alive():
        time.sleep(0.02)
    time.sleep(0.3)  # into the read step: the original is hashed, Tesseract runs
    at_kill = receipt()
    assert child.pid is not None
    os.kill(child.pid, signal.SIGKILL)
    child.join()
    killed = time.time()
    deliveries: list[str] = []
    while len(deliveries) < 30:  # Lambda's retries of the same event
        retry = spawn.Process(target=_ocr_child, args=(event,))
        retry.start()
        retry.join()
        state = receipt()
        deliveries.append(f"exit {retry.exitcode}: {state['status']}")
        if state["status"] in {*READ_STATUSES, "failed"}:
            break
        time.sleep(2)
    converged = time.time() - killed
    with psycopg.connect(pg.superuser_url, row_factory=dict_row) as conn:
        history = conn.execute(
            "select from_status, to_status from public.receipt_status_history"
            " where receipt_id = %s order by id",
            (receipt_id,),
        ).fetchall()
        rows = conn.execute(
            "select rate, gross from public.receipt_vat_rows where receipt_id = %s order by rate",
            (receipt_id,),
        ).fetchall()
        jobs = conn.execute(
            "select count(*) as n from app_private.receipt_jobs where receipt_id = %s", (receipt_id,)
        ).fetchone()
    final = receipt()
    assert jobs is not None
    print("OCR process killed mid-document:")
    print(
        f"  at the kill: {at_kill['status']}, original hashed, total {at_kill['total']};"
        f" the child's exit code {child.exitcode}"
    )
    print(f"  deliveries after it: {Counter(deliveries)}; converged {converged:.1f} s after the kill")
    print(
        f"  final: {final['status']}, total {final['total']}, claims {final['attempts']},"
        f" jobs left {jobs['n']}"
    )
    print(f"  history: {[(h['from_status'], h['to_status']) for h in history]}")
    print(f"  VAT rows: {[(str(r['rate']), str(r['gross'])) for r in rows]}")
    s3.stop()
    reset_clients()


if __name__ == "__main__":
    main()

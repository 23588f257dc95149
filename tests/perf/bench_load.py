"""Load with the database killed in the middle (a table, not a test).

The local stack runs in this process: PostgreSQL, moto S3 (POST policies enforced), the fake
Supabase Auth and every route group of ``template.yaml`` behind the local gateway on uvicorn. A
separate process (its own interpreter, so the load does not share the server's GIL) runs ``--users``
users of both demo tenants in every role for ``--seconds``: each user loops over every GET route of
every group without path parameters, and writers also create a client, with ``--think`` seconds
between requests. Halfway through, PostgreSQL is stopped (fast shutdown: every connection is cut)
for ``--outage`` seconds and started again.

Reported: per route group the requests, errors (a status other than the one the same user got for
the same route on the idle stack), 5xx and p50/p95; during the outage the statuses and the slowest
answer (none may hang past the client timeout); the time from the restart to the first success;
cross-tenant rows (a response of one tenant's user naming the other tenant's id or canary client);
and writes: every client acknowledged 201 must be in the database, and none may exist that was not.

    .venv/bin/python -m tests.perf.bench_load                      # 50 users, 300 s, 15 s outage
    .venv/bin/python -m tests.perf.bench_load --seconds 60 --outage 10
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import shutil
import statistics
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CLIENT_TIMEOUT_SECONDS = 15.0


def get_routes() -> list[str]:
    """Every GET route of the template without path parameters (the public and admin ones too)."""
    from docflow_local.template import http_routes, load_template

    paths = {
        route.path
        for route in http_routes(load_template(ROOT / "template.yaml"))
        if route.method in {"GET", "ANY"} and "{" not in route.path
    }
    return sorted(paths)


def group_of(path: str) -> str:
    """The route group a path belongs to (for the table)."""
    parts = [p for p in path.split("/") if p and p not in {"api", "v1"}]
    return parts[0] if parts else "health"


async def _user(
    base: str, user: dict[str, Any], routes: list[str], *, until: float, think: float, seed: int
) -> list[dict[str, Any]]:
    import httpx

    rng = random.Random(seed)
    records: list[dict[str, Any]] = []
    headers = {"Authorization": f"Bearer {user['token']}", "X-Tenant-Id": user["tenant"]}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=CLIENT_TIMEOUT_SECONDS) as client:
        while time.time() < until:
            write = user["writer"] and rng.random() < 0.1
            path = "/api/v1/clients" if write else rng.choice(routes)
            started = time.time()
            name = f"Load {uuid.uuid4().hex[:12]}"
            try:
                if write:
                    response = await client.post(path, json={"name": name})
                else:
                    response = await client.get(path)
                status, text = response.status_code, response.text
            except httpx.HTTPError as exc:
                status, text = 0, type(exc).__name__
            record: dict[str, Any] = {
                "user": user["id"],
                "tenant": user["tenant"],
                "method": "POST" if write else "GET",
                "path": path,
                "status": status,
                "at": started,
                "seconds": time.time() - started,
                "leak": user["other_tenant"] in text or user["other_canary"] in text,
            }
            if write and status == 201:
                record["client_id"] = json.loads(text)["id"]
            records.append(record)
            await asyncio.sleep(rng.uniform(0, 2 * think))
    return records


def run_load(
    base: str, users: list[dict[str, Any]], routes: list[str], timing: tuple[float, float], out: str
) -> None:
    """The load process: every user as an asyncio task; the records go to ``out`` as JSON."""

    seconds, think = timing

    async def main() -> list[dict[str, Any]]:
        until = time.time() + seconds
        tasks = [_user(base, user, routes, until=until, think=think, seed=n) for n, user in enumerate(users)]
        return [record for batch in await asyncio.gather(*tasks) for record in batch]

    Path(out).write_text(json.dumps(asyncio.run(main())))


def idle_statuses(base: str, users: list[dict[str, Any]], routes: list[str]) -> dict[tuple[str, str], int]:
    """What each distinct (tenant, role) gets for each route on the idle stack."""
    import httpx

    seen: dict[tuple[str, str], int] = {}
    for user in users:
        headers = {"Authorization": f"Bearer {user['token']}", "X-Tenant-Id": user["tenant"]}
        for path in routes:
            key = (user["kind"], path)
            if key not in seen:
                seen[key] = httpx.get(
                    base + path, headers=headers, timeout=CLIENT_TIMEOUT_SECONDS
                ).status_code
    return seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--outage", type=float, default=15, help="seconds PostgreSQL is down (0: none)")
    parser.add_argument("--think", type=float, default=0.5, help="mean seconds between a user's requests")
    args = parser.parse_args()

    from docflow_local.environment import LocalPorts, apply_local_environment
    from docflow_local.postgres import EmbeddedPostgres, free_port

    ports = LocalPorts(api=free_port(), postgres=free_port(), s3=free_port())
    for name in ("DATABASE_URL", "S3_ENDPOINT_URL"):
        os.environ.pop(name, None)
    os.environ["LOG_LEVEL"] = "CRITICAL"
    apply_local_environment(ports, environment="test")
    folder = Path(tempfile.mkdtemp(prefix="bench-load-", dir=ROOT / ".local"))
    pg = EmbeddedPostgres(data_dir=folder / "pg", port=ports.postgres)
    pg.start()
    try:
        run(pg, ports, args, folder)
    finally:
        from docflow.db import close_pool

        close_pool()
        pg.stop(quiet=True)
        shutil.rmtree(folder, ignore_errors=True)


def _users(demo: Any, count: int) -> list[dict[str, Any]]:
    from docflow.auth import mint_token
    from docflow.config import get_settings
    from docflow.tenancy import Role

    settings = get_settings()
    tenants = sorted({str(u.tenant_id) for u in demo.users})
    people = [u for u in demo.users if str(u.tenant_id) in tenants]
    users = []
    for n in range(count):
        person = people[n % len(people)]
        tenant = str(person.tenant_id)
        other = next(t for t in tenants if t != tenant)
        token = mint_token(
            secret=settings.require("jwt_secret"),
            issuer=settings.jwt_issuer,
            user_id=person.user_id,
            email=person.email,
            expires_in=3600,
        )
        users.append(
            {
                "id": n,
                "tenant": tenant,
                "kind": f"{tenant}:{person.role.value}",
                "token": token,
                "writer": person.role in {Role.OWNER, Role.ADMIN, Role.MEMBER},
                "other_tenant": other,
                "other_canary": f"Canary {other}",
            }
        )
    return users


def _serve(gateway: Any, port: int) -> Any:
    import uvicorn

    from docflow_local.stack import server_config

    server = uvicorn.Server(server_config(gateway, port))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    return server


def run(pg: Any, ports: Any, args: argparse.Namespace, folder: Path) -> None:
    import httpx

    from docflow_local.gateway import LocalGateway
    from docflow_local.stack import local_s3, local_supabase_auth, prepare_database

    demo = prepare_database(pg, ROOT)
    with local_s3(ports), local_supabase_auth(pg):
        server = _serve(LocalGateway(ROOT / "template.yaml"), ports.api)
        base = f"http://127.0.0.1:{ports.api}"
        users = _users(demo, args.users)
        owners = {u["tenant"]: u for u in users if u["kind"].endswith(":owner")}
        for tenant, owner in owners.items():  # a canary client per tenant, named after it
            created = httpx.post(
                base + "/api/v1/clients",
                json={"name": f"Canary {tenant}"},
                headers={"Authorization": f"Bearer {owner['token']}", "X-Tenant-Id": tenant},
                timeout=CLIENT_TIMEOUT_SECONDS,
            )
            assert created.status_code == 201, created.text
        routes = get_routes()
        baseline = idle_statuses(base, users, routes)
        out = str(folder / "records.json")
        load = multiprocessing.get_context("spawn").Process(
            target=run_load, args=(base, users, routes, (args.seconds, args.think), out)
        )
        started = time.time()
        load.start()
        down = up = None
        if args.outage > 0:
            time.sleep(args.seconds / 2)
            down = time.time()
            pg.stop(quiet=True)
            time.sleep(args.outage)
            pg.start()
            up = time.time()
        load.join()
        server.should_exit = True
        records = json.loads(Path(out).read_text())
        stored = _stored_load_clients(pg)
    report(records, baseline, users, window=(started, down, up), stored=stored, args=args)


def _stored_load_clients(pg: Any) -> set[str]:
    import psycopg

    with psycopg.connect(pg.superuser_url) as conn:
        rows = conn.execute("select id::text from public.clients where name like 'Load %'").fetchall()
    return {row[0] for row in rows}


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(q * len(ordered)) - 1)] if ordered else float("nan")


def report(
    records: list[dict[str, Any]],
    baseline: dict[tuple[str, str], int],
    users: list[dict[str, Any]],
    *,
    window: tuple[float, float | None, float | None],
    stored: set[str],
    args: argparse.Namespace,
) -> None:
    started, down, up = window
    kinds = {u["id"]: u["kind"] for u in users}

    def expected(record: dict[str, Any]) -> int:
        if record["method"] == "POST":
            return 201
        return baseline[(kinds[record["user"]], record["path"])]

    outage = [r for r in records if down is not None and up is not None and down <= r["at"] < up]
    # requests in flight when the database went down, and the first after it came back
    edges = [
        r
        for r in records
        if down is not None
        and up is not None
        and r not in outage
        and (r["at"] < down < r["at"] + r["seconds"] or up <= r["at"] < up + 10)
    ]
    steady = [r for r in records if r not in outage and r not in edges]
    print(f"{args.users} users, {args.seconds:.0f} s, think {args.think} s; {len(records)} requests")
    print("outside the outage (and the requests in flight at its edges):")
    print(f"{'group':<14} {'requests':>8} {'errors':>7} {'5xx':>5} {'p50 ms':>8} {'p95 ms':>8}")
    by_group: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in steady:
        by_group[group_of(record["path"])].append(record)
    for group, items in sorted(by_group.items()):
        errors = sum(1 for r in items if r["status"] != expected(r))
        fives = sum(1 for r in items if r["status"] >= 500 or r["status"] == 0)
        seconds = [r["seconds"] * 1000 for r in items]
        p50, p95 = statistics.median(seconds), _pct(seconds, 0.95)
        print(f"{group:<14} {len(items):>8} {errors:>7} {fives:>5} {p50:>8.0f} {p95:>8.0f}")
    errors = sum(1 for r in steady if r["status"] != expected(r))
    fives = sum(1 for r in steady if r["status"] >= 500 or r["status"] == 0)
    share = 100 * errors / max(1, len(steady))
    print(f"all outside the outage: {errors} errors ({share:.2f} %), {fives} 5xx")
    print(f"cross-tenant responses: {sum(1 for r in records if r['leak'])}")
    if down is not None and up is not None:
        statuses = Counter(r["status"] for r in outage)
        slowest = max((r["seconds"] for r in outage), default=0.0)
        print(f"outage {up - down:.1f} s from t+{down - started:.0f} s: {len(outage)} requests")
        print(f"  statuses {dict(statuses)}")
        print(f"  slowest answer {slowest:.2f} s (client timeout {CLIENT_TIMEOUT_SECONDS:.0f} s)")
        after = sorted(
            (
                r
                for r in records
                if r["at"] >= up
                and r["status"] == expected(r)
                and r["status"] < 300
                and group_of(r["path"]) not in {"health"}
            ),
            key=lambda r: r["at"],
        )
        if after:
            first = after[0]["at"] + after[0]["seconds"] - up
            print(f"  first database success {first:.2f} s after the restart")
        edge_statuses = Counter(r["status"] for r in edges if r["status"] != expected(r))
        print(f"  in flight at the stop or within 10 s of the restart: {len(edges)} requests,")
        print(f"  unexpected statuses among them {dict(edge_statuses)}")
    acknowledged = {r["client_id"] for r in records if "client_id" in r}
    print(
        f"writes: {len(acknowledged)} clients acknowledged, {len(acknowledged - stored)} of them lost, "
        f"{len(stored - acknowledged)} stored without a 201 (answered 5xx or cut while committing)"
    )


if __name__ == "__main__":
    main()

"""The authenticated request on the local stack: latency one at a time and throughput at 50 clients,
each as a ratio to ``/health`` measured in the same run.

A migrated, seeded PostgreSQL is started for the run and every route group is served by one uvicorn
(``docflow_local.gateway``, as ``make dev``) in its own process; the client is a minimal keep-alive
HTTP/1.1 client on asyncio, so that it costs the server's two cores as little as possible. Also prints
the database round trips one request makes (libpq's protocol trace of the pooled connections).

Run with ``python -m tests.perf.bench_request`` (``BENCH_SECONDS``, ``BENCH_CLIENTS``); prints a
table, asserts nothing.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from tests.perf.bench_cold_start import (
    _LOCAL_SECRETS,
    _PARAMETERS,
    ROOT,
    function_environment,
    local_database,
)

SINGLE_REQUESTS = int(os.environ.get("BENCH_SINGLE", "400"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "4"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "50"))

SERVER = """
import sys, uvicorn
from pathlib import Path
from docflow_local.gateway import LocalGateway
uvicorn.run(LocalGateway(Path(sys.argv[1])), host="127.0.0.1", port=int(sys.argv[2]), log_level="warning",
            access_log=False)
"""


@dataclass(frozen=True)
class Route:
    """One request to time: a name, its path and whether it needs the tenant header."""

    name: str
    path: str
    tenant: bool = False


ROUTES = (
    Route("/health", "/health"),
    Route("/api/auth/me", "/api/auth/me"),
    Route("receipts list", "/api/v1/receipts?limit=20", tenant=True),
    Route("clients search", "/api/v1/clients?q=oy&limit=20", tenant=True),
)


def request_bytes(route: Route, token: str, tenant_id: str) -> bytes:
    headers = [f"GET {route.path} HTTP/1.1", "Host: 127.0.0.1", "Accept: application/json"]
    if route.path != "/health":
        headers.append(f"Authorization: Bearer {token}")
    if route.tenant:
        headers.append(f"X-Tenant-Id: {tenant_id}")
    return ("\r\n".join(headers) + "\r\n\r\n").encode()


async def exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> int:
    """Send one request on a kept-alive connection and read the whole response; its status."""
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    length = next(int(line.split(":", 1)[1]) for line in lines if line.lower().startswith("content-length:"))
    body = await reader.readexactly(length)
    status = int(lines[0].split()[1])
    if status != 200:
        raise RuntimeError(f"{status}: {body[:300]!r}")
    return status


async def one_at_a_time(port: int, request: bytes, count: int) -> list[float]:
    """Seconds per request, one client, sequential."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    timings: list[float] = []
    try:
        for _ in range(count):
            started = time.perf_counter()
            status = await exchange(reader, writer, request)
            timings.append(time.perf_counter() - started)
            if status != 200:
                raise RuntimeError(f"status {status}")
    finally:
        writer.close()
    return timings


async def concurrent(port: int, request: bytes, clients: int, seconds: float) -> float:
    """Requests per second served to ``clients`` kept-alive clients for ``seconds``."""
    deadline = time.perf_counter() + seconds
    done = 0

    async def client() -> None:
        nonlocal done
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while time.perf_counter() < deadline:
                if await exchange(reader, writer, request) != 200:
                    raise RuntimeError("not 200 under load")
                done += 1
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return done / (time.perf_counter() - started)


@contextmanager
def local_api(env: Mapping[str, str]) -> Iterator[int]:
    from docflow_local.postgres import free_port

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(ROOT / "template.yaml"), str(port)], env=dict(env), cwd=ROOT
    )
    try:
        for _ in range(600):
            try:
                asyncio.run(_probe(port))
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("the local API did not start")
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


async def _probe(port: int) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    await exchange(reader, writer, request_bytes(ROUTES[0], "", ""))
    writer.close()


def round_trips(env: Mapping[str, str], token: str, tenant_id: str) -> dict[str, int]:
    """Database round trips of one warm request per route (a child process traces libpq)."""
    code = f"""
import json, os, sys, tempfile
from fastapi.testclient import TestClient
from docflow_local.gateway import LocalGateway
from pathlib import Path
import psycopg
gateway = LocalGateway(Path({str(ROOT / "template.yaml")!r}))
client = TestClient(gateway)
routes = {[(r.name, r.path, r.tenant) for r in ROUTES]!r}
headers = {{"Authorization": "Bearer " + {token!r}}}
counts = {{}}
original = psycopg.Connection.connect.__func__
traced_connections = []
def traced(cls, *args, **kwargs):
    conn = original(cls, *args, **kwargs)
    traced_connections.append(conn)
    return conn
psycopg.Connection.connect = classmethod(traced)
def start_traces():
    files = []
    for conn in traced_connections:
        handle = tempfile.TemporaryFile("w+")
        conn.pgconn.trace(handle.fileno())
        conn.pgconn.set_trace_flags(psycopg.pq.Trace.SUPPRESS_TIMESTAMPS)
        files.append((conn, handle))
    return files
def round_trips(files):
    total = 0
    for conn, handle in files:
        conn.pgconn.untrace()  # flushes libpq's buffer
        handle.seek(0)
        lines = [line.rstrip().split("\\t") for line in handle if line.startswith("F\\t")]
        total += sum(1 for fields in lines if fields[2] in ("Sync", "Query"))
        if os.environ.get("BENCH_TRACE"):
            handle.seek(0)
            sys.stderr.write(handle.read())
    return total
for name, path, tenant in routes:
    extra = {{"X-Tenant-Id": {tenant_id!r}}} if tenant else {{}}
    for _ in range(2):
        assert client.get(path, headers={{**headers, **extra}}).status_code == 200
    files = start_traces()
    client.get(path, headers={{**headers, **extra}})
    counts[name] = round_trips(files)
print(json.dumps(counts))
"""
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "BENCH_TRACE": os.environ.get("BENCH_TRACE", "")},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    if os.environ.get("BENCH_TRACE"):
        print(out.stderr, file=sys.stderr)
    counts: dict[str, int] = json.loads(out.stdout.strip().splitlines()[-1])
    return counts


def main() -> None:
    from docflow_local.seed import demo_id
    from docflow_local.template import load_template

    tenant_id = str(demo_id("tenant:demo-oy"))
    with local_database() as (database_url, token):
        template = load_template(ROOT / "template.yaml")
        secrets_ = {**_LOCAL_SECRETS, "DATABASE_URL": database_url, "SENTRY_DSN": ""}
        env = {
            **function_environment(template, "AuthFunction", secrets_),
            "POWERTOOLS_METRICS_DISABLED": "true",
            "SUPABASE_URL": _PARAMETERS["SupabaseUrl"],
            # As many connections as the server's worker threads (anyio's default, 40): a tenant route
            # holds its connection across two thread hops, so a smaller pool can starve them all.
            "DB_POOL_MAX_SIZE": "40",
        }
        env.pop("AWS_LAMBDA_FUNCTION_NAME", None)
        trips = round_trips(env, token, tenant_id)
        rows: dict[str, tuple[float, float, float]] = {}
        with local_api(env) as port:
            for route in ROUTES:
                request = request_bytes(route, token, tenant_id)
                asyncio.run(one_at_a_time(port, request, 50))  # warm the pool and the JWKS/verifier
                timings = asyncio.run(one_at_a_time(port, request, SINGLE_REQUESTS))
                p50 = statistics.median(timings) * 1000
                p95 = statistics.quantiles(timings, n=20)[-1] * 1000
                rps = asyncio.run(concurrent(port, request, CLIENTS, SECONDS))
                rows[route.name] = (p50, p95, rps)
    health_p50, _, health_rps = rows["/health"]
    print(f"one at a time ({SINGLE_REQUESTS} requests) and {CLIENTS} clients for {SECONDS:.0f} s, same run")
    print(
        f"{'request':<16} {'p50 ms':>7} {'p95 ms':>7} {'x health':>9} "
        f"{'req/s':>7} {'x health':>9} {'db trips':>9}"
    )
    for name, (p50, p95, rps) in rows.items():
        print(
            f"{name:<16} {p50:>7.2f} {p95:>7.2f} {p50 / health_p50:>9.2f} {rps:>7.0f} "
            f"{rps / health_rps:>9.2f} {trips.get(name, 0):>9}"
        )
    print(json.dumps({"rows": rows, "round_trips": trips}), file=sys.stderr)


if __name__ == "__main__":
    main()

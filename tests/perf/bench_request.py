"""The authenticated request on the local stack: latency one at a time and throughput at 50 clients,
each as a ratio to ``/health`` measured in the same run.

A migrated, seeded PostgreSQL is started for the run and every route group is served by one uvicorn
(``docflow_local.gateway``, as ``make dev``) in its own process; the client is a minimal keep-alive
HTTP/1.1 client on asyncio, so that it costs the server's two cores as little as possible. Also prints
the database round trips one request makes (libpq's protocol trace of the pooled connections) and the
server process's CPU time per request (``/proc``; steadier than wall time on a busy machine).
``BENCH_ROUTES`` (comma-separated names, ``/health`` always included) limits the run to some routes.

The lead capture is the public contact form: each request comes from a new sender (a new e-mail
address), so each one is stored as a new lead rather than answered as a repeat; the per-address
rate limit is raised for the run (every request comes from 127.0.0.1).

Each concurrent run follows ``BENCH_WARMUP_SECONDS`` (1 s) of the same load, unmeasured: the
connection pool grows to the load one connection at a time, as a running service's pool already has.

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
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.perf.bench_cold_start import (
    _LOCAL_SECRETS,
    _PARAMETERS,
    ROOT,
    function_environment,
    local_database,
)

SINGLE_REQUESTS = int(os.environ.get("BENCH_SINGLE", "400"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "4"))
#: Unmeasured load before each concurrent run: the connection pool grows to the load (one connection
#: at a time, a few milliseconds each) as a running service's pool already has.
WARMUP_SECONDS = float(os.environ.get("BENCH_WARMUP_SECONDS", "1"))
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
    """One request to time: a name, its path, whether it needs the tenant header, and for a POST the
    JSON body of its n-th request (``None``: a GET, authenticated unless it is ``/health``)."""

    name: str
    path: str
    tenant: bool = False
    body: Callable[[int], dict[str, object]] | None = None

    @property
    def status(self) -> int:
        """The answer every request must get."""
        return 202 if self.body is not None else 200


def lead_form(n: int) -> dict[str, object]:
    """The demo tenant's contact form, sent by the n-th new sender of the run."""
    from docflow_local.seed import lead_form_key

    return {
        "form_key": str(lead_form_key("demo-oy")),
        "name": "Maija Meikäläinen",
        "email": f"sender-{os.getpid()}-{n}@example.com",
        "company": "Esimerkki Oy",
        "message": "Tarvitsemme kirjanpitäjän kuitteja varten.",
        "consent": True,
    }


ROUTES = (
    Route("/health", "/health"),
    Route("/api/auth/me", "/api/auth/me"),
    Route("receipts list", "/api/v1/receipts?limit=20", tenant=True),
    Route("clients search", "/api/v1/clients?q=oy&limit=20", tenant=True),
    Route("lead capture", "/api/leads", body=lead_form),
)

RequestMaker = Callable[[], bytes]


def request_maker(route: Route, token: str, tenant_id: str) -> RequestMaker:
    """The bytes of the route's next request: the same every time for a GET, a new sender each time
    for a POST."""
    method = "GET" if route.body is None else "POST"
    headers = [f"{method} {route.path} HTTP/1.1", "Host: 127.0.0.1", "Accept: application/json"]
    if route.body is None and route.path != "/health":
        headers.append(f"Authorization: Bearer {token}")
    if route.tenant:
        headers.append(f"X-Tenant-Id: {tenant_id}")
    if route.body is None:
        fixed = ("\r\n".join(headers) + "\r\n\r\n").encode()
        return lambda: fixed
    make_body, head, sent = route.body, "\r\n".join([*headers, "Content-Type: application/json"]), 0

    def next_request() -> bytes:
        nonlocal sent
        sent += 1
        body = json.dumps(make_body(sent)).encode()
        return f"{head}\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body

    return next_request


async def exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes, expected: int = 200
) -> int:
    """Send one request on a kept-alive connection and read the whole response; its status."""
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    length = next(int(line.split(":", 1)[1]) for line in lines if line.lower().startswith("content-length:"))
    body = await reader.readexactly(length)
    status = int(lines[0].split()[1])
    if status != expected:
        raise RuntimeError(f"{status}: {body[:300]!r}")
    return status


async def one_at_a_time(port: int, make: RequestMaker, count: int, expected: int = 200) -> list[float]:
    """Seconds per request, one client, sequential."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    timings: list[float] = []
    try:
        for _ in range(count):
            request = make()
            started = time.perf_counter()
            await exchange(reader, writer, request, expected)
            timings.append(time.perf_counter() - started)
    finally:
        writer.close()
    return timings


async def concurrent(
    port: int, make: RequestMaker, clients: int, seconds: float, expected: int = 200
) -> float:
    """Requests per second served to ``clients`` kept-alive clients for ``seconds``."""
    deadline = time.perf_counter() + seconds
    done = 0

    async def client() -> None:
        nonlocal done
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while time.perf_counter() < deadline:
                await exchange(reader, writer, make(), expected)
                done += 1
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return done / (time.perf_counter() - started)


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used (``/proc/<pid>/stat``, clock-tick resolution)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def local_api(env: Mapping[str, str]) -> Iterator[tuple[int, int]]:
    """The local API serving on a free port: (port, the server's process id)."""
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
        yield port, server.pid
    finally:
        server.terminate()
        server.wait(timeout=30)


async def _probe(port: int) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    await exchange(reader, writer, request_maker(ROUTES[0], "", "")())
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
from tests.perf.bench_request import ROUTES
routes = ROUTES
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
sent = 10**6  # senders apart from the timed run's
def send(route):
    global sent
    extra = {{"X-Tenant-Id": {tenant_id!r}}} if route.tenant else {{}}
    if route.body is None:
        return client.get(route.path, headers={{**headers, **extra}})
    sent += 1
    return client.post(route.path, json=route.body(sent))
for route in routes:
    for _ in range(2):
        assert send(route).status_code == route.status
    files = start_traces()
    assert send(route).status_code == route.status
    counts[route.name] = round_trips(files)
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


def selected_routes() -> list[Route]:
    """``/health`` and the routes ``BENCH_ROUTES`` names (all when unset)."""
    names = {name.strip() for name in os.environ.get("BENCH_ROUTES", "").split(",") if name.strip()}
    return [route for route in ROUTES if not names or route.name in names or route.name == "/health"]


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
            # Every lead comes from 127.0.0.1: room for the run's submissions in the per-address limit.
            "LEADS_RATE_LIMIT_PER_IP": "10000",
            "LEADS_RATE_LIMIT_WINDOW_SECONDS": "60",
        }
        env.pop("AWS_LAMBDA_FUNCTION_NAME", None)
        trips = round_trips(env, token, tenant_id)
        rows: dict[str, tuple[float, float, float, float]] = {}
        with local_api(env) as (port, pid):
            for route in selected_routes():
                make = request_maker(route, token, tenant_id)
                asyncio.run(one_at_a_time(port, make, 50, route.status))  # warm the pool and the verifier
                cpu_before = cpu_seconds(pid)
                timings = asyncio.run(one_at_a_time(port, make, SINGLE_REQUESTS, route.status))
                cpu_ms = (cpu_seconds(pid) - cpu_before) / SINGLE_REQUESTS * 1000
                p50 = statistics.median(timings) * 1000
                p95 = statistics.quantiles(timings, n=20)[-1] * 1000
                asyncio.run(concurrent(port, make, CLIENTS, WARMUP_SECONDS, route.status))
                rps = asyncio.run(concurrent(port, make, CLIENTS, SECONDS, route.status))
                rows[route.name] = (p50, p95, rps, cpu_ms)
    health_p50, _, health_rps, _ = rows["/health"]
    print(f"one at a time ({SINGLE_REQUESTS} requests) and {CLIENTS} clients for {SECONDS:.0f} s, same run")
    print("(server CPU: the API process's CPU time per request one at a time, PostgreSQL's not included)")
    print(
        f"{'request':<16} {'p50 ms':>7} {'p95 ms':>7} {'x health':>9} "
        f"{'req/s':>7} {'x health':>9} {'db trips':>9} {'server CPU ms':>14}"
    )
    for name, (p50, p95, rps, cpu_ms) in rows.items():
        print(
            f"{name:<16} {p50:>7.2f} {p95:>7.2f} {p50 / health_p50:>9.2f} {rps:>7.0f} "
            f"{rps / health_rps:>9.2f} {trips.get(name, 0):>9} {cpu_ms:>14.2f}"
        )
    print(json.dumps({"rows": rows, "round_trips": trips}), file=sys.stderr)


if __name__ == "__main__":
    main()

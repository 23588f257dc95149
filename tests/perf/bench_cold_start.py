"""Cold start of every function as deployed, against a bare FastAPI + Mangum + Powertools handler
measured in the same run. Prints tables; run with ``make bench`` (``BENCH_RUNS`` rounds, default 9).

A cold start here is what Lambda does in a new execution environment, after the interpreter is up:

- import the handler module (bytecode compiled beforehand, as in the built layer);
- run the first invocation with the function's first sample event (the first one its
  ``events/<group>/expected.json`` lists), against a real migrated PostgreSQL started for the run;
- in the function's environment from ``template.yaml`` (Globals and its own variables), with the
  secrets resolved to local values and a ``SENTRY_DSN`` that points at a closed port on 127.0.0.1,
  so Sentry is configured and nothing leaves the machine. ``ENVIRONMENT`` is ``local`` because the
  deployed settings refuse a database on 127.0.0.1 (the same settings code runs either way).

Every handler, the bare one included, runs once per round in a fresh process, round-robin, so machine
noise hits all alike. The table gives medians, and each function's ratio to the bare handler as the
median of its per-round ratios (each round's cold start over the bare one of the same round), in wall
time and in CPU time of the process (steadier on a shared machine; it leaves out waiting for the
database). Then a warm in-process invoke of ``GET /health``.
"""

from __future__ import annotations

import base64
import compileall
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
RUNS = int(os.environ.get("BENCH_RUNS", "9"))
#: The goal: every function's cold start within this ratio of the bare handler's.
TARGET_RATIO = 1.1
BARE = "bare FastAPI+Mangum+Powertools"
#: A reference, not a target: the bare handler whose route verifies an HS256 token and runs one query,
#: as every authenticated first request must (PyJWT, psycopg and a connection, all on the first call).
BARE_DB = "bare + token check + 1 query"

BARE_HANDLER = """
from fastapi import FastAPI
from mangum import Mangum
from aws_lambda_powertools import Logger
logger = Logger(service="bare")
app = FastAPI()
@app.get("/health")
def health():
    return {"status": "ok"}
handler = logger.inject_lambda_context(Mangum(app, lifespan="off"))
"""

BARE_DB_HANDLER = """
import os
from fastapi import FastAPI, Request
from mangum import Mangum
from aws_lambda_powertools import Logger
logger = Logger(service="bare")
app = FastAPI()
@app.get("/{path:path}")
def first(request: Request):
    import jwt, psycopg
    token = request.headers["authorization"].removeprefix("Bearer ")
    claims = jwt.decode(token, os.environ["JWT_SECRET"], algorithms=["HS256"], audience="authenticated")
    with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
        conn.execute("select 1").fetchone()
    return {"sub": claims["sub"]}
handler = logger.inject_lambda_context(Mangum(app, lifespan="off"))
"""

#: Timed in a fresh process: import (``{setup}``), then the first invocation of ``handler``.
PROBE = """
import json as _json, time as _time
from docflow_local.lambda_context import LocalLambdaContext as _Context
_event = _json.loads({event!r})
_started, _cpu_started = _time.perf_counter(), _time.process_time()
{setup}
_imported = _time.perf_counter()
_response = handler(_event, _Context({name!r}))
_done, _cpu_done = _time.perf_counter(), _time.process_time()
_cpu = _cpu_done - _cpu_started
print(_json.dumps([_imported - _started, _done - _imported, _cpu, _response["statusCode"]]))
"""

#: Names the template takes from Secrets Manager, resolved to local values.
_LOCAL_SECRETS = {
    "JWT_SECRET": "local-docflow-jwt-secret-not-for-production-use",
    "RATE_LIMIT_KEY": "local-docflow-rate-limit-key-0123456789abcdef",
    "SUPABASE_ANON_KEY": "local-supabase-anon-key",
    "SUPABASE_SERVICE_ROLE_KEY": "local-supabase-service-role-key",
    "METRICS_TOKEN": "local-docflow-metrics-token-0123456789",
}
_PARAMETERS = {
    "Stage": "local",
    "SupabaseUrl": "http://127.0.0.1:54321",
    "CorsOrigins": '["https://app.docflow.test"]',
    "AllowedOriginRegex": "",
    "SecretsName": "docflow",
    "AWS::AccountId": "000000000000",
    "AWS::Region": "eu-north-1",
}


@dataclass(frozen=True)
class Target:
    """One handler to start cold: its name, import statement, environment and first event."""

    name: str
    setup: str
    env: dict[str, str]
    event: str

    def probe(self) -> str:
        return PROBE.format(event=self.event, setup=self.setup, name=self.name)


def _placeholder(name: str) -> str:
    """A stand-in for a secret the run never uses, in the secret's format (webhook secrets are
    ``whsec_<base64>``, which the webhook functions parse at their first request)."""
    if name.endswith("WEBHOOK_SECRET"):
        return "whsec_" + base64.b64encode(name.encode()).decode()
    return f"local-{name.lower().replace('_', '-')}-0123456789abcdef"


def resolve(value: Any, secrets_: Mapping[str, str], parameters: Mapping[str, str] = _PARAMETERS) -> str:
    """A template value (plain, ``!Ref``, ``!If``, ``!GetAtt``, ``!Sub`` with ``{{resolve:...}}``) as text.

    A secret without a local value gets a placeholder (the run never calls that service)."""
    if isinstance(value, str):
        return value
    if "Fn::Ref" in value:  # a parameter, or a resource of the stack (e.g. a queue's URL)
        return parameters.get(value["Fn::Ref"], f"local-{value['Fn::Ref']}")
    if "Fn::If" in value:  # the value when the condition is false: a local stack sets no options
        return resolve(value["Fn::If"][2], secrets_, parameters)
    if "Fn::GetAtt" in value:  # an attribute of a stack resource (a key's ARN): a local stand-in
        target = value["Fn::GetAtt"]
        return "local-" + (target if isinstance(target, str) else "-".join(map(str, target)))
    text = str(value["Fn::Sub"])
    if text.startswith("{{resolve:secretsmanager:"):
        name = text.rsplit(":", 1)[1].rstrip("}")
        return secrets_.get(name, _placeholder(name))
    for name, replacement in parameters.items():
        text = text.replace("${" + name + "}", replacement)
    return text


def function_environment(
    template: Mapping[str, Any], logical_id: str, secrets_: Mapping[str, str]
) -> dict[str, str]:
    """What a function's process sees: the Lambda runtime's variables, Globals, its own variables."""
    variables = {
        **template.get("Globals", {}).get("Function", {}).get("Environment", {}).get("Variables", {}),
        **template["Resources"][logical_id]["Properties"].get("Environment", {}).get("Variables", {}),
    }
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "TZ": "UTC",
        "AWS_REGION": "eu-north-1",
        "AWS_DEFAULT_REGION": "eu-north-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_LAMBDA_FUNCTION_NAME": f"docflow-local-{logical_id}",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "LAMBDA_TASK_ROOT": str(ROOT),
    }
    if "PYTHONPATH" in os.environ:  # to measure another checkout's code with this virtualenv
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    # The template's parameter defaults, then the local values above.
    parameters = {
        **{name: str(p.get("Default", "")) for name, p in template.get("Parameters", {}).items()},
        **_PARAMETERS,
    }
    env.update({name: resolve(value, secrets_, parameters) for name, value in variables.items()})
    return env


def first_event(group: str, token: str) -> str:
    """The first event ``events/<group>/expected.json`` lists, with a valid owner token filled in."""
    folder = ROOT / "events" / group
    first = next(iter(json.loads((folder / "expected.json").read_text())["statusCode"]))
    event = json.loads((folder / first).read_text().replace("${DOCFLOW_TOKEN}", token))
    if "origin" not in event.get("headers", {}) and event["requestContext"]["http"]["method"] == "OPTIONS":
        event["headers"]["origin"] = "https://app.docflow.test"
    return json.dumps(event)


@contextmanager
def local_database() -> Iterator[tuple[str, str]]:
    """A migrated, seeded PostgreSQL for the run: (the runtime role's URL, an owner's access token)."""
    from docflow.auth import mint_token
    from docflow.db.migrate import migrate
    from docflow.tenancy import Role
    from docflow_local.environment import LOCAL_APP_PASSWORD
    from docflow_local.postgres import EmbeddedPostgres, bootstrap_runtime_role, free_port
    from docflow_local.seed import seed_demo

    data_dir = ROOT / ".local" / "bench" / f"pg-{os.getpid()}"
    server = EmbeddedPostgres(data_dir=data_dir, port=free_port())
    server.start()
    try:
        migrate(server.superuser_url, ROOT / "migrations")
        bootstrap_runtime_role(server.superuser_url, password=LOCAL_APP_PASSWORD)
        owner = next(u for u in seed_demo(server.superuser_url).users if u.role == Role.OWNER)
        token = mint_token(
            secret=_LOCAL_SECRETS["JWT_SECRET"],
            issuer=f"{_PARAMETERS['SupabaseUrl']}/auth/v1",
            user_id=owner.user_id,
            email=owner.email,
            expires_in=24 * 3600,
        )
        yield server.url("docflow_app", LOCAL_APP_PASSWORD), token
    finally:
        server.stop(quiet=True)
        shutil.rmtree(data_dir, ignore_errors=True)


def targets(database_url: str, token: str) -> list[Target]:
    """The bare handler and every function of the template (zip functions and the OCR image)."""
    from docflow_local.postgres import free_port
    from docflow_local.template import load_template, zip_functions

    template = load_template(ROOT / "template.yaml")
    # A valid DSN whose port nothing listens on: the SDK is configured, its sends go nowhere.
    dsn = f"http://{secrets.token_hex(16)}@127.0.0.1:{free_port()}/1"
    secrets_ = {**_LOCAL_SECRETS, "DATABASE_URL": database_url, "SENTRY_DSN": dsn}
    found = [
        Target(
            name=spec.name,
            setup=f"from {spec.module} import {spec.attribute} as handler",
            env=function_environment(template, spec.logical_id, secrets_),
            event=first_event(spec.name, token),
        )
        for spec in zip_functions(template)
        if (ROOT / "events" / spec.name / "expected.json").exists()
    ]
    health = next(target for target in found if target.name == "health")
    auth = next(target for target in found if target.name == "auth")
    bare = Target(name=BARE, setup=BARE_HANDLER, env=health.env, event=health.event)
    bare_db = Target(name=BARE_DB, setup=BARE_DB_HANDLER, env=auth.env, event=auth.event)
    return [bare, bare_db, *found]


@dataclass(frozen=True)
class Sample:
    """One cold start: wall seconds of the import and of the first invocation, CPU seconds of both."""

    imported: float
    invoked: float
    cpu: float
    status: int

    @property
    def total(self) -> float:
        return self.imported + self.invoked


def _run(target: Target) -> Sample:
    """One cold start of ``target`` in a fresh process."""
    out = subprocess.run(
        [sys.executable, "-c", target.probe()],
        capture_output=True,
        text=True,
        env=target.env,
        cwd=ROOT,
        check=True,
    )
    imported, invoked, cpu, status = json.loads(out.stdout.strip().splitlines()[-1])
    return Sample(float(imported), float(invoked), float(cpu), int(status))


def cold_starts(found: list[Target], runs: int) -> dict[str, list[Sample]]:
    """``runs`` cold starts of every target, round-robin (after one warm-up each for the file cache)."""
    for target in found:
        _run(target)
    samples: dict[str, list[Sample]] = {target.name: [] for target in found}
    for _ in range(runs):
        for target in found:
            samples[target.name].append(_run(target))
    return samples


def print_table(samples: Mapping[str, list[Sample]]) -> None:
    """Median import, first invocation and total per function, and the paired ratios to bare."""

    def median_ms(values: list[float]) -> float:
        return statistics.median(values) * 1000

    def paired_ratio(rows: list[Sample], value: str) -> float:
        pairs = zip(rows, samples[BARE], strict=True)
        ratios = [float(getattr(row, value)) / float(getattr(base, value)) for row, base in pairs]
        return statistics.median(ratios)

    version = sys.version.split()[0]
    print(
        f"Cold start as deployed (Sentry configured): import + first invocation, {RUNS} rounds of fresh "
        f"processes, round-robin (python {version}); medians, ratios paired per round:"
    )
    print(
        f"  {'function':<32} {'import':>8} {'1st call':>9} {'total ms':>9} {'x bare':>7} "
        f"{'CPU ms':>8} {'x bare':>7} {'import x':>8} status"
    )
    for name, rows in samples.items():
        ratio = paired_ratio(rows, "total")
        cpu_ratio = paired_ratio(rows, "cpu")
        import_ratio = paired_ratio(rows, "imported")
        statuses = ",".join(str(status) for status in sorted({row.status for row in rows}))
        over = name not in {BARE, BARE_DB} and min(ratio, cpu_ratio) > TARGET_RATIO
        print(
            f"  {name:<32} {median_ms([r.imported for r in rows]):>8.1f} "
            f"{median_ms([r.invoked for r in rows]):>9.1f} {median_ms([r.total for r in rows]):>9.1f} "
            f"{ratio:>7.2f} {median_ms([r.cpu for r in rows]):>8.1f} {cpu_ratio:>7.2f} {import_ratio:>8.2f} "
            f"{statuses}" + (f"  (over {TARGET_RATIO}x)" if over else "")
        )


def _warm_invoke(target: Target, count: int = 2000) -> tuple[float, float]:
    script = f"""
import json, time
from docflow_local.lambda_context import LocalLambdaContext
{target.setup}
event = json.loads({target.event!r})
ctx = LocalLambdaContext("bench")
for _ in range(50):
    handler(event, ctx)
samples = []
for _ in range({count}):
    s = time.perf_counter(); handler(event, ctx); samples.append(time.perf_counter() - s)
samples.sort()
print(json.dumps([samples[len(samples) // 2] * 1000, samples[int(len(samples) * 0.95)] * 1000]))
"""
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=target.env, cwd=ROOT, check=True
    )
    p50, p95 = json.loads(out.stdout.strip().splitlines()[-1])
    return float(p50), float(p95)


def main() -> None:
    # Deployed code ships bytecode (the layer build compiles it): measure with bytecode here too.
    for folder in (ROOT / "shared" / "src", ROOT / "functions"):
        compileall.compile_dir(folder, quiet=1)
    with local_database() as (database_url, token):
        found = targets(database_url, token)
        print_table(cold_starts(found, RUNS))
        health = next(target for target in found if target.name == "health")
        p50, p95 = _warm_invoke(health)
    print("\nWarm in-process invoke of GET /health through the Lambda handler (2000 calls):")
    print(f"  p50 {p50:.3f} ms   p95 {p95:.3f} ms   (target p50 < 1 ms)")


if __name__ == "__main__":
    main()

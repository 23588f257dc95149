"""Upload-to-processed latency and throughput of the receipt pipeline in the local stack (a table,
not a test): PostgreSQL, moto S3 with bucket notifications, the poller delivering them to the OCR
function's handler with two workers (this machine has 2 cores), real Tesseract.

Each receipt is rendered (different shop, items, amounts and VAT rate), presigned through the API,
uploaded with its presigned POST, and watched until its status is final. Latency runs from the end
of the upload to the first time the receipt is seen processed (polled every 50 ms).

    .venv/bin/python -m tests.perf.bench_pipeline            # 50 receipts, uploaded one per 0.5 s
    .venv/bin/python -m tests.perf.bench_pipeline --count 20 --interval 0
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SHOPS = ("K-MARKET KALLIO", "S-MARKET SOKOS", "LIDL HELSINKI", "R-KIOSKI RAUTATIENTORI", "ALEPA TÖÖLÖ")
ITEMS = ("MAITO 1L", "RUISLEIPA", "KAHVI 500G", "BANAANI", "JUUSTO", "OMENA", "JOGURTTI", "PASTA")


def receipt_lines(rng: random.Random) -> list[str]:
    """A plausible Finnish receipt with a consistent 13.5 % VAT table."""
    items = rng.sample(ITEMS, rng.randint(2, 5))
    amounts = [Decimal(rng.randint(99, 1299)) / 100 for _ in items]
    total = sum(amounts, Decimal(0))
    net = (total / Decimal("1.135")).quantize(Decimal("0.01"))
    fi = lambda value: f"{value:.2f}".replace(".", ",")  # noqa: E731
    day = rng.randint(1, 28)
    return [
        rng.choice(SHOPS),
        "Y-tunnus 1234567-1",
        f"{day:02d}.03.2026 {rng.randint(8, 21):02d}:{rng.randint(0, 59):02d}",
        *(f"{name:<18}{fi(amount):>6}" for name, amount in zip(items, amounts, strict=True)),
        f"{'YHTEENSA':<18}{fi(total):>6}",
        "ALV%  VEROTON  VERO  VEROLLINEN",
        f"13,5    {fi(net)}   {fi(total - net)}   {fi(total)}",
        f"{'KORTTI':<18}{fi(total):>6}",
    ]


def time_steps() -> dict[str, list[float]]:
    """Wrap every pipeline step to record how long it takes (median per step in the table)."""
    from docflow.pipeline import runner

    seconds: dict[str, list[float]] = {name: [] for name, _ in runner.STEPS}

    def timed(name: str, step: Callable[[Any], Any]) -> Callable[[Any], Any]:
        def run(ctx: Any) -> Any:
            started = time.perf_counter()
            try:
                return step(ctx)
            finally:
                seconds[name].append(time.perf_counter() - started)

        return run

    runner.STEPS = tuple((name, timed(name, step)) for name, step in runner.STEPS)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between uploads")
    args = parser.parse_args()

    from docflow_local.environment import LocalPorts, apply_local_environment
    from docflow_local.postgres import EmbeddedPostgres, free_port

    ports = LocalPorts(api=0, postgres=free_port(), s3=free_port())
    for name in ("DATABASE_URL", "S3_ENDPOINT_URL"):
        os.environ.pop(name, None)
    os.environ["LOG_LEVEL"] = "WARNING"
    apply_local_environment(ports, environment="test")
    folder = Path(tempfile.mkdtemp(prefix="bench-pipeline-", dir=ROOT / ".local"))
    pg = EmbeddedPostgres(data_dir=folder / "pg", port=ports.postgres)
    pg.start()
    try:
        run(pg, args.count, args.interval)
    finally:
        from docflow.db import close_pool

        close_pool()
        pg.stop()
        shutil.rmtree(folder, ignore_errors=True)


def run(pg: object, count: int, interval: float) -> None:
    import httpx
    from fastapi.testclient import TestClient
    from PIL.PngImagePlugin import PngInfo

    from docflow.auth import mint_token
    from docflow.config import get_settings
    from docflow.tenancy import Role
    from docflow_local.s3_events import deliver_receipt_events
    from docflow_local.stack import prepare_database
    from docflow_receipts_api.handler import app
    from tests.support.local_s3 import ensure_receipts_bucket
    from tests.support.ocr_corpus import encode, render_receipt

    demo = prepare_database(pg, ROOT)  # type: ignore[arg-type]
    ensure_receipts_bucket()
    settings = get_settings()
    owner = next(u for u in demo.users if u.role == Role.OWNER)
    token = mint_token(
        secret=settings.require("jwt_secret"),
        issuer=settings.jwt_issuer,
        user_id=owner.user_id,
        email=owner.email,
    )
    headers = {"Authorization": f"Bearer {token}"}
    rng = random.Random(20261127)
    images = []
    for _ in range(count):
        info = PngInfo()
        info.add_text("Comment", uuid.uuid4().hex)
        images.append(encode(render_receipt(receipt_lines(rng)), "PNG", pnginfo=info))

    step_seconds = time_steps()
    uploaded: dict[str, float] = {}
    done: dict[str, tuple[float, str]] = {}
    with deliver_receipt_events(ROOT / "template.yaml"), TestClient(app) as client:
        # warm the engine once (model loading is a cold start, not pipeline latency)
        from docflow.receipts.scan import scan_bytes

        scan_bytes(images[0])
        stop = threading.Event()

        def watch() -> None:
            from docflow.db import system_transaction

            while not stop.is_set():
                with system_transaction("bench.watch") as conn:
                    rows = conn.execute(
                        "select id::text, status from public.receipts"
                        " where status in ('processed', 'needs_review', 'failed')"
                    ).fetchall()
                now = time.perf_counter()
                for row in rows:
                    if row["id"] in uploaded and row["id"] not in done:
                        done[row["id"]] = (now, row["status"])
                time.sleep(0.05)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        first = time.perf_counter()
        for data in images:
            body = {
                "files": [{"filename": "kuitti.png", "content_type": "image/png", "size_bytes": len(data)}]
            }
            created = client.post("/api/v1/receipts/uploads", json=body, headers=headers).json()["uploads"][0]
            form = created["upload"]
            httpx.post(form["url"], data=form["fields"], files={"file": ("kuitti.png", data)}, timeout=30)
            uploaded[created["receipt_id"]] = time.perf_counter()
            time.sleep(interval)
        deadline = time.perf_counter() + 300
        while len(done) < len(uploaded) and time.perf_counter() < deadline:
            time.sleep(0.1)
        stop.set()
        last = max((at for at, _ in done.values()), default=time.perf_counter())

    latencies = sorted(done[rid][0] - at for rid, at in uploaded.items() if rid in done)
    statuses = [status for _, status in done.values()]
    minutes = (last - first) / 60
    p95 = latencies[max(0, round(0.95 * len(latencies)) - 1)] if latencies else float("nan")
    print(f"receipts                 {len(uploaded)} ({len(done)} finished)")
    print("statuses                 " + ", ".join(f"{s} {statuses.count(s)}" for s in sorted(set(statuses))))
    print(f"latency median           {statistics.median(latencies):.2f} s")
    print(f"latency p95              {p95:.2f} s")
    print(f"latency max              {latencies[-1]:.2f} s")
    for name, values in step_seconds.items():
        print(f"step {name:<19} {statistics.median(values) * 1000:7.1f} ms median")
    print(f"throughput               {len(done) / minutes:.1f} receipts/min (upload interval {interval} s)")


if __name__ == "__main__":
    main()

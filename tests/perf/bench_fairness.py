"""Fair OCR under a flood (a table, not a test): tenant A sends ``--docs`` heavy documents (multi-page
TIFFs of dense receipt text), tenant B one ordinary receipt at the same moment, right behind them.
B's submit-to-processed time is measured three ways in one run, against a migrated PostgreSQL, moto
S3 and real Tesseract, with ``--workers`` worker processes as concurrent invocations of the OCR
function (Lambda's concurrency; this machine has 2 cores):

- idle: B's receipt alone;
- before: every S3 event processed by the invocation it reached, in arrival order (the pipeline
  without the queue, ``docflow.pipeline.runner.process_event``);
- after: the OCR function's real handler, which queues the event and drains the queue fairly
  (``docflow.pipeline.queue``; ``RECEIPTS_QUEUE_TENANT_MAX_IN_FLIGHT`` = ``--cap``).

    .venv/bin/python -m tests.perf.bench_fairness                 # 20 documents of 2 pages, 2 workers, cap 1
    .venv/bin/python -m tests.perf.bench_fairness --docs 10 --pages 3
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import shutil
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def heavy_document(rng: random.Random, pages: int) -> bytes:
    """A multi-page TIFF, each page a long strip of dense receipt text."""
    from tests.perf.bench_pipeline import receipt_lines
    from tests.support.ocr_corpus import encode, render_receipt

    images = []
    for _ in range(pages):
        lines: list[str] = []
        for _ in range(12):
            lines += receipt_lines(rng)
        images.append(render_receipt(lines).convert("1"))
    first, *rest = images
    return encode(first, "TIFF", save_all=True, append_images=rest, compression="group4")


def ordinary_receipt(rng: random.Random) -> bytes:
    """One rendered receipt as a PNG (unique bytes)."""
    from PIL.PngImagePlugin import PngInfo

    from tests.perf.bench_pipeline import receipt_lines
    from tests.support.ocr_corpus import encode, render_receipt

    info = PngInfo()
    info.add_text("Comment", uuid.uuid4().hex)
    return encode(render_receipt(receipt_lines(rng)), "PNG", pnginfo=info)


def create(
    tenant: uuid.UUID, data: bytes, content_type: str, filename: str, sequencer: int
) -> dict[str, Any]:
    """A pending receipt row and its original in S3, as the upload route and the presigned POST leave
    them (the plan's monthly receipt limit is not what is measured here); returns its S3 event."""
    from docflow.aws import s3_client
    from docflow.config import get_settings
    from docflow.db import system_transaction
    from docflow.pipeline.keys import build_upload_key
    from tests.support.receipt_pipeline import s3_event

    settings = get_settings()
    receipt_id = uuid.uuid4()
    key = build_upload_key(settings.receipts_upload_prefix, tenant, receipt_id, filename)
    with system_transaction("bench.create") as conn:
        conn.execute(
            "insert into public.receipts"
            " (id, tenant_id, object_key, size_bytes, content_type, original_filename)"
            " values (%s, %s, %s, %s, %s, %s)",
            (receipt_id, tenant, key, len(data), content_type, filename),
        )
    s3_client().put_object(Bucket=settings.receipts_bucket, Key=key, Body=data, ContentType=content_type)
    event = s3_event(key, sequencer=f"{0x0B00000000 + sequencer * 16:018X}", size=len(data))
    event["receipt_id"] = str(receipt_id)
    return event


def _invoke(mode: str, events: Any, ready: Any) -> None:
    """One worker process (a Lambda instance): load the engine, then take events until ``None``."""
    from docflow.pipeline.runner import process_event
    from docflow.receipts.scan import scan_bytes
    from docflow_local.lambda_context import LocalLambdaContext
    from docflow_ocr.handler import handler

    scan_bytes(ordinary_receipt(random.Random(0)))  # the engine's first load is a cold start
    ready.put(True)
    while (event := events.get()) is not None:
        try:
            if mode == "fifo":
                process_event(event)
            else:
                handler(event, LocalLambdaContext("ocr"))
        finally:
            events.task_done()
    events.task_done()


def run_phase(mode: str, events: list[dict[str, Any]], workers: int) -> dict[str, float]:
    """Hand the events, in arrival order, to ``workers`` processes (``fifo``: each processes the event
    it got; ``fair``: the OCR function's handler); seconds from submit to processed, per receipt."""
    import multiprocessing

    from docflow.db import system_transaction

    context = multiprocessing.get_context("spawn")
    fifo, ready = context.JoinableQueue(), context.Queue()
    processes = [context.Process(target=_invoke, args=(mode, fifo, ready)) for _ in range(workers)]
    for process in processes:
        process.start()
    for _ in processes:
        ready.get()
    submitted: dict[str, float] = {}
    for event in events:
        submitted[event["receipt_id"]] = time.time()
        fifo.put(event)
    for _ in processes:
        fifo.put(None)
    fifo.join()
    for process in processes:
        process.join()
    with system_transaction("bench.read") as conn:
        rows = conn.execute(
            "select id::text, status, extract(epoch from processed_at)::float8 as at from public.receipts"
            " where id = any(%s::uuid[])",
            (list(submitted),),
        ).fetchall()
    unfinished = [row["id"] for row in rows if row["at"] is None]
    assert not unfinished, f"{len(unfinished)} receipts not processed"
    return {row["id"]: row["at"] - submitted[row["id"]] for row in rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=20, help="tenant A's heavy documents")
    parser.add_argument("--pages", type=int, default=2, help="pages per heavy document")
    parser.add_argument("--workers", type=int, default=2, help="concurrent OCR invocations")
    parser.add_argument("--cap", type=int, default=1, help="RECEIPTS_QUEUE_TENANT_MAX_IN_FLIGHT")
    args = parser.parse_args()

    from docflow_local.environment import LocalPorts, apply_local_environment
    from docflow_local.postgres import EmbeddedPostgres, free_port

    ports = LocalPorts(api=0, postgres=free_port(), s3=free_port())
    for name in ("DATABASE_URL", "S3_ENDPOINT_URL"):
        os.environ.pop(name, None)
    os.environ["LOG_LEVEL"] = "WARNING"
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no access line per S3 request
    os.environ["RECEIPTS_QUEUE_TENANT_MAX_IN_FLIGHT"] = str(args.cap)
    apply_local_environment(ports, environment="test")
    folder = Path(tempfile.mkdtemp(prefix="bench-fairness-", dir=ROOT / ".local"))
    pg = EmbeddedPostgres(data_dir=folder / "pg", port=ports.postgres)
    pg.start()
    try:
        run(pg, args)
    finally:
        from docflow.db import close_pool

        close_pool()
        pg.stop()
        shutil.rmtree(folder, ignore_errors=True)


def run(pg: object, args: argparse.Namespace) -> None:
    from docflow.receipts.scan import scan_bytes
    from docflow_local.stack import prepare_database
    from tests.support.demo import DEMO_OY as TENANT_A
    from tests.support.demo import ESIMERKKI as TENANT_B
    from tests.support.local_s3 import ensure_receipts_bucket

    prepare_database(pg, ROOT)  # type: ignore[arg-type]
    ensure_receipts_bucket()
    rng = random.Random(20261207)
    heavy = [heavy_document(rng, args.pages) for _ in range(2 * args.docs)]
    light = [ordinary_receipt(rng) for _ in range(3)]
    scan_bytes(light[0])  # the engine's first load is a cold start, not queueing
    started = time.perf_counter()
    scan_bytes(heavy[0], filename="big.tiff")
    heavy_seconds = time.perf_counter() - started
    counter = iter(range(1, 1_000_000))

    def flood(docs: list[bytes], receipt: bytes) -> tuple[list[dict[str, Any]], str]:
        events = [create(TENANT_A, d, "image/tiff", "big.tiff", next(counter)) for d in docs]
        b = create(TENANT_B, receipt, "image/png", "kuitti.png", next(counter))
        return [*events, b], b["receipt_id"]

    alone = create(TENANT_B, light[0], "image/png", "kuitti.png", next(counter))
    idle = run_phase("fair", [alone], args.workers)[alone["receipt_id"]]
    events, b_before = flood(heavy[: args.docs], light[1])
    before = run_phase("fifo", events, args.workers)
    events, b_after = flood(heavy[args.docs :], light[2])
    after = run_phase("fair", events, args.workers)

    print(f"tenant A: {args.docs} TIFFs of {args.pages} pages ({heavy_seconds:.1f} s of OCR each, alone);")
    print(f"tenant B: one receipt right behind them; {args.workers} workers, cap {args.cap} per tenant")
    print(f"B idle stack                    {idle:7.2f} s")
    print(f"B before (arrival order)        {before[b_before]:7.2f} s   {before[b_before] / idle:5.1f}x idle")
    print(f"B after (fair queue)            {after[b_after]:7.2f} s   {after[b_after] / idle:5.1f}x idle")
    a_before = max(v for k, v in before.items() if k != b_before)
    a_after = max(v for k, v in after.items() if k != b_after)
    print(f"A all done before / after       {a_before:7.2f} s / {a_after:.2f} s (A slows only itself)")


if __name__ == "__main__":
    main()

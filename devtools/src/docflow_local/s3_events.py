"""Local S3 notifications: moto sends ``ObjectCreated`` events of the template's S3 trigger prefixes
(uploads under ``incoming/``, received messages under ``inbound/``) to an SQS queue, and a poller thread
delivers each record to the function whose trigger's prefix it matches, as Lambda would.

moto's records lack the per-key ``sequencer`` S3 adds; the poller fills one in from the queue's send
time, so ordering checks behave as deployed. A record that keeps failing is retried three times (the
queue's redrive policy), then lands in the local dead-letter queue.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import logging
import threading
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

EVENTS_QUEUE = "docflow-local-receipt-events"
DEAD_LETTER_QUEUE = "docflow-local-receipt-events-failed"
MAX_RECEIVES = 3

Handler = Callable[[dict[str, Any], Any], Any]


def s3_handler_from_template(template_path: Path) -> tuple[str, Handler] | None:
    """The name and handler of the first function the template triggers on S3 events, if any."""
    routes = s3_routes_from_template(template_path)
    return (routes[0][0], routes[0][1]) if routes else None


def s3_routes_from_template(template_path: Path) -> list[tuple[str, Handler, str]]:
    """``(name, handler, key prefix)`` of every S3 trigger of the template's functions."""
    import importlib

    from docflow_local.template import load_template, zip_functions

    template = load_template(template_path)
    routes: list[tuple[str, Handler, str]] = []
    for spec in zip_functions(template):
        events = template["Resources"][spec.logical_id]["Properties"].get("Events", {})
        for event in events.values():
            if event.get("Type") != "S3":
                continue
            rules = event["Properties"].get("Filter", {}).get("S3Key", {}).get("Rules", [])
            prefix = next((r["Value"] for r in rules if r.get("Name") == "prefix"), "")
            module = importlib.import_module(spec.module)
            routes.append((spec.name, getattr(module, spec.attribute), prefix))
    return routes


def dispatcher(routes: list[tuple[str, Handler, str]]) -> Handler:
    """One handler that hands each record to the function whose prefix its key starts with."""

    def dispatch(event: dict[str, Any], context: Any) -> Any:
        from urllib.parse import unquote_plus

        results = []
        for name, handler, prefix in routes:
            records = [
                r for r in event["Records"] if unquote_plus(r["s3"]["object"]["key"]).startswith(prefix)
            ]
            if records:
                from docflow_local.lambda_context import LocalLambdaContext

                results.append(handler({**event, "Records": records}, LocalLambdaContext(name)))
        return results

    return dispatch


def configure_notifications(bucket: str, prefix: str | list[str]) -> str:
    """Create the queues and point the bucket's ``ObjectCreated`` notifications under each prefix at them."""
    from docflow.aws import s3_client, sqs_client

    sqs = sqs_client()
    dead = sqs.create_queue(QueueName=DEAD_LETTER_QUEUE)["QueueUrl"]
    dead_arn = sqs.get_queue_attributes(QueueUrl=dead, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    redrive = json.dumps({"deadLetterTargetArn": dead_arn, "maxReceiveCount": str(MAX_RECEIVES)})
    queue = sqs.create_queue(
        QueueName=EVENTS_QUEUE, Attributes={"VisibilityTimeout": "30", "RedrivePolicy": redrive}
    )["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    prefixes = [prefix] if isinstance(prefix, str) else prefix
    s3_client().put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={
            "QueueConfigurations": [
                {
                    "QueueArn": arn,
                    "Events": ["s3:ObjectCreated:*"],
                    "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": f"{p.strip('/')}/"}]}},
                }
                for p in prefixes
            ]
        },
    )
    return queue


class S3EventPoller:
    """Receives queued S3 notifications and invokes the handler for each, ``workers`` at a time."""

    def __init__(self, queue_url: str, handler: Handler, *, function_name: str, workers: int = 2) -> None:
        self.queue_url = queue_url
        self.handler = handler
        self.function_name = function_name
        self._stop = threading.Event()
        self._workers = workers
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="s3-events")
        self._thread = threading.Thread(target=self._run, name="s3-event-poller", daemon=True)
        self._counter = itertools.count()

    def start(self) -> None:
        """Start polling in the background; each worker loads the OCR models first (a warm Lambda)."""
        for _ in range(self._workers):
            self._pool.submit(_warm_up)
        self._thread.start()

    def stop(self) -> None:
        """Stop polling and wait for deliveries in progress."""
        self._stop.set()
        self._thread.join(timeout=5)
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _run(self) -> None:
        from docflow.aws import sqs_client

        sqs = sqs_client()
        while not self._stop.is_set():
            try:
                response = sqs.receive_message(
                    QueueUrl=self.queue_url,
                    MaxNumberOfMessages=10,
                    WaitTimeSeconds=1,
                    MessageSystemAttributeNames=["SentTimestamp"],
                )
            except Exception:  # the endpoint is going away
                if self._stop.wait(0.5):
                    return
                continue
            for message in response.get("Messages", []):
                self._pool.submit(self._deliver, message)

    def _deliver(self, message: Mapping[str, Any]) -> None:
        from docflow.aws import sqs_client
        from docflow.observability import get_logger
        from docflow.pipeline.events import is_s3_event
        from docflow_local.lambda_context import LocalLambdaContext

        event = json.loads(message["Body"])
        if is_s3_event(event):
            sent = int(message.get("Attributes", {}).get("SentTimestamp", "0"))
            for record in event["Records"]:
                sequencer = f"{sent:013X}{next(self._counter) % 0xFFFFF:05X}"
                record["s3"]["object"].setdefault("sequencer", sequencer)
            try:
                self.handler(event, LocalLambdaContext(self.function_name))
            except Exception as error:  # left on the queue: redelivered, then dead-lettered
                get_logger().warning("local S3 event failed", extra={"error_type": type(error).__name__})
                return
        sqs_client().delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])


def _warm_up() -> None:
    """Read a tiny rendered line once, so the first receipt does not pay for loading the models."""
    try:
        from PIL import Image, ImageDraw

        from docflow.ocr import read_document

        image = Image.new("L", (240, 60), 255)
        ImageDraw.Draw(image).text((10, 20), "YHTEENSA 1,00", fill=0)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        read_document(buffer.getvalue(), declared_type="image/png")
    except Exception:  # noqa: S110 - warming is best effort; real receipts report their own errors
        pass


@contextlib.contextmanager
def deliver_receipt_events(template_path: Path) -> Iterator[S3EventPoller | None]:
    """While open, objects under the template's S3 trigger prefixes reach their functions."""
    from docflow.config import get_settings

    routes = s3_routes_from_template(template_path)
    if not routes:
        yield None
        return
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto logs every queue poll otherwise
    settings = get_settings()
    queue = configure_notifications(settings.receipts_bucket, [prefix for _, _, prefix in routes])
    poller = S3EventPoller(queue, dispatcher(routes), function_name="s3-events")
    poller.start()
    try:
        yield poller
    finally:
        poller.stop()

"""The local side of the tenant integrations: the KMS key and the SQS FIFO queues in moto, a worker
thread that drains the outbox and delivers the queues to the consumer as Lambda would, and the demo
tenant connected to the fake Notion and the fake Linear.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

KMS_ALIAS = "alias/docflow-integrations"
QUEUES = {"notion": "docflow-local-notion-sync.fifo", "linear": "docflow-local-linear-sync.fifo"}
#: Local demo secrets (the fakes accept them; nothing real).
DEMO_NOTION_TOKEN = "ntn_localdocflowdemonotiontoken0000"  # noqa: S105
DEMO_LINEAR_KEY = "lin_api_localdocflowdemolinearkey000"
DEMO_LINEAR_WEBHOOK_SECRET = "lin_wh_localdocflowdemowebhooksecret"  # noqa: S105
DEMO_FAILED_RECEIPT = uuid.UUID("0d0c0f1a-0000-4000-8000-00000000fa11")
#: Clients of the demo tenant (added once; with its other clients they become Notion pages).
DEMO_CLIENTS = (
    ("Rakennus Virtanen Oy", "Oulu"),
    ("Kahvila Aalto", "Tampere"),
    ("Tilitoimisto Ek Ab", "Vaasa"),
)


def ensure_kms_key() -> str:
    """The local KMS key behind ``alias/docflow-integrations`` (created once per moto server)."""
    from docflow.aws import kms_client

    kms = kms_client()
    aliases = kms.list_aliases().get("Aliases", [])
    for alias in aliases:
        if alias.get("AliasName") == KMS_ALIAS and alias.get("TargetKeyId"):
            return str(alias["TargetKeyId"])
    key = kms.create_key(Description="DocFlow local integrations key")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName=KMS_ALIAS, TargetKeyId=key)
    return str(key)


def ensure_queues(visibility_seconds: int = 60) -> dict[str, str]:
    """Create the FIFO queues and point ``NOTION_QUEUE_URL`` / ``LINEAR_QUEUE_URL`` at them."""
    from docflow.aws import sqs_client
    from docflow.integrations.settings import reset_integrations_settings

    urls: dict[str, str] = {}
    for provider, name in QUEUES.items():
        urls[provider] = sqs_client().create_queue(
            QueueName=name, Attributes={"FifoQueue": "true", "VisibilityTimeout": str(visibility_seconds)}
        )["QueueUrl"]
    os.environ["NOTION_QUEUE_URL"] = urls["notion"]
    os.environ["LINEAR_QUEUE_URL"] = urls["linear"]
    reset_integrations_settings()
    return urls


class IntegrationsWorker:
    """Drains the outbox every ``interval`` seconds and hands the queues' messages to the consumer
    (``batchItemFailures`` stay on the queue and come back after the visibility timeout)."""

    def __init__(self, urls: dict[str, str], *, interval: float = 1.0, sweep_every: float = 60.0) -> None:
        self.urls = urls
        self.interval = interval
        self.sweep_every = sweep_every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="integrations-worker", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        from docflow.observability import get_logger

        last_sweep = 0.0
        while not self._stop.is_set():
            try:
                if time.monotonic() - last_sweep > self.sweep_every:
                    from docflow.db import system_transaction
                    from docflow.integrations import outbox

                    with system_transaction("integrations.sweep") as conn:
                        outbox.sweep_reviews(conn)
                    last_sweep = time.monotonic()
                self.tick()
            except Exception as error:  # the stack is going away, or a transient failure
                get_logger().warning("local integrations worker", extra={"error_type": type(error).__name__})
            self._stop.wait(self.interval)

    def tick(self) -> int:
        """One drain and one receive per queue; the messages handled."""
        from docflow.aws import sqs_client
        from docflow.integrations import outbox
        from docflow.integrations.consumer import handle_sqs_event

        outbox.drain()
        handled = 0
        sqs = sqs_client()
        for url in self.urls.values():
            answer = sqs.receive_message(
                QueueUrl=url, MaxNumberOfMessages=10, MessageSystemAttributeNames=["MessageGroupId"]
            )
            messages = answer.get("Messages", [])
            if not messages:
                continue
            records = [
                {
                    "messageId": m["MessageId"],
                    "body": m["Body"],
                    "attributes": {"MessageGroupId": m.get("Attributes", {}).get("MessageGroupId", "")},
                    "eventSource": "aws:sqs",
                }
                for m in messages
            ]
            failed = {
                f["itemIdentifier"] for f in handle_sqs_event({"Records": records})["batchItemFailures"]
            }
            for message in messages:
                if message["MessageId"] not in failed:
                    sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
                    handled += 1
        return handled


def connect_demo(superuser_url: str, notion: Any, linear: Any, tenant_id: uuid.UUID) -> dict[str, str]:
    """Connect the demo tenant to the fakes: the Notion token and a data source, the Linear key, its
    webhook secret and team; queue every client for Notion; add three demo clients and one failed
    receipt (which the outbox triggers queue: Notion pages and a Linear issue)."""
    import psycopg

    from docflow.db import system_transaction
    from docflow.integrations import store

    notion.add_token(DEMO_NOTION_TOKEN)
    data_source = notion.add_data_source("DocFlow clients (demo)")
    space = linear.add_workspace(api_key=DEMO_LINEAR_KEY, webhook_secret=DEMO_LINEAR_WEBHOOK_SECRET)
    with system_transaction("integrations.demo", tenant_id=str(tenant_id)) as conn:
        store.connect(conn, tenant_id=tenant_id, provider="notion", secret=DEMO_NOTION_TOKEN)
        conn.execute(
            "update public.integrations set settings = %s::jsonb"
            " where tenant_id = %s and provider = 'notion'",
            (f'{{"data_source_id": "{data_source}"}}', tenant_id),
        )
        store.connect(
            conn,
            tenant_id=tenant_id,
            provider="linear",
            secret=DEMO_LINEAR_KEY,
            webhook_secret=DEMO_LINEAR_WEBHOOK_SECRET,
            external_account=space.organization_id,
        )
        conn.execute(
            "update public.integrations set settings = %s::jsonb"
            " where tenant_id = %s and provider = 'linear'",
            (f'{{"team_id": "{space.teams[0]["id"]}", "review_after_hours": 48}}', tenant_id),
        )
        from docflow.integrations.notion import resync_all

        resync_all(conn, tenant_id)
    with psycopg.connect(superuser_url) as conn:
        for number, (name, city) in enumerate(DEMO_CLIENTS, start=1):
            conn.execute(
                "insert into public.clients (id, tenant_id, kind, name, city, notes)"
                " values (%s, %s, 'company', %s, %s, %s) on conflict (id) do nothing",
                (uuid.uuid5(DEMO_FAILED_RECEIPT, f"client-{number}"), tenant_id, name, city, "Demo client"),
            )
        conn.execute(
            """
            insert into public.receipts
              (id, tenant_id, status, failure_reason, object_key, size_bytes, content_type, original_filename)
            values (%s, %s, 'failed', 'unreadable', %s, 1000, 'image/jpeg', 'epaselva.jpg')
            on conflict (id) do nothing
            """,
            (DEMO_FAILED_RECEIPT, tenant_id, f"incoming/{tenant_id}/{DEMO_FAILED_RECEIPT}/epaselva.jpg"),
        )
        # The fakes start empty each time: a second start opens the demo issue again in the new fake.
        if conn.execute(
            "delete from public.linear_issues where tenant_id = %s and subject_id = %s returning 1",
            (tenant_id, DEMO_FAILED_RECEIPT),
        ).fetchone():
            conn.execute(
                "insert into public.integration_outbox (tenant_id, provider, topic, entity_id)"
                " values (%s, 'linear', 'receipt_failed', %s)",
                (tenant_id, DEMO_FAILED_RECEIPT),
            )
    return {"data_source": data_source, "organization": space.organization_id}


@contextlib.contextmanager
def local_integrations(
    superuser_url: str, api_port: int, notion_port: int, linear_port: int
) -> Iterator[Any]:
    """The fakes of Notion and Linear, the KMS key, the queues and the worker; the demo connected."""
    from docflow.config import reset_settings
    from docflow_local.fake_linear import FakeLinear
    from docflow_local.fake_notion import FakeNotion
    from docflow_local.seed import demo_id

    ensure_kms_key()
    urls = ensure_queues()
    with FakeNotion(port=notion_port) as notion, FakeLinear(port=linear_port) as linear:
        os.environ.setdefault("NOTION_BASE_URL", notion.url)
        os.environ.setdefault("LINEAR_API_URL", linear.url)
        reset_settings()
        linear.webhook_url = f"http://127.0.0.1:{api_port}/api/v1/webhooks/linear"
        connect_demo(superuser_url, notion, linear, demo_id("tenant:demo-oy"))
        worker = IntegrationsWorker(urls)
        worker.start()
        try:
            yield notion, linear
        finally:
            worker.stop()

"""One request to a provider, within its per-integration rate and with bounded retries.

Every attempt first takes the integration's next request slot in PostgreSQL
(``app_private.integration_take_slot``), so all Lambda instances together stay under the rate; 429
and 5xx answers and timeouts are retried with exponential backoff, a ``Retry-After`` winning when
longer. A wait longer than the backoff cap ends the run with the transient error, so the queue
retries the message later instead of a Lambda sleeping.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import TypeVar

from docflow.integrations.errors import ProviderError

T = TypeVar("T")

#: A request leaving this much after its slot pushes the next slots back (see :func:`push_slots`).
LATE_SECONDS = 0.005
#: Seconds slept, replaced by tests.
sleep: Callable[[float], None] = time.sleep


def take_slot(tenant_id: uuid.UUID, provider: str, per_second: float) -> float:
    """Reserve the integration's next request slot; the seconds to wait before sending."""
    from docflow.db import system_transaction

    with system_transaction("integrations.slot") as conn:
        row = conn.execute(
            "select app_private.integration_take_slot(%s, %s, %s) as wait", (tenant_id, provider, per_second)
        ).fetchone()
    return max(0.0, float(row["wait"])) if row else 0.0


def push_slots(tenant_id: uuid.UUID, provider: str, seconds: float) -> None:
    """Move the integration's next slot ``seconds`` later: this request left after its slot (a slow
    sleep, a busy machine), so the next one keeps the full spacing from when this one really left."""
    from docflow.db import system_transaction

    with system_transaction("integrations.slot") as conn:
        conn.execute(
            "select app_private.integration_push_slots(%s, %s, %s)", (tenant_id, provider, min(seconds, 60.0))
        )


def call(tenant_id: uuid.UUID, provider: str, per_second: float, request: Callable[[], T]) -> T:
    """Run ``request`` in the integration's rate, retrying transient :class:`ProviderError`."""
    from docflow.integrations.settings import get_integrations_settings

    settings = get_integrations_settings()
    attempt = 0
    while True:
        attempt += 1
        asked = time.monotonic()
        wait = take_slot(tenant_id, provider, per_second)
        if wait > 0:
            sleep(wait)
        late = time.monotonic() - asked - wait
        try:
            return request()
        except ProviderError as error:
            if not error.transient or attempt >= settings.integrations_max_attempts:
                raise
            backoff = min(
                settings.integrations_backoff_base_seconds * 2 ** (attempt - 1),
                settings.integrations_backoff_max_seconds,
            )
            if (
                error.retry_after is not None
                and error.retry_after > settings.integrations_backoff_max_seconds
            ):
                raise
            sleep(max(backoff, error.retry_after or 0.0))
        finally:
            if late > LATE_SECONDS:
                push_slots(tenant_id, provider, late)


def retry_after(value: str | None) -> float | None:
    """Seconds of a ``Retry-After`` header (delta seconds only; an HTTP date is ignored)."""
    if not value:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return seconds if 0 <= seconds <= 86_400 else None

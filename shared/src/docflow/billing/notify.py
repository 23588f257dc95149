"""Billing notices to a tenant's owners (payment failed, action required, trial ending).

They are sent after the webhook's transaction committed, once per event. Delivery goes through the
installed :class:`Notifier`: functions that handle Stripe events install
:func:`docflow.email.notices.email_notice`; the default records a log line naming the notice and the
tenant only (never an address).
"""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Protocol

from docflow.observability import get_logger


class Notice(StrEnum):
    """The billing e-mails."""

    PAYMENT_FAILED = "payment_failed"
    PAYMENT_ACTION_REQUIRED = "payment_action_required"
    TRIAL_WILL_END = "trial_will_end"


class Notifier(Protocol):
    """Sends one notice to a tenant's owners."""

    def __call__(
        self, notice: Notice, tenant_id: uuid.UUID, owner_ids: list[uuid.UUID], reference: str = ""
    ) -> None: ...


def log_notice(notice: Notice, tenant_id: uuid.UUID, owner_ids: list[uuid.UUID], reference: str = "") -> None:
    """The default notifier: a log line per notice (``reference``, the Stripe event, is not logged)."""
    get_logger().info(
        "billing notice",
        extra={"notice": notice.value, "tenant_id": str(tenant_id), "recipients": len(owner_ids)},
    )


_notifier: list[Notifier] = [log_notice]


def install(notifier: Notifier) -> None:
    """Send notices through ``notifier`` from now on."""
    _notifier[0] = notifier


def send(notice: Notice, tenant_id: uuid.UUID, owner_ids: list[uuid.UUID], reference: str = "") -> None:
    """Send one notice through the installed notifier; ``reference`` (the Stripe event id) makes the
    e-mail's idempotency key, so a notice is mailed once per event."""
    _notifier[0](notice, tenant_id, owner_ids, reference)

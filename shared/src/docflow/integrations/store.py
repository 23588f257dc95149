"""The integrations table: connect (or rotate), describe, choose the target, remove; and, for the
background jobs only, load the opened secret.

Requests run these on their tenant's connection (role ``authenticated``, row level security: owners
and admins of the tenant only). The sealed columns are not readable by that role at all: what a
request can read back is the fingerprint and when the secret was set. :func:`load` runs in a system
transaction of the consumer and the webhook, and is the only place a secret is opened.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from docflow.integrations.sealing import SealedField, fingerprint, seal, unseal

if TYPE_CHECKING:
    from docflow.db import Connection

Provider = Literal["notion", "linear"]
PROVIDERS: tuple[Provider, ...] = ("notion", "linear")


@dataclass(frozen=True, slots=True)
class Described:
    """What the API shows of an integration: never the secret."""

    provider: str
    fingerprint: str
    set_at: datetime
    settings: dict[str, Any]
    external_account: str | None


@dataclass(frozen=True, slots=True)
class Opened:
    """An integration with its secrets opened, for the job that uses them. ``repr`` hides them."""

    tenant_id: uuid.UUID
    provider: str
    secret: str
    webhook_secret: str | None
    settings: dict[str, Any]
    external_account: str | None

    def __repr__(self) -> str:
        return f"Opened(tenant_id={self.tenant_id}, provider={self.provider!r}, secret=<sealed>)"


def connect(
    conn: Connection,
    *,
    tenant_id: uuid.UUID,
    provider: Provider,
    secret: str,
    webhook_secret: str | None = None,
    external_account: str | None = None,
) -> Described:
    """Store (or rotate) the tenant's secret for ``provider``, sealed under a new data key; the
    chosen target and mapping are kept across a rotation."""
    secrets = {"secret": secret}
    if webhook_secret:
        secrets["webhook"] = webhook_secret
    sealed = seal(tenant_id, provider, secrets)
    hook = sealed.fields.get("webhook")
    values = {
        "data_key": sealed.data_key,
        "secret_nonce": sealed.fields["secret"].nonce,
        "secret_sealed": sealed.fields["secret"].ciphertext,
        "webhook_nonce": hook.nonce if hook else None,
        "webhook_sealed": hook.ciphertext if hook else None,
        "fingerprint": fingerprint(secret),
        "external_account": external_account,
        "tenant_id": tenant_id,
        "provider": provider,
    }
    # An update first, then an insert: the request role may not read the sealed columns, which an
    # INSERT ... ON CONFLICT DO UPDATE would need. Two first connections at once: one gets a 409.
    row = conn.execute(
        """
        update public.integrations
           set data_key = %(data_key)s, secret_nonce = %(secret_nonce)s, secret_sealed = %(secret_sealed)s,
               webhook_nonce = %(webhook_nonce)s, webhook_sealed = %(webhook_sealed)s,
               fingerprint = %(fingerprint)s, external_account = %(external_account)s, set_at = now(),
               set_by = auth.uid()
         where tenant_id = %(tenant_id)s and provider = %(provider)s
        returning provider, fingerprint, set_at, settings, external_account
        """,
        values,
    ).fetchone()
    if row is None:
        from docflow.db.errors import translate_errors

        with translate_errors():
            row = conn.execute(
                """
                insert into public.integrations
                  (tenant_id, provider, data_key, secret_nonce, secret_sealed, webhook_nonce, webhook_sealed,
                   fingerprint, external_account)
                values (%(tenant_id)s, %(provider)s, %(data_key)s, %(secret_nonce)s, %(secret_sealed)s,
                        %(webhook_nonce)s, %(webhook_sealed)s, %(fingerprint)s, %(external_account)s)
                returning provider, fingerprint, set_at, settings, external_account
                """,
                values,
            ).fetchone()
    assert row is not None
    return _described(row)


def describe(conn: Connection, provider: Provider) -> Described | None:
    """The tenant's integration as the API shows it, or ``None`` when not connected."""
    row = conn.execute(
        "select provider, fingerprint, set_at, settings, external_account from public.integrations "
        "where tenant_id = app_private.current_tenant_id() and provider = %s",
        (provider,),
    ).fetchone()
    return _described(row) if row else None


def update_settings(conn: Connection, provider: Provider, settings: dict[str, Any]) -> Described | None:
    """Merge ``settings`` (target, mapping, thresholds) into the integration's; ``None`` when
    not connected."""
    row = conn.execute(
        """
        update public.integrations set settings = settings || %s::jsonb
         where tenant_id = app_private.current_tenant_id() and provider = %s
        returning provider, fingerprint, set_at, settings, external_account
        """,
        (json.dumps(settings), provider),
    ).fetchone()
    return _described(row) if row else None


def remove(conn: Connection, provider: Provider) -> bool:
    """Delete the integration (its queued work goes with it: the syncs stop); whether it existed."""
    row = conn.execute(
        "delete from public.integrations where tenant_id = app_private.current_tenant_id() and provider = %s "
        "returning provider",
        (provider,),
    ).fetchone()
    return row is not None


def load(
    conn: Connection, tenant_id: uuid.UUID, provider: Provider, *, opened_keys: dict[bytes, Any] | None = None
) -> Opened | None:
    """The integration with its secrets opened (system transactions only), or ``None``.

    The row is read every time (a removed or rotated secret is seen at once); ``opened_keys`` keeps
    what was opened under each sealed data key for the caller's batch, so a batch of one tenant's
    messages asks KMS once."""
    row = conn.execute(
        """
        select data_key, secret_nonce, secret_sealed, webhook_nonce, webhook_sealed, settings,
               external_account
          from public.integrations where tenant_id = %s and provider = %s
        """,
        (tenant_id, provider),
    ).fetchone()
    if row is None:
        return None
    fields = {"secret": SealedField(bytes(row["secret_nonce"]), bytes(row["secret_sealed"]))}
    if row["webhook_sealed"] is not None:
        fields["webhook"] = SealedField(bytes(row["webhook_nonce"]), bytes(row["webhook_sealed"]))
    data_key = bytes(row["data_key"])
    cache_key = data_key + str(tenant_id).encode() + provider.encode()
    opened = opened_keys.get(cache_key) if opened_keys is not None else None
    if opened is None:
        opened = unseal(tenant_id, provider, data_key, fields)
        if opened_keys is not None:
            opened_keys[cache_key] = opened
    return Opened(
        tenant_id=tenant_id,
        provider=provider,
        secret=opened["secret"],
        webhook_secret=opened.get("webhook"),
        settings=dict(row["settings"]),
        external_account=row["external_account"],
    )


def _described(row: dict[str, Any]) -> Described:
    return Described(
        provider=row["provider"],
        fingerprint=row["fingerprint"],
        set_at=row["set_at"],
        settings=dict(row["settings"]),
        external_account=row["external_account"],
    )

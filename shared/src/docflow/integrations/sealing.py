"""Envelope encryption of integration secrets with AWS KMS.

:func:`seal` asks KMS for a fresh AES-256 data key (``GenerateDataKey``, encryption context
``{tenant_id, provider}``), encrypts each secret with AES-GCM under it (the tenant, provider and field
as associated data) and keeps only the KMS-encrypted data key. :func:`unseal` asks KMS to decrypt the
data key under the same context, so a sealed row copied to another tenant or provider cannot be
opened. Plain data keys and secrets live only in local variables; nothing here logs them.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from dataclasses import dataclass

from docflow.integrations.errors import SealingUnavailable

NONCE_BYTES = 12


@dataclass(frozen=True, slots=True)
class SealedField:
    """One secret encrypted under the row's data key."""

    nonce: bytes
    ciphertext: bytes


@dataclass(frozen=True, slots=True)
class Sealed:
    """The KMS-encrypted data key and the fields sealed under it."""

    data_key: bytes
    fields: dict[str, SealedField]


def fingerprint(secret: str) -> str:
    """A short, stable, non-reversible identifier of a secret (first 16 hex digits of its SHA-256)."""
    return hashlib.sha256(secret.encode()).hexdigest()[:16]


def _context(tenant_id: uuid.UUID, provider: str) -> dict[str, str]:
    return {"tenant_id": str(tenant_id), "provider": provider}


def _aad(tenant_id: uuid.UUID, provider: str, name: str) -> bytes:
    return f"docflow:{tenant_id}:{provider}:{name}".encode()


def seal(tenant_id: uuid.UUID, provider: str, secrets: dict[str, str]) -> Sealed:
    """Seal ``secrets`` (field name -> value) for one tenant's provider under a new data key."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from docflow.aws import kms_client
    from docflow.integrations.settings import get_integrations_settings

    key_id = get_integrations_settings().integrations_kms_key_id
    try:
        answer = kms_client().generate_data_key(
            KeyId=key_id,
            KeySpec="AES_256",
            EncryptionContext=_context(tenant_id, provider),
        )
    except Exception as exc:  # botocore's errors: unreachable, refused, unknown key
        raise SealingUnavailable("The key service could not seal the secret; try again later") from exc
    aead = AESGCM(answer["Plaintext"])
    fields: dict[str, SealedField] = {}
    for name, value in secrets.items():
        nonce = os.urandom(NONCE_BYTES)
        fields[name] = SealedField(
            nonce, aead.encrypt(nonce, value.encode(), _aad(tenant_id, provider, name))
        )
    return Sealed(bytes(answer["CiphertextBlob"]), fields)


def unseal(
    tenant_id: uuid.UUID, provider: str, data_key: bytes, fields: dict[str, SealedField]
) -> dict[str, str]:
    """Open sealed ``fields`` of one tenant's provider (KMS decrypts the data key under its context)."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from docflow.aws import kms_client

    try:
        answer = kms_client().decrypt(
            CiphertextBlob=data_key, EncryptionContext=_context(tenant_id, provider)
        )
    except Exception as exc:
        raise SealingUnavailable("The key service could not open the secret") from exc
    aead = AESGCM(answer["Plaintext"])
    opened: dict[str, str] = {}
    for name, field in fields.items():
        try:
            opened[name] = aead.decrypt(
                field.nonce, field.ciphertext, _aad(tenant_id, provider, name)
            ).decode()
        except InvalidTag as exc:
            raise SealingUnavailable("A sealed secret does not belong to this integration") from exc
    return opened

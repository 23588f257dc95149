"""Errors of the integrations: each a problem for the API, and for the consumer either transient
(the message is retried) or permanent (the record's sync is marked failed)."""

from __future__ import annotations

from docflow.errors import Conflict, ServiceUnavailable, UpstreamError


class NotConnected(Conflict):
    """The tenant has not connected this provider (or removed it)."""

    code, title = "integration_not_connected", "Integration not connected"


class NotConfigured(Conflict):
    """The provider is connected but its target (Notion data source, Linear team) is not chosen."""

    code, title = "integration_not_configured", "Integration target not chosen"


class SealingUnavailable(ServiceUnavailable):
    """The key service could not seal or unseal a secret (KMS unreachable or refused)."""

    code, title = "integration_key_unavailable", "The key service is unavailable"


class ProviderError(UpstreamError):
    """Notion or Linear failed. ``transient``: worth retrying later (429, 5xx, timeouts); else the
    request itself was refused (bad token, unknown target, invalid input)."""

    code, title = "integration_provider_error", "The connected service refused or failed"

    def __init__(
        self, detail: str, *, provider: str, upstream: str, transient: bool, retry_after: float | None = None
    ) -> None:
        super().__init__(detail, extra={"provider": provider, "upstream_code": upstream})
        self.provider = provider
        self.upstream = upstream
        self.transient = transient
        self.retry_after = retry_after

"""Sentry for every Lambda: cheap to initialise, and nothing personal or secret leaves the process.

sentry-sdk's own ``EventScrubber`` only matches exact key names and never reads values, and local
variables are attached to every frame. Each event, transaction, breadcrumb and log therefore passes
through :mod:`docflow.pii` before it is sent. ``sentry_sdk`` is imported only when a DSN is configured.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from docflow.pii import scrub_mapping, scrub_text

if TYPE_CHECKING:
    from sentry_sdk._types import Breadcrumb, BreadcrumbHint, Event, Hint, Log

#: Event fields that hold SDK metadata, identifiers and timing only; copied without scrubbing.
EVENT_METADATA_KEYS: frozenset[str] = frozenset(
    {
        "event_id",
        "timestamp",
        "start_timestamp",
        "level",
        "platform",
        "sdk",
        "release",
        "environment",
        "server_name",
        "dist",
        "type",
        "modules",
        "debug_meta",
        "fingerprint",
    }
)
BREADCRUMB_METADATA_KEYS: frozenset[str] = frozenset({"timestamp", "type", "category", "level"})
LOG_METADATA_KEYS: frozenset[str] = frozenset(
    {"severity_text", "severity_number", "time_unix_nano", "trace_id", "span_id"}
)

_initialised = False


def is_sentry_enabled() -> bool:
    """Whether :func:`init_sentry` has set up a client in this process."""
    return _initialised


def init_sentry(
    *,
    dsn: str,
    environment: str,
    release: str | None = None,
    traces_sample_rate: float = 0.0,
    transport: object | None = None,
) -> bool:
    """Set up Sentry once per process; ``False`` (and nothing imported) when ``dsn`` is empty.

    Only the integrations DocFlow needs are loaded (AWS Lambda, error logs, dedupe, flush at exit):
    sentry-sdk's defaults import every library it can instrument, which costs hundreds of
    milliseconds of cold start. A second call is a no-op that reports whether Sentry is on.
    """
    global _initialised  # noqa: PLW0603 - one client per process, like sentry_sdk itself
    if _initialised:
        return True
    if not dsn:
        return False

    import logging

    import sentry_sdk
    from sentry_sdk.consts import DEFAULT_OPTIONS
    from sentry_sdk.integrations.atexit import AtexitIntegration
    from sentry_sdk.integrations.aws_lambda import AwsLambdaIntegration
    from sentry_sdk.integrations.dedupe import DedupeIntegration
    from sentry_sdk.integrations.logging import LoggingIntegration

    options: dict[str, Any] = {
        "dsn": dsn,
        "environment": environment,
        "release": release,
        "traces_sample_rate": traces_sample_rate,
        "include_local_variables": True,
        "max_request_body_size": "never",
        "default_integrations": False,
        "auto_enabling_integrations": False,
        "integrations": [
            AwsLambdaIntegration(timeout_warning=True),
            LoggingIntegration(level=logging.INFO, event_level=logging.ERROR),
            DedupeIntegration(),
            AtexitIntegration(),
        ],
        "before_send": before_send,
        "before_send_transaction": before_send,
        "before_breadcrumb": before_breadcrumb,
    }
    if transport is not None:
        options["transport"] = transport
    if "data_collection" not in DEFAULT_OPTIONS:
        # Newer SDKs deprecate the flag; left unset they collect no personal data by default and keep
        # their EventScrubber (which an explicit ``data_collection`` would switch off).
        options["send_default_pii"] = False
    if "before_send_log" in DEFAULT_OPTIONS:
        options["before_send_log"] = before_send_log
    else:  # sentry-sdk before 2.35 reads it from the experiments
        options["_experiments"] = {"before_send_log": before_send_log}
    sentry_sdk.init(**options)
    _initialised = True
    return True


def shutdown_sentry(timeout: float = 2.0) -> None:
    """Flush and close the client and forget it, so :func:`init_sentry` may run again (tests, tools)."""
    global _initialised  # noqa: PLW0603
    if not _initialised:
        return
    import sentry_sdk

    sentry_sdk.get_client().close(timeout=timeout)
    sentry_sdk.get_global_scope().set_client(None)
    _initialised = False


def set_tenant_context(tenant_id: str | None, user_id: str | None = None) -> None:
    """Tag the current request's events with the tenant and the user's id (never an email or name)."""
    if not _initialised:
        return
    import sentry_sdk

    if tenant_id:
        sentry_sdk.set_tag("tenant_id", tenant_id)
    else:
        sentry_sdk.get_isolation_scope().remove_tag("tenant_id")
    sentry_sdk.set_user({"id": user_id} if user_id else None)


def scrub_event(event: Mapping[str, Any]) -> dict[str, Any]:
    """A scrubbed copy of a Sentry event: every value through the PII scrubber, the user reduced to
    its id, SDK metadata kept."""
    fields = {key: value for key, value in event.items() if key != "user"}
    scrubbed = cast("dict[str, Any]", scrub_mapping(fields, keep=EVENT_METADATA_KEYS))
    user = event.get("user")
    if isinstance(user, Mapping) and user.get("id") is not None:
        scrubbed["user"] = {"id": scrub_text(str(user["id"]))}
    return scrubbed


def before_send(event: Event, hint: Hint) -> Event | None:
    """``before_send`` / ``before_send_transaction`` hook: scrub the whole event."""
    return cast("Event", scrub_event(cast("Mapping[str, Any]", event)))


def before_breadcrumb(crumb: Breadcrumb, hint: BreadcrumbHint) -> Breadcrumb | None:
    """``before_breadcrumb`` hook: scrub the message and data of a breadcrumb."""
    return cast("Breadcrumb", scrub_mapping(crumb, keep=BREADCRUMB_METADATA_KEYS))


def before_send_log(log: Log, hint: Hint) -> Log | None:
    """``before_send_log`` hook: scrub the body and attributes of a Sentry log."""
    return cast("Log", scrub_mapping(cast("Mapping[str, Any]", log), keep=LOG_METADATA_KEYS))

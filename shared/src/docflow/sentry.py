"""Sentry for every Lambda: started on the first event it must send, and nothing personal or secret
leaves the process.

Importing ``sentry_sdk`` and initialising it costs about 200 ms, close to half of a bare cold start.
A function therefore only *configures* Sentry at cold start (:func:`configure_sentry`: the options
are kept, nothing is imported) and :func:`ensure_sentry` initialises it when the first event has to
go out: an exception reported by the HTTP layer (a 500), a record logged at ERROR or above (5xx
problems, Mangum's own failures), an exception escaping the Lambda handler, or an explicit capture.
The record or exception that triggers the start is itself sent. Until then, breadcrumbs (INFO logs)
are not kept; the tenant and user of the request are (:func:`set_tenant_context`).

sentry-sdk's own ``EventScrubber`` only matches exact key names and never reads values, and local
variables are attached to every frame. Each event, transaction, breadcrumb and log therefore passes
through :mod:`docflow.pii` before it is sent.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, cast

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
#: Options of a configured Sentry not started yet (:func:`configure_sentry`).
_pending: dict[str, Any] | None = None
_start_lock = threading.Lock()
#: The tenant and user of the current request, kept while Sentry has not started yet. A mutable
#: holder set per request (:func:`begin_request`), so that worker threads of sync routes (which run
#: in a copy of the request's context) fill in the one the request's error handlers read.
_pending_tenant: ContextVar[list[str | None] | None] = ContextVar("docflow_sentry_tenant", default=None)
_log_trigger_installed = False


def is_sentry_enabled() -> bool:
    """Whether a Sentry client is running in this process (started eagerly or by a first event)."""
    return _initialised


def is_sentry_configured() -> bool:
    """Whether errors of this process are reported: Sentry is running or starts on the first event."""
    return _initialised or _pending is not None


def configure_sentry(
    *,
    dsn: str,
    environment: str,
    release: str | None = None,
    traces_sample_rate: float = 0.0,
    transport: object | None = None,
) -> bool:
    """Arrange for Sentry to start on the first event it must send; ``False`` when ``dsn`` is empty.

    Imports nothing: the options are kept for :func:`ensure_sentry`, and a hook on ``logging`` starts
    Sentry on the first record at ERROR or above (the record is sent, as the SDK's logging integration
    would have sent it).
    """
    global _pending  # noqa: PLW0603 - one client per process, like sentry_sdk itself
    if _initialised:
        return True
    if not dsn:
        return False
    _pending = {
        "dsn": dsn,
        "environment": environment,
        "release": release,
        "traces_sample_rate": traces_sample_rate,
        "transport": transport,
    }
    _install_log_trigger()
    return True


def ensure_sentry() -> bool:
    """Start a configured Sentry now if it has not started; returns whether Sentry is running."""
    global _pending
    if _initialised:
        return True
    with _start_lock:  # another thread may have started it meanwhile: then nothing is pending
        options, _pending = _pending, None
        if options is None:
            return is_sentry_enabled()
        init_sentry(**options)
    tenant = _pending_tenant.get()
    if tenant is not None:
        set_tenant_context(tenant[0], tenant[1])
    return True


def begin_request() -> None:
    """Forget the tenant and user a previous request left for a Sentry that has not started."""
    _pending_tenant.set([None, None])


def _install_log_trigger() -> None:
    """Start Sentry on the first ERROR record of any logger, and hand it that record.

    Wraps ``logging.Logger.callHandlers`` as the SDK's logging integration does (so loggers that do
    not propagate, like Powertools', are seen too). Once Sentry runs, its own wrapper handles records
    and this one only passes them on.
    """
    global _log_trigger_installed  # noqa: PLW0603
    if _log_trigger_installed:
        return
    original = logging.Logger.callHandlers

    def call_handlers(self: logging.Logger, record: logging.LogRecord) -> None:
        if (
            _pending is not None
            and record.levelno >= logging.ERROR
            and not record.name.startswith(("sentry_sdk", "urllib3"))
            and ensure_sentry()
        ):
            _send_log_record(record)
        original(self, record)

    logging.Logger.callHandlers = call_handlers  # type: ignore[method-assign]
    _log_trigger_installed = True


def _send_log_record(record: logging.LogRecord) -> None:
    """Give the record that started Sentry to the SDK's logging integration (event and breadcrumb)."""
    import sentry_sdk
    from sentry_sdk.integrations.logging import LoggingIntegration

    integration = sentry_sdk.get_client().get_integration(LoggingIntegration)
    if integration is not None:
        integration._handle_record(record)


def init_sentry(
    *,
    dsn: str,
    environment: str,
    release: str | None = None,
    traces_sample_rate: float = 0.0,
    transport: object | None = None,
) -> bool:
    """Set up Sentry now, once per process; ``False`` (and nothing imported) when ``dsn`` is empty.

    Only the integrations DocFlow needs are loaded (AWS Lambda, error logs, dedupe, flush at exit):
    sentry-sdk's defaults import every library it can instrument, which costs hundreds of
    milliseconds of cold start. A second call is a no-op that reports whether Sentry is on.
    """
    global _initialised  # noqa: PLW0603 - one client per process, like sentry_sdk itself
    if _initialised:
        return True
    if not dsn:
        return False

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
    """Flush and close the client and forget it (and any pending configuration), so Sentry may be
    set up again (tests, tools)."""
    global _initialised, _pending  # noqa: PLW0603
    _pending = None
    if not _initialised:
        return
    import sentry_sdk

    sentry_sdk.get_client().close(timeout=timeout)
    sentry_sdk.get_global_scope().set_client(None)
    _initialised = False


def flush_sentry(timeout: float = 2.0) -> None:
    """Send what is queued before Lambda freezes the process (no-op while Sentry has not started)."""
    if not _initialised:
        return
    import sentry_sdk

    sentry_sdk.flush(timeout=timeout)


def set_tenant_context(tenant_id: str | None, user_id: str | None = None) -> None:
    """Tag the current request's events with the tenant and the user's id (never an email or name).

    While Sentry has not started, the pair is kept for the request and applied if it starts.
    """
    if not _initialised:
        if _pending is not None:
            holder = _pending_tenant.get()
            if holder is None:
                _pending_tenant.set([tenant_id, user_id])
            else:
                holder[:] = [tenant_id, user_id]
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
    from docflow.pii import scrub_mapping, scrub_text

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
    from docflow.pii import scrub_mapping

    return cast("Breadcrumb", scrub_mapping(crumb, keep=BREADCRUMB_METADATA_KEYS))


def before_send_log(log: Log, hint: Hint) -> Log | None:
    """``before_send_log`` hook: scrub the body and attributes of a Sentry log."""
    from docflow.pii import scrub_mapping

    return cast("Log", scrub_mapping(cast("Mapping[str, Any]", log), keep=LOG_METADATA_KEYS))

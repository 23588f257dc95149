"""Log scrubbing: a Powertools formatter for the Lambdas and a stdlib filter for everything else.

Both scrub every record before it is written: the message and its arguments, extra keys and the
formatted exception. Powertools' own fields (level, location, request and trace ids, ...) are kept.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, ClassVar

from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

from docflow.pii.mapping import scrub_mapping
from docflow.pii.scrubber import scrub_text

if TYPE_CHECKING:
    from aws_lambda_powertools.logging.types import LogRecord

#: Structured-log keys written by Powertools (and DocFlow's tenant and user ids) copied unscrubbed.
KEPT_LOG_KEYS: frozenset[str] = frozenset(
    {
        "level",
        "location",
        "timestamp",
        "service",
        "cold_start",
        "function_name",
        "function_memory_size",
        "function_arn",
        "function_request_id",
        "correlation_id",
        "xray_trace_id",
        "sampling_rate",
        "tenant_id",
        "user_id",
    }
)


class ScrubbingFormatter(LambdaPowertoolsFormatter):
    """Powertools JSON formatter that scrubs each structured record before serialising it.

    ``Logger(service=..., logger_formatter=ScrubbingFormatter())``
    """

    def serialize(self, log: LogRecord) -> str:
        """Scrub every field except :data:`KEPT_LOG_KEYS`, then serialise as Powertools does."""
        return super().serialize(log=scrub_mapping(log, keep=KEPT_LOG_KEYS))


class ScrubbingFilter(logging.Filter):
    """Scrubs records in place for plain :mod:`logging` handlers (local server, command line).

    Attach it to a handler (``handler.addFilter(ScrubbingFilter())``) so that it runs for records
    from every logger. The exception text is formatted and scrubbed here, so that formatters reuse
    the scrubbed text instead of formatting the traceback again.
    """

    _STANDARD_ATTRIBUTES: ClassVar[frozenset[str]] = frozenset(
        logging.LogRecord("", 0, "", 0, "", None, None).__dict__
    ) | {"message", "asctime"}
    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # arguments that do not fit the format: keep both, scrubbed
            message = f"{record.msg} {record.args}"
        record.msg = scrub_text(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub_text(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub_text(record.stack_info)
        extras: dict[str, Any] = {
            key: value for key, value in record.__dict__.items() if key not in self._STANDARD_ATTRIBUTES
        }
        for key, value in scrub_mapping(extras).items():
            setattr(record, key, value)
        return True

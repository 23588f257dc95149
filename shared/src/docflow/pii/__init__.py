"""PII and credential scrubbing for logs, Sentry events and text sent to third parties.

Imports only the standard library (``re``), so every Lambda can import it at cold start.
"""

from docflow.pii.mapping import REDACTED, SENSITIVE_KEYS, is_sensitive_key, scrub_mapping
from docflow.pii.scrubber import Entity, EntityKind, find_entities, marker, scrub_bytes, scrub_text

__all__ = [
    "REDACTED",
    "SENSITIVE_KEYS",
    "Entity",
    "EntityKind",
    "find_entities",
    "is_sensitive_key",
    "marker",
    "scrub_bytes",
    "scrub_mapping",
    "scrub_text",
]

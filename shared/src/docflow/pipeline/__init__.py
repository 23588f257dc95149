"""Receipt processing: S3 ``ObjectCreated`` events in, stored fields and a final status out.

:mod:`docflow.pipeline.steps` lists the steps in order; :func:`process_record` runs them for one
event record; the database (guarded state transitions) makes every delivery idempotent.
"""

from docflow.pipeline.events import ObjectCreated, parse_s3_event
from docflow.pipeline.keys import UploadKey, build_upload_key, parse_upload_key, safe_filename
from docflow.pipeline.runner import ProcessingResult, process_event, process_record

__all__ = [
    "ObjectCreated",
    "ProcessingResult",
    "UploadKey",
    "build_upload_key",
    "parse_s3_event",
    "parse_upload_key",
    "process_event",
    "process_record",
    "safe_filename",
]

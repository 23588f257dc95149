"""Receipt processing: S3 ``ObjectCreated`` events in, stored fields and a final status out.

:mod:`docflow.pipeline.steps` lists the steps in order; :func:`docflow.pipeline.runner.process_record`
runs them for one event record; the database (guarded state transitions) makes every delivery
idempotent. This package only exports the light parts (keys, events): the receipts API imports them
without loading the reading engine.
"""

from docflow.pipeline.events import ObjectCreated, parse_s3_event
from docflow.pipeline.keys import UploadKey, build_upload_key, parse_upload_key, safe_filename

__all__ = [
    "ObjectCreated",
    "UploadKey",
    "build_upload_key",
    "parse_s3_event",
    "parse_upload_key",
    "safe_filename",
]

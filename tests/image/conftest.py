"""The OCR image's checks run only from ``make image-check``, which builds the image first and names it
in ``DOCFLOW_IMAGE``; the plain suite does not collect them."""

from __future__ import annotations

import os

from tests.support.receipt_pipeline import (  # noqa: F401 (fixtures)
    client,
    db,
    headers,
    receipt_image,
    receipt_png,
    s3_bucket,
    upload,
)

collect_ignore_glob = [] if os.environ.get("DOCFLOW_IMAGE") else ["test_*.py"]

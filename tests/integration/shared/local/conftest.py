"""The receipt pipeline fixtures (``tests.support.receipt_pipeline``), for the local S3 tests."""

from tests.support.receipt_pipeline import (  # noqa: F401 (fixtures)
    client,
    headers,
    receipt_image,
    receipt_png,
    s3_bucket,
)

"""The receipt pipeline fixtures (``tests.support.receipt_pipeline``), for the tests of this folder."""

from tests.support.receipt_pipeline import (  # noqa: F401 (fixtures)
    client,
    counted_scan,
    db,
    fake_scan,
    headers,
    receipt_image,
    receipt_png,
    s3_bucket,
    upload,
)

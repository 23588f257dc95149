"""The OCR container function: synchronous ``POST /api/v1/ocr`` and the S3 upload trigger."""

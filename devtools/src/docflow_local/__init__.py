"""The local stack: embedded PostgreSQL, a local S3 endpoint and every route group on one server.

A development-only distribution (``devtools/``, ``docflow-local``): used by ``make dev``, the
``docflow`` development commands and the test session; never part of the SharedLayer or the OCR
image, and never imported by the ``docflow`` package.
"""

"""The local stack: embedded PostgreSQL, a local S3 endpoint and every route group on one server.

Used by ``make dev`` and by the test session; never imported by a Lambda function.
"""

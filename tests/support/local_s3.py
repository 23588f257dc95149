"""One moto S3 server per test session, on the session's ``S3_ENDPOINT_URL`` port, shared by every
test package that needs S3 (started on first use, stopped at exit)."""

from __future__ import annotations

import atexit
import threading
from typing import Any

_lock = threading.Lock()
_servers: list[Any] = []


def ensure_receipts_bucket() -> str:
    """Start the server if needed and create the versioned receipts bucket; returns its name."""
    from docflow.aws import reset_clients, s3_client
    from docflow.config import get_settings

    settings = get_settings()
    with _lock:
        if not _servers:
            from docflow_local.s3_policy import PolicyCheckingMotoServer

            assert settings.s3_endpoint_url is not None
            port = int(settings.s3_endpoint_url.rsplit(":", 1)[1])
            # POST policies are enforced as S3 does (moto alone ignores them)
            server = PolicyCheckingMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
            server.start()
            atexit.register(server.stop)
            _servers.append(server)
            reset_clients()
            s3 = s3_client()
            location: Any = {"LocationConstraint": settings.aws_region}
            s3.create_bucket(Bucket=settings.receipts_bucket, CreateBucketConfiguration=location)
            versioning: Any = {"Status": "Enabled"}
            s3.put_bucket_versioning(Bucket=settings.receipts_bucket, VersioningConfiguration=versioning)
    return settings.receipts_bucket

"""Cached boto3 clients; boto3 is imported on first use so cold starts that never touch AWS skip it."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

from docflow.config import get_settings

if TYPE_CHECKING:
    from botocore.config import Config
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_sqs import SQSClient


def _config() -> Config:
    from botocore.config import Config

    settings = get_settings()
    return Config(
        region_name=settings.aws_region,
        signature_version="s3v4",
        connect_timeout=3,
        read_timeout=10,
        retries={"max_attempts": 3, "mode": "standard"},
        s3={"addressing_style": "path" if settings.s3_endpoint_url else "auto"},
    )


@lru_cache(maxsize=1)
def s3_client() -> S3Client:
    """The process-wide S3 client (the local endpoint when ``S3_ENDPOINT_URL`` is set)."""
    import boto3

    settings = get_settings()
    return boto3.client(
        "s3",
        endpoint_url=settings.s3_endpoint_url or None,
        region_name=settings.aws_region,
        config=_config(),
    )


@lru_cache(maxsize=1)
def sqs_client() -> SQSClient:
    """The process-wide SQS client (the local stack's bucket notifications queue)."""
    import boto3

    settings = get_settings()
    return boto3.client("sqs", endpoint_url=settings.s3_endpoint_url or None, region_name=settings.aws_region)


@lru_cache(maxsize=1)
def kms_client() -> Any:
    """The process-wide KMS client (the local stack's moto server when ``S3_ENDPOINT_URL`` is set)."""
    import boto3

    settings = get_settings()
    return boto3.client(
        "kms",
        endpoint_url=settings.s3_endpoint_url or None,
        region_name=settings.aws_region,
        config=_config(),
    )


def reset_clients() -> None:
    """Forget the cached clients (tests and the local stack change the endpoint)."""
    s3_client.cache_clear()
    sqs_client.cache_clear()
    kms_client.cache_clear()

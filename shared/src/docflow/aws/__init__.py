"""AWS clients created lazily and cached per process (boto3 comes with the Lambda runtime).

``S3_ENDPOINT_URL`` points them at the local S3 (moto) in the local stack and the tests.
"""

from docflow.aws.clients import kms_client, reset_clients, s3_client, sqs_client

__all__ = ["kms_client", "reset_clients", "s3_client", "sqs_client"]

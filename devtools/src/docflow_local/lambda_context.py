"""A stand-in for the Lambda context object, for handlers run locally (``docflow invoke``, the S3 poller)."""

from __future__ import annotations

import uuid


class LocalLambdaContext:
    """The attributes of a Lambda context that our handlers and Powertools read."""

    function_name = "docflow-local"
    function_version = "$LATEST"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:eu-north-1:000000000000:function:docflow-local"

    def __init__(self, name: str) -> None:
        self.function_name = f"docflow-local-{name}"
        self.aws_request_id = str(uuid.uuid4())

    def get_remaining_time_in_millis(self) -> int:
        """Lambda's countdown; locally there is always time left."""
        return 900_000

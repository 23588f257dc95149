"""Lambda entry point of the receipts function."""

from docflow import snapstart
from docflow.http import create_app, make_handler
from docflow_receipts_api.routes import router

app = create_app(router, title="DocFlow receipts")
handler = make_handler(app)
# An upload's first request signs an S3 URL: boto3 (about 0.25 s) is loaded into the snapshot.
snapstart.warm_before_snapshot("boto3", "docflow.aws.clients")

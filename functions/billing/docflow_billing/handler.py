"""Lambda entry point of the billing function."""

from docflow.http import create_app, make_handler
from docflow_billing.routes import router

app = create_app(router, title="DocFlow billing", max_body_bytes=4096)
handler = make_handler(app)

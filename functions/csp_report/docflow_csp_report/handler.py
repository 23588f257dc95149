"""Lambda entry point of the csp_report function."""

from docflow.http import create_app, make_handler
from docflow_csp_report.parse import MAX_BODY_BYTES
from docflow_csp_report.routes import router

app = create_app(router, title="DocFlow CSP reports", max_body_bytes=MAX_BODY_BYTES)
handler = make_handler(app)

"""Lambda entry point of the Linear webhook function."""

from docflow.http import create_app, make_handler
from docflow_linear_webhook.routes import router

app = create_app(router, title="DocFlow Linear webhook", max_body_bytes=262_144)
handler = make_handler(app)

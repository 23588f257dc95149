"""Lambda entry point of the linear function."""

from docflow.http import create_app, make_handler
from docflow_linear.routes import router

app = create_app(router, title="DocFlow Linear", max_body_bytes=32_768)
handler = make_handler(app)

"""Lambda entry point of the AI function."""

from docflow.http import create_app, make_handler
from docflow_ai.routes import router

app = create_app(router, title="DocFlow AI", max_body_bytes=16384)
handler = make_handler(app)

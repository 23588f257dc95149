"""Lambda entry point of the health function."""

from docflow.http import create_app, make_handler
from docflow_health.routes import router

app = create_app(router, title="DocFlow health")
handler = make_handler(app)

"""Lambda entry point of the clients function."""

from docflow.http import create_app, make_handler
from docflow_clients.routes import router

app = create_app(router, title="DocFlow clients")
handler = make_handler(app)

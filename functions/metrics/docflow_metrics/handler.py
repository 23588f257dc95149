"""Lambda entry point of the metrics function."""

from docflow.http import create_app, make_handler
from docflow_metrics.routes import router

app = create_app(router, title="DocFlow metrics")
handler = make_handler(app)

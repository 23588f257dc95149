"""Lambda entry point of the finance function."""

from docflow.http import create_app, make_handler
from docflow_finance.routes import router

app = create_app(router, title="DocFlow finance")
handler = make_handler(app)

"""Lambda entry point of the receipts function."""

from docflow.http import create_app, make_handler
from docflow_receipts_api.routes import router

app = create_app(router, title="DocFlow receipts")
handler = make_handler(app)

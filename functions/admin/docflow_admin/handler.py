"""Lambda entry point of the admin function."""

from docflow.http import create_app, make_handler
from docflow_admin.routes import router

app = create_app(router, title="DocFlow admin", description="Platform administration (DocFlow staff only).")
handler = make_handler(app)

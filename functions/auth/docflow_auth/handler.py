"""Lambda entry point of the auth function."""

from docflow.http import create_app, make_handler
from docflow_auth import sessions, tenants
from docflow_auth.routes import router

app = create_app(router, sessions.router, tenants.router, title="DocFlow auth")
handler = make_handler(app)

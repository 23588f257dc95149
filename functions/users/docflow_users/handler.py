"""Lambda entry point of the users function."""

from docflow.http import create_app, make_handler
from docflow_users.routes import router

app = create_app(router, title="DocFlow users")
handler = make_handler(app)

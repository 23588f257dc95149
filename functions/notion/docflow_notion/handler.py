"""Lambda entry point of the notion function."""

from docflow.http import create_app, make_handler
from docflow_notion.routes import router

app = create_app(router, title="DocFlow Notion", max_body_bytes=32_768)
handler = make_handler(app)

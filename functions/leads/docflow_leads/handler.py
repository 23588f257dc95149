"""Lambda entry point of the leads function."""

from docflow.http import create_app, make_handler
from docflow_leads.forms import router as forms_router
from docflow_leads.routes import router

app = create_app(forms_router, router, title="DocFlow leads", max_body_bytes=32_768)
handler = make_handler(app)

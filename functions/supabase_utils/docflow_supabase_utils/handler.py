"""Lambda entry point of the database utilities function."""

from docflow.http import create_app, make_handler
from docflow_supabase_utils.routes import router

app = create_app(
    router,
    title="DocFlow database utilities",
    description="Migration status, database health and the RLS self-check (DocFlow staff only).",
)
handler = make_handler(app)

"""HTTP plumbing shared by every route group: the app factory, dependencies, problems, handler."""

from docflow.http.app import create_app
from docflow.http.handler import make_handler

__all__ = ["create_app", "make_handler"]

"""Liveness and readiness of the API (``GET /health``; ``?deep=true`` also checks the database)."""

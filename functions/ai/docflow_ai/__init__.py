"""The AI function: ``/api/v1/ai``."""

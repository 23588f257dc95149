"""Database utilities for platform administrators: migration status, health, RLS self-check."""

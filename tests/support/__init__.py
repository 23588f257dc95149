"""Helpers shared by DocFlow's test suites (fake services, token corpora)."""

"""Platform administration: tenants with their usage, suspension, and the audit log."""

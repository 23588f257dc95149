"""``/api/v1/linear``: connect a tenant's Linear workspace, choose its team, open support requests."""

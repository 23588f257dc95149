"""The Linear webhook: ``POST /api/v1/webhooks/linear`` (signed by Linear, no user token)."""

"""The Resend webhook: ``POST /api/v1/webhooks/resend`` (signed by Resend through Svix, no user token)."""

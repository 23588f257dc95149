"""The Stripe webhook: ``POST /api/v1/stripe/webhook`` (signed by Stripe, no user token), and the same
processing for events delivered through Amazon EventBridge."""

"""Billing: plans and their limits, entitlements read from PostgreSQL, Stripe access and its webhook.

Nothing here calls Stripe on a request path except Checkout and the customer portal; the plan a tenant
is on is the state the webhook (and the daily reconciliation) stored, read by
:mod:`docflow.billing.entitlements`.
"""

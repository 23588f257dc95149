"""Transactional e-mail through Resend: templates per locale, an idempotent send log per tenant, sends
after the commit of the change that causes them, and the delivery webhook's signature."""

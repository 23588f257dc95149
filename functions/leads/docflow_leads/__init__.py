"""Leads: the website's contact form (public) and the tenant's work on the leads it brings in."""

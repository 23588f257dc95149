"""Who am I: the authenticated principal, their tenant memberships and the current tenant."""

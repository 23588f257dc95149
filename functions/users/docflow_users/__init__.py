"""Members of the current tenant (list, invite, change role, remove, leave) and each user's profile."""

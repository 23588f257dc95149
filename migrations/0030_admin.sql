-- Platform administration: indexes for the admin console's tenant list and audit log filters.
-- Admin routes read through named system transactions (service_role); no new grants to clients.

create index if not exists tenants_created_id_idx on public.tenants (created_at, id);
create index if not exists tenants_status_idx on public.tenants (status) where status <> 'active';
create index if not exists audit_log_actor_id_idx on public.audit_log (actor_user_id, id desc);
create index if not exists audit_log_action_id_idx on public.audit_log (action text_pattern_ops, id desc);

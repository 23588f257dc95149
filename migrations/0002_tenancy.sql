-- Tenancy: tenants, their members with roles, platform administrators, the audit log, and the
-- row level security that makes the database itself the wall between tenants.
--
-- A request runs as role `authenticated` with its verified claims in `request.jwt.claims`, including
-- `tenant_id`, the tenant it acts for (checked against tenant_members by the API before it is set, and
-- again here by every policy). Helpers that read membership are SECURITY DEFINER functions in the
-- non-exposed schema `app_private`, with an empty search_path and EXECUTE revoked from PUBLIC.

create schema if not exists app_private;
revoke all on schema app_private from public;
grant usage on schema app_private to authenticated, service_role;
grant usage on schema public to anon, authenticated, service_role;

-- The runtime login role: owns nothing, no BYPASSRLS, inherits nothing. Each transaction switches to
-- `authenticated` (requests) or `service_role` (named system jobs) with SET LOCAL ROLE.
-- Its LOGIN and password are set per environment, outside migrations.
do $$
begin
  if not exists (select from pg_roles where rolname = 'docflow_app') then
    create role docflow_app nologin noinherit nosuperuser nocreatedb nocreaterole nobypassrls;
  end if;
end
$$;
grant anon, authenticated, service_role to docflow_app;

create table public.tenants (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(btrim(name)) between 1 and 200),
  status text not null default 'active' check (status in ('active', 'suspended')),
  created_at timestamptz not null default now(),
  suspended_at timestamptz
);

create table public.tenant_members (
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role text not null check (role in ('owner', 'admin', 'member', 'viewer')),
  created_at timestamptz not null default now(),
  primary key (tenant_id, user_id)
);
create index tenant_members_user_id_idx on public.tenant_members (user_id);

-- DocFlow staff. No tenant role grants this; only a migration or an operator adds rows.
create table public.platform_admins (
  user_id uuid primary key references auth.users (id) on delete cascade,
  created_at timestamptz not null default now()
);

-- Append-only record of sensitive actions.
create table public.audit_log (
  id bigint generated always as identity primary key,
  tenant_id uuid references public.tenants (id) on delete set null,
  actor_user_id uuid,
  action text not null check (length(action) between 1 and 100),
  target_type text,
  target_id text,
  details jsonb not null default '{}'::jsonb,
  correlation_id text,
  created_at timestamptz not null default now()
);
create index audit_log_tenant_created_idx on public.audit_log (tenant_id, created_at desc);

-- Claims helpers. An empty setting (what a finished transaction leaves behind) reads as NULL, and a
-- missing or malformed tenant id fails closed.
create function app_private.current_tenant_id() returns uuid
  language sql stable
  set search_path = ''
  as $$
    select nullif(nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'tenant_id', '')::uuid
  $$;

create function app_private.current_tenant_role() returns text
  language sql stable security definer
  set search_path = ''
  as $$
    select m.role
      from public.tenant_members m
      join public.tenants t on t.id = m.tenant_id
     where m.tenant_id = app_private.current_tenant_id()
       and m.user_id = auth.uid()
       and t.status = 'active'
  $$;

create function app_private.is_tenant_member() returns boolean
  language sql stable
  set search_path = ''
  as $$ select app_private.current_tenant_role() is not null $$;

create function app_private.has_tenant_role(roles text[]) returns boolean
  language sql stable
  set search_path = ''
  as $$ select coalesce(app_private.current_tenant_role() = any (roles), false) $$;

create function app_private.my_tenant_ids() returns setof uuid
  language sql stable security definer
  set search_path = ''
  as $$ select m.tenant_id from public.tenant_members m where m.user_id = auth.uid() $$;

create function app_private.is_platform_admin() returns boolean
  language sql stable security definer
  set search_path = ''
  as $$ select exists (select from public.platform_admins a where a.user_id = auth.uid()) $$;

revoke all on all functions in schema app_private from public;
grant execute on all functions in schema app_private to authenticated, service_role;

-- Row level security: enabled and forced on every table in `public`.
alter table public.tenants enable row level security;
alter table public.tenants force row level security;
alter table public.tenant_members enable row level security;
alter table public.tenant_members force row level security;
alter table public.platform_admins enable row level security;
alter table public.platform_admins force row level security;
alter table public.audit_log enable row level security;
alter table public.audit_log force row level security;

create policy tenants_select on public.tenants for select to authenticated
  using (id in (select app_private.my_tenant_ids()) or (select app_private.is_platform_admin()));
create policy tenants_update on public.tenants for update to authenticated
  using (id = (select app_private.current_tenant_id())
         and (select app_private.has_tenant_role(array['owner', 'admin'])))
  with check (id = (select app_private.current_tenant_id()));

create policy members_select on public.tenant_members for select to authenticated
  using ((tenant_id = (select app_private.current_tenant_id()) and (select app_private.is_tenant_member()))
         or user_id = (select auth.uid()));
create policy members_insert on public.tenant_members for insert to authenticated
  with check (tenant_id = (select app_private.current_tenant_id())
              and (select app_private.has_tenant_role(array['owner', 'admin'])));
create policy members_update on public.tenant_members for update to authenticated
  using (tenant_id = (select app_private.current_tenant_id())
         and (select app_private.has_tenant_role(array['owner', 'admin'])))
  with check (tenant_id = (select app_private.current_tenant_id()));
create policy members_delete on public.tenant_members for delete to authenticated
  using (tenant_id = (select app_private.current_tenant_id())
         and ((select app_private.has_tenant_role(array['owner', 'admin'])) or user_id = (select auth.uid())));

create policy platform_admins_select_self on public.platform_admins for select to authenticated
  using (user_id = (select auth.uid()));

create policy audit_select on public.audit_log for select to authenticated
  using ((tenant_id = (select app_private.current_tenant_id())
          and (select app_private.has_tenant_role(array['owner', 'admin'])))
         or (select app_private.is_platform_admin()));
create policy audit_insert on public.audit_log for insert to authenticated
  with check (tenant_id = (select app_private.current_tenant_id())
              and (select app_private.is_tenant_member())
              and actor_user_id = (select auth.uid()));

-- Privileges: columns a client may write are listed; everything else is read-only to requests.
grant select on public.tenants to authenticated;
grant update (name) on public.tenants to authenticated;
grant select, insert, delete on public.tenant_members to authenticated;
grant update (role) on public.tenant_members to authenticated;
grant select on public.platform_admins to authenticated;
grant select, insert on public.audit_log to authenticated;
grant select, insert, update, delete on all tables in schema public to service_role;
grant usage on all sequences in schema public to authenticated, service_role;

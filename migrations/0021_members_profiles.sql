-- Members and profiles: the rules of tenant membership enforced by the database itself, the member
-- directory of the current tenant, each user's own profile, and tenant creation for a new sign-up.

-- Membership rules, checked on every change of tenant_members whatever the caller:
--   * a tenant keeps at least one owner (no demoting or removing the last one);
--   * acting through a request, an admin can neither touch an owner nor make one.
-- Removals that come from deleting the tenant or the user account itself are let through.
create function app_private.guard_tenant_members() returns trigger
  language plpgsql security definer
  set search_path = ''
  as $$
    declare
      acting_role text := app_private.current_tenant_role();
      losing_owner boolean;
    begin
      if tg_op = 'UPDATE' and new.tenant_id <> old.tenant_id then
        raise exception 'membership cannot move between tenants' using errcode = '42501';
      end if;
      if acting_role = 'admin' and old.tenant_id = app_private.current_tenant_id()
         and (old.role = 'owner' or (tg_op = 'UPDATE' and new.role = 'owner')) then
        raise exception 'admins cannot change owners' using errcode = '42501';
      end if;
      losing_owner := old.role = 'owner' and (tg_op = 'DELETE' or new.role <> 'owner');
      if not losing_owner then
        return case when tg_op = 'DELETE' then old else new end;
      end if;
      if tg_op = 'DELETE' and (
           not exists (select from public.tenants t where t.id = old.tenant_id)
           or not exists (select from auth.users u where u.id = old.user_id)) then
        return old;
      end if;
      -- serialise owner changes of one tenant, so two owners cannot demote each other at once
      perform pg_advisory_xact_lock(hashtextextended('tenant-owners:' || old.tenant_id::text, 0));
      if not exists (
           select from public.tenant_members m
            where m.tenant_id = old.tenant_id and m.role = 'owner' and m.user_id <> old.user_id) then
        raise exception 'a tenant needs at least one owner' using errcode = 'DF001';
      end if;
      return case when tg_op = 'DELETE' then old else new end;
    end
  $$;

create trigger tenant_members_guard before update or delete on public.tenant_members
  for each row execute function app_private.guard_tenant_members();

-- Who created a tenant (limits how many one user may create).
alter table public.tenants add column if not exists created_by uuid;
create index if not exists tenants_created_by_idx on public.tenants (created_by) where created_by is not null;

-- Each user's own profile. No tenant: a user sees and edits only their own row.
create table public.profiles (
  user_id uuid primary key references auth.users (id) on delete cascade,
  display_name text check (length(btrim(display_name)) between 1 and 120),
  locale text not null default 'fi' check (locale in ('fi', 'sv', 'en')),
  time_zone text not null default 'Europe/Helsinki' check (length(time_zone) between 1 and 64),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create trigger profiles_touch_updated_at before update on public.profiles
  for each row execute function app_private.clients_touch_updated_at();

alter table public.profiles enable row level security;
alter table public.profiles force row level security;
create policy profiles_select_own on public.profiles for select to authenticated
  using (user_id = (select auth.uid()));
create policy profiles_insert_own on public.profiles for insert to authenticated
  with check (user_id = (select auth.uid()));
create policy profiles_update_own on public.profiles for update to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()));
grant select on public.profiles to authenticated;
grant insert (user_id, display_name, locale, time_zone) on public.profiles to authenticated;
grant update (display_name, locale, time_zone) on public.profiles to authenticated;
grant select, insert, update, delete on public.profiles to service_role;

-- The members of the current tenant with their e-mail and display name, for its members only.
-- auth.users is not readable by requests; this is the one window onto it, limited to one tenant.
create function app_private.tenant_member_directory()
  returns table (user_id uuid, email text, display_name text, role text, joined_at timestamptz)
  language sql stable security definer
  set search_path = ''
  as $$
    select m.user_id, u.email, p.display_name, m.role, m.created_at
      from public.tenant_members m
      join auth.users u on u.id = m.user_id
      left join public.profiles p on p.user_id = m.user_id
     where m.tenant_id = app_private.current_tenant_id()
       and app_private.is_tenant_member()
  $$;

-- The account id of an e-mail address, for owners and admins adding an existing user to their tenant.
create function app_private.user_id_for_invitation(invitee_email text) returns uuid
  language sql stable security definer
  set search_path = ''
  as $$
    select u.id from auth.users u
     where lower(u.email) = lower(invitee_email)
       and app_private.has_tenant_role(array['owner', 'admin'])
  $$;

-- A new tenant owned by the calling user, within a per-user limit. Returns the tenant id; raises
-- DF002 when the user already created max_created tenants.
create function app_private.create_owned_tenant(tenant_name text, max_created integer, correlation text) returns uuid
  language plpgsql security definer
  set search_path = ''
  as $$
    declare
      caller uuid := auth.uid();
      created uuid;
    begin
      if caller is null or not exists (select from auth.users u where u.id = caller) then
        raise exception 'no such user' using errcode = '42501';
      end if;
      perform pg_advisory_xact_lock(hashtextextended('tenant-create:' || caller::text, 0));
      if (select count(*) from public.tenants t where t.created_by = caller) >= max_created then
        raise exception 'tenant limit reached' using errcode = 'DF002';
      end if;
      insert into public.tenants (name, created_by) values (btrim(tenant_name), caller) returning id into created;
      insert into public.tenant_members (tenant_id, user_id, role) values (created, caller, 'owner');
      insert into public.audit_log (tenant_id, actor_user_id, action, target_type, target_id, details,
                                    correlation_id)
      values (created, caller, 'tenant.created', 'tenant', created::text, '{}'::jsonb,
              correlation);
      return created;
    end
  $$;

revoke all on function app_private.guard_tenant_members() from public;
revoke all on function app_private.tenant_member_directory() from public;
revoke all on function app_private.user_id_for_invitation(text) from public;
revoke all on function app_private.create_owned_tenant(text, integer, text) from public;
grant execute on function app_private.tenant_member_directory() to authenticated, service_role;
grant execute on function app_private.user_id_for_invitation(text) to authenticated, service_role;
grant execute on function app_private.create_owned_tenant(text, integer, text) to authenticated, service_role;

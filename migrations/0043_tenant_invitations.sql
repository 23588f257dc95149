-- Pending invitations: joining a tenant takes the invitee's consent.
--
-- Owners and admins invite an e-mail address into their tenant with a role; the invitation waits in
-- public.tenant_invitations until the person with that (confirmed) address accepts or declines it, the
-- inviter's tenant revokes it, or it expires. The answer to an invitation is the same whether or not
-- the address has an account, so inviting tells nobody who uses DocFlow.

-- auth.users.email_confirmed_at exists on Supabase; the local stand-in of 0001 lacks it. Guarded, so
-- this is a no-op on Supabase (where the table belongs to the auth service).
do $$
begin
  if not exists (
    select from pg_attribute
     where attrelid = 'auth.users'::regclass and attname = 'email_confirmed_at' and not attisdropped
  ) then
    alter table auth.users add column email_confirmed_at timestamptz;
  end if;
end
$$;

create table public.tenant_invitations (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  email text not null check (length(email) between 3 and 254),  -- stored lower case by the API
  role text not null check (role in ('owner', 'admin', 'member', 'viewer')),
  invited_by uuid not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null default now() + interval '14 days',
  unique (tenant_id, email)
);
create index tenant_invitations_tenant_created_idx on public.tenant_invitations (tenant_id, created_at, id);
create index tenant_invitations_email_idx on public.tenant_invitations (email);

alter table public.tenant_invitations enable row level security;
alter table public.tenant_invitations force row level security;

-- Owners and admins of the current tenant see, create and revoke its invitations; admins can neither
-- invite an owner nor revoke an owner's invitation (the rule of 0021 and 0022 for memberships).
create policy tenant_invitations_select on public.tenant_invitations for select to authenticated
  using (tenant_id = (select app_private.current_tenant_id())
         and (select app_private.has_tenant_role(array['owner', 'admin'])));
create policy tenant_invitations_insert on public.tenant_invitations for insert to authenticated
  with check (tenant_id = (select app_private.current_tenant_id())
              and (select app_private.has_tenant_role(array['owner', 'admin']))
              and (role <> 'owner' or (select app_private.has_tenant_role(array['owner'])))
              and invited_by = (select auth.uid()));
create policy tenant_invitations_delete on public.tenant_invitations for delete to authenticated
  using (tenant_id = (select app_private.current_tenant_id())
         and (select app_private.has_tenant_role(array['owner', 'admin']))
         and (role <> 'owner' or (select app_private.has_tenant_role(array['owner']))));

grant select, delete on public.tenant_invitations to authenticated;
grant insert (tenant_id, email, role, invited_by) on public.tenant_invitations to authenticated;
grant select, insert, update, delete on public.tenant_invitations to service_role;

-- The e-mail address of the calling account, lower case, once it is confirmed (NULL otherwise).
create function app_private.my_confirmed_email() returns text
  language sql stable security definer
  set search_path = ''
  as $$
    select lower(u.email) from auth.users u
     where u.id = auth.uid() and u.email is not null and u.email_confirmed_at is not null
  $$;

-- The caller's pending invitations into active tenants.
create function app_private.my_invitations()
  returns table (id uuid, tenant_id uuid, tenant_name text, role text, invited_at timestamptz,
                 expires_at timestamptz)
  language sql stable security definer
  set search_path = ''
  as $$
    select i.id, i.tenant_id, t.name, i.role, i.created_at, i.expires_at
      from public.tenant_invitations i
      join public.tenants t on t.id = i.tenant_id
     where i.email = app_private.my_confirmed_email()
       and i.expires_at > now()
       and t.status = 'active'
     order by i.created_at desc, i.id
     limit 100
  $$;

-- Accept one of the caller's pending invitations: the membership is created with the invited role,
-- the invitation is used up and the join is audited. Returns the tenant id.
--   DF003: no such pending invitation for the caller's confirmed address (unknown, expired, revoked
--          or someone else's: the same answer);
--   DF005: the tenant is suspended.
-- Someone who is already a member keeps their membership and role; the invitation is used up.
create function app_private.accept_invitation(invitation uuid, correlation text default null) returns uuid
  language plpgsql security definer
  set search_path = ''
  as $$
    declare
      pending public.tenant_invitations;
      joined integer;
    begin
      select i.* into pending from public.tenant_invitations i
       where i.id = invitation and i.email = app_private.my_confirmed_email() and i.expires_at > now()
       for update;
      if pending.id is null then
        raise exception 'no such invitation' using errcode = 'DF003';
      end if;
      if not exists (select from public.tenants t where t.id = pending.tenant_id and t.status = 'active') then
        raise exception 'tenant suspended' using errcode = 'DF005';
      end if;
      insert into public.tenant_members (tenant_id, user_id, role)
      values (pending.tenant_id, auth.uid(), pending.role)
      on conflict (tenant_id, user_id) do nothing;
      get diagnostics joined = row_count;
      delete from public.tenant_invitations i where i.id = pending.id;
      if joined > 0 then
        insert into public.audit_log (tenant_id, actor_user_id, action, target_type, target_id, details,
                                      correlation_id)
        values (pending.tenant_id, auth.uid(), 'member.joined', 'user', auth.uid()::text,
                jsonb_build_object('role', pending.role, 'invitation_id', pending.id), correlation);
      end if;
      return pending.tenant_id;
    end
  $$;

-- Decline one of the caller's pending invitations (DF003 as above when there is none).
create function app_private.decline_invitation(invitation uuid, correlation text default null) returns void
  language plpgsql security definer
  set search_path = ''
  as $$
    declare
      pending public.tenant_invitations;
    begin
      delete from public.tenant_invitations i
       where i.id = invitation and i.email = app_private.my_confirmed_email() and i.expires_at > now()
      returning i.* into pending;
      if pending.id is null then
        raise exception 'no such invitation' using errcode = 'DF003';
      end if;
      insert into public.audit_log (tenant_id, actor_user_id, action, target_type, target_id, details,
                                    correlation_id)
      values (pending.tenant_id, auth.uid(), 'member.invitation_declined', 'invitation', pending.id::text,
              jsonb_build_object('role', pending.role), correlation);
    end
  $$;

revoke all on function app_private.my_confirmed_email() from public;
revoke all on function app_private.my_invitations() from public;
revoke all on function app_private.accept_invitation(uuid, text) from public;
revoke all on function app_private.decline_invitation(uuid, text) from public;
grant execute on function app_private.my_confirmed_email() to authenticated, service_role;
grant execute on function app_private.my_invitations() to authenticated, service_role;
grant execute on function app_private.accept_invitation(uuid, text) to authenticated, service_role;
grant execute on function app_private.decline_invitation(uuid, text) to authenticated, service_role;

-- Requests no longer tell accounts apart by e-mail address.
revoke execute on function app_private.user_id_for_invitation(text) from authenticated;

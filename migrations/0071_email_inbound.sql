-- Receipts by e-mail (docs/adr/0008-receipts-by-email.md): each tenant's inbound address, and one row per
-- (tenant, message) received, so a message delivered twice creates its receipts once.
--
-- public.email_inbound_addresses gives each tenant one address <local_part>@<EMAIL_INBOUND_DOMAIN>; the
-- local part is random (not the tenant's name: the address is not guessable from the outside). Every
-- tenant has one: existing tenants get theirs here, new tenants from a trigger.
--
-- public.email_inbound_messages records each message handled for a tenant: its dedup key (a hash of the
-- Message-ID and the attachments' contents, never the addresses or the subject), who sent it (a
-- member), accepted or rejected with a reason, and the receipts it created. Only service_role writes;
-- owners and admins read their tenant's rows.
--
-- app_private.inbound_sender(tenant, address) is the member of the tenant whose confirmed address is
-- the sender's (auth.users.email_confirmed_at, see 0043): the only senders whose messages become
-- receipts, and the only ones ever replied to.

create table public.email_inbound_addresses (
  tenant_id uuid primary key references public.tenants (id) on delete cascade,
  local_part text not null unique check (local_part ~ '^r-[0-9a-f]{20}$'),
  created_at timestamptz not null default now()
);

alter table public.email_inbound_addresses enable row level security;
alter table public.email_inbound_addresses force row level security;

create policy email_inbound_addresses_select on public.email_inbound_addresses for select to authenticated
  using (tenant_id = (select app_private.current_tenant_id()) and (select app_private.is_tenant_member()));

grant select on public.email_inbound_addresses to authenticated;
grant select, insert, update, delete on public.email_inbound_addresses to service_role;

create function app_private.new_inbound_local_part() returns text
  language sql volatile
  set search_path = ''
  as $$ select 'r-' || left(replace(gen_random_uuid()::text, '-', ''), 20) $$;

insert into public.email_inbound_addresses (tenant_id, local_part)
select id, app_private.new_inbound_local_part() from public.tenants
on conflict (tenant_id) do nothing;

create function app_private.tenants_inbound_address() returns trigger
  language plpgsql security definer
  set search_path = ''
  as $$
  begin
    insert into public.email_inbound_addresses (tenant_id, local_part)
    values (new.id, app_private.new_inbound_local_part())
    on conflict (tenant_id) do nothing;
    return new;
  end
$$;

revoke all on function app_private.tenants_inbound_address() from public;

create trigger tenants_inbound_address after insert on public.tenants
  for each row execute function app_private.tenants_inbound_address();

create table public.email_inbound_messages (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  dedup_key text not null check (dedup_key ~ '^[0-9a-f]{64}$'),
  sender_user_id uuid,
  status text not null check (status in ('accepted', 'rejected')),
  reason text check (reason is null or reason ~ '^[a-z_]{1,40}$'),
  attachments integer not null default 0 check (attachments >= 0),
  receipt_ids uuid[] not null default '{}',
  created_at timestamptz not null default now(),
  unique (tenant_id, dedup_key),
  check (reason is null or status = 'rejected')
);
create index email_inbound_messages_tenant_created_idx on public.email_inbound_messages (tenant_id, created_at desc);
create index email_inbound_messages_receipts_idx on public.email_inbound_messages using gin (receipt_ids);

alter table public.email_inbound_messages enable row level security;
alter table public.email_inbound_messages force row level security;

create policy email_inbound_messages_select on public.email_inbound_messages for select to authenticated
  using (tenant_id = (select app_private.current_tenant_id())
         and (select app_private.has_tenant_role(array['owner', 'admin'])));

grant select on public.email_inbound_messages to authenticated;
grant select, insert, update, delete on public.email_inbound_messages to service_role;

-- The tenant of an inbound local part (service_role only).
create function app_private.inbound_tenant(local text) returns uuid
  language sql stable security definer
  set search_path = ''
  as $$
    select a.tenant_id from public.email_inbound_addresses a
      join public.tenants t on t.id = a.tenant_id and t.status = 'active'
     where a.local_part = lower(local)
  $$;

revoke all on function app_private.inbound_tenant(text) from public;
grant execute on function app_private.inbound_tenant(text) to service_role;

-- The member of `tenant` whose confirmed address is `address` (compared case-insensitively), with the
-- locale replies are written in; no row for anyone else (service_role only).
create function app_private.inbound_sender(tenant uuid, address text)
  returns table (user_id uuid, email text, locale text, role text)
  language sql stable security definer
  set search_path = ''
  as $$
    select m.user_id, u.email, coalesce(p.locale, 'fi'), m.role
      from public.tenant_members m
      join auth.users u on u.id = m.user_id
      left join public.profiles p on p.user_id = m.user_id
     where m.tenant_id = tenant and lower(u.email) = lower(address) and u.email_confirmed_at is not null
     limit 1
  $$;

revoke all on function app_private.inbound_sender(uuid, text) from public;
grant execute on function app_private.inbound_sender(uuid, text) to service_role;

-- The reply to a refused message and the digest of its receipts are sent kinds of their own.
alter table public.email_sends drop constraint email_sends_kind_check;
alter table public.email_sends add constraint email_sends_kind_check
  check (kind in ('invitation', 'receipt_needs_review', 'receipts_digest', 'payment_failed', 'monthly_report',
                  'inbound_rejected'));

-- A mailed receipt counts against the plan as an upload does: the inbound job (service_role, tenant in
-- its claims) takes the same per-tenant quota lock (and counts the month's receipts as
-- app_private.billing_receipts_this_month() does, which only answers members).
grant execute on function app_private.billing_lock_quota(text) to service_role;

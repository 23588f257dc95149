-- E-mail: the send log, suppressed addresses, Resend webhook deliveries and the monthly reports.
--
-- public.email_sends has one row per message (one recipient each), keyed by its idempotency key
-- (<kind>/<entity>/<version>): a retry of the change that caused it finds the row and never mails
-- twice. It records the status, Resend's id and the last error code, never a subject or a body. Only
-- service_role writes it (the sender and the webhook); owners and admins read their tenant's rows.
--
-- public.email_suppressions lists addresses that bounced hard or complained, per tenant: nothing is
-- sent to them until an owner or admin deletes the row.
--
-- public.resend_webhook_deliveries records every webhook delivery (its svix-id) processed, in the same
-- transaction as its effect, so a delivery sent again has no second effect.
--
-- public.monthly_reports has one row per (tenant, period): the report job claims it before building,
-- so a rerun, a duplicate schedule delivery or a crash halfway never sends a report twice.

alter table public.tenants add column monthly_report boolean not null default true;

create table public.email_sends (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  -- Resend takes keys of up to 256 characters; docflow.email.templates.idempotency_key makes them.
  idempotency_key text not null unique check (length(idempotency_key) between 1 and 256),
  kind text not null
    check (kind in ('invitation', 'receipt_needs_review', 'receipts_digest', 'payment_failed', 'monthly_report')),
  recipient text not null check (length(recipient) <= 320),
  locale text not null check (locale in ('fi', 'sv', 'en')),
  status text not null default 'pending'
    check (status in ('pending', 'sent', 'failed', 'suppressed', 'delivered', 'delivery_delayed',
                      'bounced', 'complained', 'opened')),
  provider_id text unique check (length(provider_id) <= 100),
  attempts integer not null default 0 check (attempts >= 0),
  error_code text check (length(error_code) <= 100),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index email_sends_tenant_created_idx on public.email_sends (tenant_id, created_at desc);
create index email_sends_pending_idx on public.email_sends (created_at) where status = 'pending';

alter table public.email_sends enable row level security;
alter table public.email_sends force row level security;

create policy email_sends_select on public.email_sends for select to authenticated
  using (tenant_id = (select app_private.current_tenant_id())
         and (select app_private.has_tenant_role(array['owner', 'admin'])));

grant select on public.email_sends to authenticated;
grant select, insert, update, delete on public.email_sends to service_role;

create table public.email_suppressions (
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  address text not null check (address = lower(address) and length(address) <= 320),
  reason text not null check (reason in ('bounced', 'complained')),
  created_at timestamptz not null default now(),
  primary key (tenant_id, address)
);

alter table public.email_suppressions enable row level security;
alter table public.email_suppressions force row level security;

create policy email_suppressions_select on public.email_suppressions for select to authenticated
  using (tenant_id = (select app_private.current_tenant_id())
         and (select app_private.has_tenant_role(array['owner', 'admin'])));
create policy email_suppressions_delete on public.email_suppressions for delete to authenticated
  using (tenant_id = (select app_private.current_tenant_id())
         and (select app_private.has_tenant_role(array['owner', 'admin'])));

grant select, delete on public.email_suppressions to authenticated;
grant select, insert, update, delete on public.email_suppressions to service_role;

create table public.resend_webhook_deliveries (
  svix_id text primary key check (svix_id ~ '^[A-Za-z0-9_-]{1,100}$'),
  event_type text not null check (length(event_type) <= 100),
  processed_at timestamptz not null default now()
);
create index resend_webhook_deliveries_processed_idx on public.resend_webhook_deliveries (processed_at);

alter table public.resend_webhook_deliveries enable row level security;
alter table public.resend_webhook_deliveries force row level security;
-- No policy for authenticated or anon: only the webhook (service_role) reads and writes it.
grant select, insert, delete on public.resend_webhook_deliveries to service_role;

create table public.monthly_reports (
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  period text not null check (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  status text not null default 'building' check (status in ('building', 'sent', 'skipped')),
  recipients integer not null default 0 check (recipients >= 0),
  created_at timestamptz not null default now(),
  sent_at timestamptz,
  primary key (tenant_id, period)
);

alter table public.monthly_reports enable row level security;
alter table public.monthly_reports force row level security;

create policy monthly_reports_select on public.monthly_reports for select to authenticated
  using (tenant_id = (select app_private.current_tenant_id())
         and (select app_private.has_tenant_role(array['owner', 'admin'])));

grant select on public.monthly_reports to authenticated;
grant select, insert, update, delete on public.monthly_reports to service_role;

-- The addresses and locales of a tenant's members of the given roles, for the background jobs that
-- mail them (service_role only: auth.users is not readable by any request role).
create function app_private.email_recipients(tenant uuid, roles text[])
  returns table (user_id uuid, email text, locale text)
  language sql stable security definer
  set search_path = ''
  as $$
    select m.user_id, u.email, coalesce(p.locale, 'fi')
      from public.tenant_members m
      join auth.users u on u.id = m.user_id
      left join public.profiles p on p.user_id = m.user_id
     where m.tenant_id = tenant and m.role = any (roles) and u.email is not null
     order by m.user_id
  $$;

revoke all on function app_private.email_recipients(uuid, text[]) from public;
grant execute on function app_private.email_recipients(uuid, text[]) to service_role;

-- Resend's team-wide rate limit (5 requests per second), shared by every Lambda instance: the next free
-- send slot, one row. Each request to Resend first takes a slot (app_private.email_take_send_slot) and
-- waits until it; slots are 1.1/per_second apart (10 % under the limit, so the jitter of request
-- latency rarely puts per_second + 1 requests into one second), so the instances together stay under it.
create table app_private.email_send_slots (
  id boolean primary key default true check (id),
  next_at timestamptz not null
);
insert into app_private.email_send_slots (id, next_at) values (true, now());

alter table app_private.email_send_slots enable row level security;
alter table app_private.email_send_slots force row level security;
revoke all on app_private.email_send_slots from public, anon, authenticated, service_role;
do $$
begin
  execute format(
    'create policy email_send_slots_definer_only on app_private.email_send_slots for all to %I using (true) with check (true)',
    current_user
  );
end
$$;

-- Take the next send slot at `per_second` slots a second; returns the seconds to wait before sending
-- (0 when the limit has room now). Concurrent callers serialise on the one row's lock.
create function app_private.email_take_send_slot(per_second integer) returns double precision
  language plpgsql volatile security definer
  set search_path = ''
  as $$
  declare
    now_ts timestamptz := clock_timestamp();
    slot timestamptz;
  begin
    if per_second is null or per_second < 1 or per_second > 1000 then
      raise exception 'invalid send rate' using errcode = '22023';
    end if;
    select greatest(s.next_at, now_ts) into slot from app_private.email_send_slots s where s.id for update;
    update app_private.email_send_slots s
       set next_at = slot + make_interval(secs => 1.1 / per_second)
     where s.id;
    return extract(epoch from slot - now_ts);
  end
$$;

revoke all on function app_private.email_take_send_slot(integer) from public;
grant execute on function app_private.email_take_send_slot(integer) to service_role;

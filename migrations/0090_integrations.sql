-- Tenant integrations (Notion, Linear): sealed secrets, the outbox that drives them, and their sync state.
--
-- public.integrations holds one row per (tenant, provider). The secret (a Notion integration token or a
-- Linear API key, and Linear's webhook signing secret) is sealed with envelope encryption: AES-256-GCM
-- under a data key that AWS KMS generated and encrypted (docflow.integrations.sealing). The sealed
-- columns are readable by service_role only: a request role (even the tenant's owner) can write them
-- but never read them back; it reads the fingerprint and when it was set.
--
-- public.integration_outbox is written by triggers in the same transaction as the change (a client or
-- lead written, a receipt that failed), only for a tenant with that provider connected; the drain
-- (docflow.integrations.outbox) publishes it to the provider's SQS FIFO queue (the tenant is the message
-- group) and the consumer syncs, so no request waits for Notion or Linear and a failed sync stays queued.
--
-- public.notion_pages and public.linear_issues record each record's sync state, Notion's page id and
-- Linear's issue (at most one per receipt or support request). public.linear_webhook_deliveries keeps
-- each processed delivery id, in the same transaction as its effect.

create table public.integrations (
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  provider text not null check (provider in ('notion', 'linear')),
  data_key bytea not null check (octet_length(data_key) between 1 and 1024),
  secret_nonce bytea not null check (octet_length(secret_nonce) = 12),
  secret_sealed bytea not null check (octet_length(secret_sealed) between 17 and 4096),
  webhook_nonce bytea check (webhook_nonce is null or octet_length(webhook_nonce) = 12),
  webhook_sealed bytea check (webhook_sealed is null or octet_length(webhook_sealed) between 17 and 4096),
  fingerprint text not null check (fingerprint ~ '^[0-9a-f]{16,64}$'),
  set_at timestamptz not null default now(),
  set_by uuid default auth.uid(),
  -- Notion: data_source_id and the field mapping; Linear: team_id and review_after_hours.
  settings jsonb not null default '{}'::jsonb check (jsonb_typeof(settings) = 'object'),
  -- Linear: the organization id the webhook deliveries name (found when the key is set).
  external_account text check (external_account is null or length(external_account) <= 100),
  primary key (tenant_id, provider)
);
create index integrations_external_account_idx on public.integrations (provider, external_account)
  where external_account is not null;

alter table public.integrations enable row level security;
alter table public.integrations force row level security;

create policy integrations_select on public.integrations for select to authenticated
  using (tenant_id = (select app_private.current_tenant_id())
         and (select app_private.has_tenant_role(array['owner', 'admin'])));
create policy integrations_insert on public.integrations for insert to authenticated
  with check (tenant_id = (select app_private.current_tenant_id())
              and (select app_private.has_tenant_role(array['owner', 'admin'])));
create policy integrations_update on public.integrations for update to authenticated
  using (tenant_id = (select app_private.current_tenant_id())
         and (select app_private.has_tenant_role(array['owner', 'admin'])))
  with check (tenant_id = (select app_private.current_tenant_id()));
create policy integrations_delete on public.integrations for delete to authenticated
  using (tenant_id = (select app_private.current_tenant_id())
         and (select app_private.has_tenant_role(array['owner', 'admin'])));

-- Column grants: the sealed columns are never readable by a request role.
grant select (tenant_id, provider, fingerprint, set_at, set_by, settings, external_account)
  on public.integrations to authenticated;
grant insert, update, delete on public.integrations to authenticated;
grant select, insert, update, delete on public.integrations to service_role;

create table public.integration_outbox (
  id bigint generated always as identity primary key,
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  provider text not null check (provider in ('notion', 'linear')),
  topic text not null check (topic in ('client', 'lead', 'receipt_failed', 'receipt_review', 'support')),
  entity_id uuid not null,
  created_at timestamptz not null default now(),
  published_at timestamptz,
  attempts integer not null default 0 check (attempts >= 0)
);
create index integration_outbox_pending_idx on public.integration_outbox (id) where published_at is null;
create index integration_outbox_tenant_idx on public.integration_outbox (tenant_id, provider);

alter table public.integration_outbox enable row level security;
alter table public.integration_outbox force row level security;
-- Written by the triggers below (security definer) and the routes' own inserts; read by the drain.
create policy integration_outbox_insert on public.integration_outbox for insert to authenticated
  with check (tenant_id = (select app_private.current_tenant_id())
              and (select app_private.is_tenant_member()));
grant insert on public.integration_outbox to authenticated;
grant select, insert, update, delete on public.integration_outbox to service_role;

create table public.notion_pages (
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  entity_kind text not null check (entity_kind in ('client', 'lead')),
  entity_id uuid not null,
  page_id text check (page_id is null or page_id ~ '^[0-9a-f-]{32,36}$'),
  -- creating: a create was sent and its answer not yet recorded (a crash there is resolved by a
  -- lookup before any second create).
  status text not null default 'pending' check (status in ('pending', 'creating', 'synced', 'failed')),
  error_code text check (error_code is null or length(error_code) <= 100),
  attempts integer not null default 0 check (attempts >= 0),
  synced_at timestamptz,
  updated_at timestamptz not null default now(),
  primary key (tenant_id, entity_kind, entity_id)
);
create unique index notion_pages_page_idx on public.notion_pages (tenant_id, page_id) where page_id is not null;

alter table public.notion_pages enable row level security;
alter table public.notion_pages force row level security;
create policy notion_pages_select on public.notion_pages for select to authenticated
  using (tenant_id = (select app_private.current_tenant_id()) and (select app_private.is_tenant_member()));
grant select on public.notion_pages to authenticated;
grant select, insert, update, delete on public.notion_pages to service_role;

create table public.support_requests (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  created_by uuid default auth.uid(),
  title text not null check (length(btrim(title)) between 1 and 200),
  body text not null check (length(body) between 1 and 5000),
  created_at timestamptz not null default now()
);
create index support_requests_tenant_idx on public.support_requests (tenant_id, created_at desc);

alter table public.support_requests enable row level security;
alter table public.support_requests force row level security;
create policy support_requests_select on public.support_requests for select to authenticated
  using (tenant_id = (select app_private.current_tenant_id()) and (select app_private.is_tenant_member()));
create policy support_requests_insert on public.support_requests for insert to authenticated
  with check (tenant_id = (select app_private.current_tenant_id()) and (select app_private.is_tenant_member()));
grant select, insert on public.support_requests to authenticated;
grant select, insert, update, delete on public.support_requests to service_role;

create table public.linear_issues (
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  subject_kind text not null check (subject_kind in ('receipt', 'support')),
  subject_id uuid not null,
  -- The issue id DocFlow gives Linear (IssueCreateInput.id): a retried create names the same issue.
  issue_id uuid not null unique,
  identifier text check (identifier is null or length(identifier) <= 50),
  url text check (url is null or length(url) <= 500),
  status text not null default 'pending' check (status in ('pending', 'created', 'failed')),
  state_name text check (state_name is null or length(state_name) <= 100),
  state_type text check (state_type is null or length(state_type) <= 30),
  error_code text check (error_code is null or length(error_code) <= 100),
  attempts integer not null default 0 check (attempts >= 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, subject_kind, subject_id)
);

alter table public.linear_issues enable row level security;
alter table public.linear_issues force row level security;
create policy linear_issues_select on public.linear_issues for select to authenticated
  using (tenant_id = (select app_private.current_tenant_id()) and (select app_private.is_tenant_member()));
grant select on public.linear_issues to authenticated;
grant select, insert, update, delete on public.linear_issues to service_role;

create table public.linear_webhook_deliveries (
  delivery_id text primary key check (delivery_id ~ '^[A-Za-z0-9_-]{1,100}$'),
  processed_at timestamptz not null default now()
);
alter table public.linear_webhook_deliveries enable row level security;
alter table public.linear_webhook_deliveries force row level security;
-- No policy for authenticated or anon: only the webhook (service_role) reads and writes it.
grant select, insert, delete on public.linear_webhook_deliveries to service_role;

-- The outbox triggers: a change queues work only for a tenant with the provider connected.
create function app_private.integration_outbox_enqueue() returns trigger
  language plpgsql security definer
  set search_path = ''
  as $$
  declare
    wanted_provider text := tg_argv[0];
    wanted_topic text := tg_argv[1];
  begin
    if wanted_topic = 'receipt_failed' then
      if new.status <> 'failed' or (tg_op = 'UPDATE' and old.status = 'failed') then
        return null;
      end if;
    end if;
    if exists (select from public.integrations i
                where i.tenant_id = new.tenant_id and i.provider = wanted_provider) then
      insert into public.integration_outbox (tenant_id, provider, topic, entity_id)
      values (new.tenant_id, wanted_provider, wanted_topic, new.id);
    end if;
    return null;
  end
$$;
revoke all on function app_private.integration_outbox_enqueue() from public;

create trigger clients_integration_outbox after insert or update on public.clients
  for each row execute function app_private.integration_outbox_enqueue('notion', 'client');
create trigger leads_integration_outbox after insert or update on public.leads
  for each row execute function app_private.integration_outbox_enqueue('notion', 'lead');
create trigger receipts_integration_outbox after insert or update of status on public.receipts
  for each row execute function app_private.integration_outbox_enqueue('linear', 'receipt_failed');

-- Removing an integration stops its syncs at once: its queued work goes with it (the consumer also
-- finds no integration and drops what is already on the queue).
create function app_private.integration_removed() returns trigger
  language plpgsql security definer
  set search_path = ''
  as $$
  begin
    delete from public.integration_outbox o where o.tenant_id = old.tenant_id and o.provider = old.provider;
    return null;
  end
$$;
revoke all on function app_private.integration_removed() from public;
create trigger integrations_removed after delete on public.integrations
  for each row execute function app_private.integration_removed();

-- Each provider's per-integration rate limit (Notion: about 3 requests per second), shared by every
-- Lambda instance: the next free request slot per (tenant, provider), as app_private.email_send_slots.
create table app_private.integration_rate_slots (
  tenant_id uuid not null,
  provider text not null,
  next_at timestamptz not null,
  primary key (tenant_id, provider)
);
alter table app_private.integration_rate_slots enable row level security;
alter table app_private.integration_rate_slots force row level security;
revoke all on app_private.integration_rate_slots from public, anon, authenticated, service_role;
do $$
begin
  execute format(
    'create policy integration_rate_slots_definer_only on app_private.integration_rate_slots for all to %I using (true) with check (true)',
    current_user
  );
end
$$;

-- Take the integration's next request slot at `per_second` a second; returns the seconds to wait.
-- Slots are 1.1/per_second apart (10 % under the limit, as app_private.email_take_send_slot): the
-- jitter of request latency then rarely puts per_second + 1 requests into one second at the provider.
create function app_private.integration_take_slot(tenant uuid, service text, per_second double precision)
  returns double precision
  language plpgsql volatile security definer
  set search_path = ''
  as $$
  declare
    now_ts timestamptz := clock_timestamp();
    slot timestamptz;
  begin
    if per_second is null or per_second <= 0 or per_second > 1000 then
      raise exception 'invalid request rate' using errcode = '22023';
    end if;
    insert into app_private.integration_rate_slots as s (tenant_id, provider, next_at)
    values (tenant, service, now_ts)
    on conflict on constraint integration_rate_slots_pkey do nothing;
    select greatest(s.next_at, now_ts) into slot
      from app_private.integration_rate_slots s
     where s.tenant_id = tenant and s.provider = service
       for update;
    update app_private.integration_rate_slots s
       set next_at = slot + make_interval(secs => 1.1 / per_second)
     where s.tenant_id = tenant and s.provider = service;
    return extract(epoch from slot - now_ts);
  end
$$;
revoke all on function app_private.integration_take_slot(uuid, text, double precision) from public;
grant execute on function app_private.integration_take_slot(uuid, text, double precision) to service_role;

-- The trigger functions above run as the migrations' owner; row level security is forced on the
-- outbox, so that owner gets a policy of its own (as app_private.email_send_slots has).
do $$
begin
  execute format(
    'create policy integration_outbox_definer on public.integration_outbox for all to %I using (true) with check (true)',
    current_user
  );
end
$$;

-- Whether the tenant has the provider connected, for any member (the integrations table itself is
-- readable by owners and admins only).
create function app_private.integration_connected(tenant uuid, wanted text) returns boolean
  language sql stable security definer
  set search_path = ''
  as $$
    select tenant = app_private.current_tenant_id()
       and app_private.is_tenant_member()
       and exists (select from public.integrations i where i.tenant_id = tenant and i.provider = wanted)
  $$;
revoke all on function app_private.integration_connected(uuid, text) from public;
grant execute on function app_private.integration_connected(uuid, text) to authenticated, service_role;

-- Move the integration's next slot later by `seconds`: a request that left after its slot (a busy
-- machine) keeps the full spacing before the next one.
create function app_private.integration_push_slots(tenant uuid, service text, seconds double precision)
  returns void
  language sql volatile security definer
  set search_path = ''
  as $$
    update app_private.integration_rate_slots s
       set next_at = s.next_at + make_interval(secs => least(greatest(seconds, 0), 60))
     where s.tenant_id = tenant and s.provider = service
  $$;
revoke all on function app_private.integration_push_slots(uuid, text, double precision) from public;
grant execute on function app_private.integration_push_slots(uuid, text, double precision) to service_role;

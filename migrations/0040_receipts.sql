-- Receipts: one row per uploaded original, its extracted fields, VAT rows, line items and the history
-- of its status. The S3 processor (a named system job) writes results; members review and correct.
--
-- Idempotent processing lives here, not in a cache: a run claims the row with a guarded transition
-- (pending/failed, or processing with an expired lease), fenced by `attempts`, and stores its results
-- and the final status in one transaction. `sequencer` is the S3 event sequencer of the object version
-- the row was last claimed for; an older event never claims the row again.

create table public.receipts (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id),
  status text not null default 'pending'
    check (status in ('pending', 'processing', 'processed', 'needs_review', 'failed')),
  failure_reason text check (failure_reason is null or length(failure_reason) <= 200),
  failure_retryable boolean not null default false,
  object_key text not null check (length(object_key) between 1 and 1024),
  content_hash text check (content_hash is null or content_hash ~ '^[0-9a-f]{64}$'),
  size_bytes bigint not null check (size_bytes > 0),
  content_type text not null check (length(content_type) <= 100),
  original_filename text not null check (length(original_filename) between 1 and 255),
  fields jsonb not null default '{}'::jsonb check (jsonb_typeof(fields) = 'object'),
  corrected_fields text[] not null default '{}',
  merchant text check (merchant is null or length(merchant) <= 200),
  business_id text check (business_id is null or business_id ~ '^[0-9]{7}-[0-9]$'),
  receipt_date date,
  total numeric(14, 2),
  currency text not null default 'EUR' check (currency ~ '^[A-Z]{3}$'),
  ocr_text text,
  ocr_seconds real,
  confidence real check (confidence is null or confidence between 0 and 1),
  warnings jsonb not null default '[]'::jsonb check (jsonb_typeof(warnings) = 'array'),
  duplicate_of uuid,
  client_id uuid,
  category text check (category is null or length(category) between 1 and 100),
  deleted_at timestamptz,
  attempts integer not null default 0,
  sequencer text check (sequencer is null or sequencer ~ '^[0-9A-Fa-f]{1,64}$'),
  lease_until timestamptz,
  processed_at timestamptz,
  uploaded_by uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (tenant_id, id),
  unique (tenant_id, object_key),
  foreign key (tenant_id, duplicate_of) references public.receipts (tenant_id, id)
);

-- The clients table belongs to its own migration; link to it when it is there.
do $$
begin
  if to_regclass('public.clients') is not null then
    alter table public.receipts
      add constraint receipts_client_id_fkey foreign key (client_id) references public.clients (id);
  end if;
end
$$;

create index receipts_tenant_created_idx on public.receipts (tenant_id, created_at desc, id desc);
create index receipts_tenant_date_idx on public.receipts (tenant_id, receipt_date, id);
create index receipts_tenant_status_idx on public.receipts (tenant_id, status);
create index receipts_tenant_hash_idx on public.receipts (tenant_id, content_hash) where content_hash is not null;
create index receipts_tenant_identity_idx on public.receipts (tenant_id, business_id, receipt_date, total)
  where business_id is not null;
create index receipts_tenant_merchant_idx on public.receipts (tenant_id, lower(merchant));
create index receipts_client_idx on public.receipts (client_id) where client_id is not null;
create index receipts_duplicate_of_idx on public.receipts (duplicate_of) where duplicate_of is not null;
create index receipts_text_idx on public.receipts
  using gin (to_tsvector('simple', coalesce(ocr_text, '') || ' ' || coalesce(merchant, '')));

create table public.receipt_vat_rows (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id),
  receipt_id uuid not null,
  position smallint not null check (position >= 0),
  rate numeric(5, 2) not null check (rate between 0 and 100),
  net numeric(14, 2) not null,
  tax numeric(14, 2) not null,
  gross numeric(14, 2) not null,
  confidence real not null default 1 check (confidence between 0 and 1),
  unique (tenant_id, receipt_id, position),
  foreign key (tenant_id, receipt_id) references public.receipts (tenant_id, id) on delete cascade
);

create table public.receipt_items (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id),
  receipt_id uuid not null,
  position smallint not null check (position >= 0),
  name text not null check (length(name) <= 300),
  quantity numeric(14, 3),
  unit_price numeric(14, 2),
  amount numeric(14, 2) not null,
  unique (tenant_id, receipt_id, position),
  foreign key (tenant_id, receipt_id) references public.receipts (tenant_id, id) on delete cascade
);

create table public.receipt_status_history (
  id bigint generated always as identity primary key,
  tenant_id uuid not null references public.tenants (id),
  receipt_id uuid not null,
  from_status text,
  to_status text not null,
  reason text,
  actor text not null,
  created_at timestamptz not null default now(),
  foreign key (tenant_id, receipt_id) references public.receipts (tenant_id, id) on delete cascade
);
create index receipt_status_history_receipt_idx on public.receipt_status_history (tenant_id, receipt_id, id);

-- Every status change is recorded by the database itself, whoever makes it.
create function app_private.record_receipt_status() returns trigger
  language plpgsql security definer
  set search_path = ''
  as $$
  declare
    claims jsonb := nullif(current_setting('request.jwt.claims', true), '')::jsonb;
  begin
    if tg_op = 'INSERT' or new.status is distinct from old.status then
      insert into public.receipt_status_history (tenant_id, receipt_id, from_status, to_status, reason, actor)
      values (new.tenant_id, new.id, case when tg_op = 'UPDATE' then old.status end, new.status,
              new.failure_reason,
              coalesce(claims ->> 'docflow_job', 'user:' || coalesce(claims ->> 'sub', 'unknown')));
    end if;
    return new;
  end
  $$;
revoke all on function app_private.record_receipt_status() from public;

create trigger receipts_status_history after insert or update of status on public.receipts
  for each row execute function app_private.record_receipt_status();

alter table public.receipts enable row level security;
alter table public.receipts force row level security;
alter table public.receipt_vat_rows enable row level security;
alter table public.receipt_vat_rows force row level security;
alter table public.receipt_items enable row level security;
alter table public.receipt_items force row level security;
alter table public.receipt_status_history enable row level security;
alter table public.receipt_status_history force row level security;

create policy receipts_select on public.receipts for select to authenticated
  using (tenant_id = (select app_private.current_tenant_id()) and (select app_private.is_tenant_member()));
create policy receipts_insert on public.receipts for insert to authenticated
  with check (tenant_id = (select app_private.current_tenant_id())
              and (select app_private.has_tenant_role(array['owner', 'admin', 'member']))
              and status = 'pending' and uploaded_by = (select auth.uid()));
create policy receipts_update on public.receipts for update to authenticated
  using (tenant_id = (select app_private.current_tenant_id())
         and (select app_private.has_tenant_role(array['owner', 'admin', 'member'])))
  with check (tenant_id = (select app_private.current_tenant_id()));

create policy receipt_vat_rows_select on public.receipt_vat_rows for select to authenticated
  using (tenant_id = (select app_private.current_tenant_id()) and (select app_private.is_tenant_member()));
create policy receipt_vat_rows_insert on public.receipt_vat_rows for insert to authenticated
  with check (tenant_id = (select app_private.current_tenant_id())
              and (select app_private.has_tenant_role(array['owner', 'admin', 'member'])));
create policy receipt_vat_rows_delete on public.receipt_vat_rows for delete to authenticated
  using (tenant_id = (select app_private.current_tenant_id())
         and (select app_private.has_tenant_role(array['owner', 'admin', 'member'])));

create policy receipt_items_select on public.receipt_items for select to authenticated
  using (tenant_id = (select app_private.current_tenant_id()) and (select app_private.is_tenant_member()));
create policy receipt_items_insert on public.receipt_items for insert to authenticated
  with check (tenant_id = (select app_private.current_tenant_id())
              and (select app_private.has_tenant_role(array['owner', 'admin', 'member'])));
create policy receipt_items_delete on public.receipt_items for delete to authenticated
  using (tenant_id = (select app_private.current_tenant_id())
         and (select app_private.has_tenant_role(array['owner', 'admin', 'member'])));

create policy receipt_status_history_select on public.receipt_status_history for select to authenticated
  using (tenant_id = (select app_private.current_tenant_id()) and (select app_private.is_tenant_member()));

-- Requests create pending rows and correct the reviewable columns; the processor (service_role)
-- writes the rest.
grant select on public.receipts to authenticated;
grant insert (tenant_id, object_key, size_bytes, content_type, original_filename, content_hash, status,
              uploaded_by, warnings, duplicate_of)
  on public.receipts to authenticated;
grant update (merchant, business_id, receipt_date, total, currency, category, client_id, fields,
              corrected_fields, status, failure_reason, deleted_at, updated_at)
  on public.receipts to authenticated;
grant select, insert, delete on public.receipt_vat_rows to authenticated;
grant select, insert, delete on public.receipt_items to authenticated;
grant select on public.receipt_status_history to authenticated;
grant select, insert, update, delete on public.receipts, public.receipt_vat_rows, public.receipt_items
  to service_role;
grant select, insert on public.receipt_status_history to service_role;

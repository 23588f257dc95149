-- Finance: the tenant's VAT period, expense categories with their VAT treatment, category rules, and
-- filed (locked) VAT periods.
--
-- receipts.category holds a category's `code`. A category's VAT treatment decides how much of a
-- receipt's VAT is deductible: all of it, none (business entertainment, gifts, hotel breakfast) or a
-- share (a car in mixed use). A filed VAT period freezes the receipts it counted: the database refuses
-- to edit, delete or re-categorise them (DF006), whoever asks. A receipt processed after the filing but
-- dated inside the filed period is booked in the open period of its processing, with a reference to
-- the filed one.

create table public.finance_settings (
  tenant_id uuid primary key references public.tenants (id) on delete cascade,
  vat_period text not null default 'month' check (vat_period in ('month', 'quarter', 'year')),
  updated_at timestamptz not null default now()
);

create table public.expense_categories (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  code text not null check (code ~ '^[a-z0-9_]{1,40}$'),
  name text not null check (length(btrim(name)) between 1 and 100),
  account text not null check (account ~ '^[0-9]{3,8}$'),
  vat_treatment text not null default 'deductible'
    check (vat_treatment in ('deductible', 'not_deductible', 'partial')),
  -- Used when vat_treatment = 'partial' (the deductible share of the VAT); 1 and 0 are implied otherwise.
  deductible_share numeric(5, 4) not null default 1 check (deductible_share between 0 and 1),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (tenant_id, id),
  unique (tenant_id, code)
);

create table public.category_rules (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  category_id uuid not null,
  match_kind text not null check (match_kind in ('merchant', 'business_id', 'item')),
  pattern text not null check (length(btrim(pattern)) between 1 and 100),
  priority integer not null default 100 check (priority between 0 and 1000),
  created_by uuid,
  created_at timestamptz not null default now(),
  unique (tenant_id, id),
  foreign key (tenant_id, category_id) references public.expense_categories (tenant_id, id) on delete cascade
);
create index category_rules_tenant_priority_idx on public.category_rules (tenant_id, priority, created_at, id);
create index category_rules_category_idx on public.category_rules (tenant_id, category_id);

create table public.vat_period_locks (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  period_kind text not null check (period_kind in ('month', 'quarter', 'year')),
  period_start date not null,
  period_end date not null,
  -- The figures as filed: what the return said when the period was locked.
  deductible_vat numeric(14, 2) not null default 0,
  receipts_counted integer not null default 0 check (receipts_counted >= 0),
  locked_by uuid not null,
  locked_at timestamptz not null default now(),
  check (period_end >= period_start),
  unique (tenant_id, period_start)
);
create index vat_period_locks_tenant_range_idx on public.vat_period_locks (tenant_id, period_start, period_end);

-- Expense figures select processed receipts of one tenant by date; their VAT rows by receipt.
create index receipts_tenant_processed_date_idx on public.receipts (tenant_id, receipt_date)
  include (status, total, currency, category, client_id)
  where deleted_at is null;

-- Each VAT row's own arithmetic, checked once when written: net + tax = gross and tax = net x rate,
-- to the cent (two cents of rounding for the tax). The summary reads it instead of recomputing it.
alter table public.receipt_vat_rows
  add column arithmetic_ok boolean not null generated always as (
    abs(net + tax - gross) <= 0.01 and abs(round(net * rate / 100, 2) - tax) <= 0.02) stored;

-- The default categories of every tenant: code, name, account of the common Finnish chart of accounts,
-- VAT treatment and deductible share.
create function app_private.finance_default_categories()
  returns table (code text, name text, account text, vat_treatment text, deductible_share numeric)
  language sql immutable
  set search_path = ''
  as $$
    values
      ('tarvikkeet', 'Tarvikkeet', '4000', 'deductible', 1.0),
      ('polttoaine', 'Polttoaine', '7310', 'deductible', 1.0),
      ('auto_sekakaytto', 'Auto (sekakäyttö)', '7300', 'partial', 0.5),
      ('matkat', 'Matkat', '7700', 'deductible', 1.0),
      ('majoitus', 'Majoitus', '7710', 'deductible', 1.0),
      ('hotelliaamiainen', 'Hotelliaamiainen', '7715', 'not_deductible', 0.0),
      ('ravintola', 'Ravintola', '7720', 'deductible', 1.0),
      ('edustus', 'Edustus', '8400', 'not_deductible', 0.0),
      ('lahjat', 'Lahjat', '8410', 'not_deductible', 0.0),
      ('toimisto', 'Toimisto', '7900', 'deductible', 1.0),
      ('ohjelmistot', 'Ohjelmistot', '7920', 'deductible', 1.0),
      ('puhelin_ja_internet', 'Puhelin ja internet', '7800', 'deductible', 1.0),
      ('koulutus', 'Koulutus', '7400', 'deductible', 1.0),
      ('markkinointi', 'Markkinointi', '8000', 'deductible', 1.0),
      ('muut', 'Muut kulut', '8500', 'deductible', 1.0)
  $$;

create function app_private.add_default_categories() returns trigger
  language plpgsql security definer
  set search_path = ''
  as $$
    begin
      insert into public.expense_categories (tenant_id, code, name, account, vat_treatment, deductible_share)
      select new.id, d.code, d.name, d.account, d.vat_treatment, d.deductible_share
        from app_private.finance_default_categories() d
      on conflict (tenant_id, code) do nothing;
      return new;
    end
  $$;
revoke all on function app_private.add_default_categories() from public;

create trigger tenants_default_categories after insert on public.tenants
  for each row execute function app_private.add_default_categories();

insert into public.expense_categories (tenant_id, code, name, account, vat_treatment, deductible_share)
select t.id, d.code, d.name, d.account, d.vat_treatment, d.deductible_share
  from public.tenants t cross join app_private.finance_default_categories() d
on conflict (tenant_id, code) do nothing;

-- Whether a receipt of `tenant` dated `day` and processed at `processed` was counted by a filed period.
-- Runs with the caller's rights: under RLS a request sees only its own tenant's locks.
create function app_private.in_filed_period(tenant uuid, day date, processed timestamptz) returns boolean
  language sql stable
  set search_path = ''
  as $$
    select day is not null and processed is not null and exists (
      select from public.vat_period_locks l
       where l.tenant_id = tenant and day between l.period_start and l.period_end
         and processed <= l.locked_at)
  $$;
revoke all on function app_private.in_filed_period(uuid, date, timestamptz) from public;
grant execute on function app_private.in_filed_period(uuid, date, timestamptz) to authenticated, service_role;

create function app_private.guard_filed_receipts() returns trigger
  language plpgsql security definer
  set search_path = ''
  as $$
    begin
      if app_private.in_filed_period(old.tenant_id, old.receipt_date, old.processed_at) and (
           tg_op = 'DELETE'
           or (old.status, old.merchant, old.business_id, old.receipt_date, old.total, old.currency,
               old.category, old.client_id, old.fields, old.corrected_fields, old.deleted_at,
               old.duplicate_of, old.processed_at)
              is distinct from
              (new.status, new.merchant, new.business_id, new.receipt_date, new.total, new.currency,
               new.category, new.client_id, new.fields, new.corrected_fields, new.deleted_at,
               new.duplicate_of, new.processed_at)) then
        raise exception 'the receipt belongs to a filed VAT period' using errcode = 'DF006';
      end if;
      if tg_op = 'UPDATE' and new.receipt_date is distinct from old.receipt_date
         and app_private.in_filed_period(new.tenant_id, new.receipt_date, new.processed_at) then
        raise exception 'the receipt would move into a filed VAT period' using errcode = 'DF006';
      end if;
      return case when tg_op = 'DELETE' then old else new end;
    end
  $$;
revoke all on function app_private.guard_filed_receipts() from public;

create trigger receipts_filed_period before update or delete on public.receipts
  for each row execute function app_private.guard_filed_receipts();

create function app_private.guard_filed_vat_rows() returns trigger
  language plpgsql security definer
  set search_path = ''
  as $$
    declare
      target public.receipt_vat_rows := case when tg_op = 'DELETE' then old else new end;
    begin
      if exists (
        select from public.receipts r
         where r.tenant_id = target.tenant_id and r.id = target.receipt_id
           and app_private.in_filed_period(r.tenant_id, r.receipt_date, r.processed_at)) then
        raise exception 'the receipt belongs to a filed VAT period' using errcode = 'DF006';
      end if;
      return target;
    end
  $$;
revoke all on function app_private.guard_filed_vat_rows() from public;

create trigger receipt_vat_rows_filed_period before insert or update or delete on public.receipt_vat_rows
  for each row execute function app_private.guard_filed_vat_rows();

alter table public.finance_settings enable row level security;
alter table public.finance_settings force row level security;
alter table public.expense_categories enable row level security;
alter table public.expense_categories force row level security;
alter table public.category_rules enable row level security;
alter table public.category_rules force row level security;
alter table public.vat_period_locks enable row level security;
alter table public.vat_period_locks force row level security;

-- Every member reads; owners and admins change settings, categories and rules, and file periods.
create policy finance_settings_select on public.finance_settings for select to authenticated
  using (tenant_id = (select app_private.current_tenant_id()) and (select app_private.is_tenant_member()));
create policy finance_settings_insert on public.finance_settings for insert to authenticated
  with check (tenant_id = (select app_private.current_tenant_id())
              and (select app_private.has_tenant_role(array['owner', 'admin'])));
create policy finance_settings_update on public.finance_settings for update to authenticated
  using (tenant_id = (select app_private.current_tenant_id())
         and (select app_private.has_tenant_role(array['owner', 'admin'])))
  with check (tenant_id = (select app_private.current_tenant_id()));

create policy expense_categories_select on public.expense_categories for select to authenticated
  using (tenant_id = (select app_private.current_tenant_id()) and (select app_private.is_tenant_member()));
create policy expense_categories_insert on public.expense_categories for insert to authenticated
  with check (tenant_id = (select app_private.current_tenant_id())
              and (select app_private.has_tenant_role(array['owner', 'admin'])));
create policy expense_categories_update on public.expense_categories for update to authenticated
  using (tenant_id = (select app_private.current_tenant_id())
         and (select app_private.has_tenant_role(array['owner', 'admin'])))
  with check (tenant_id = (select app_private.current_tenant_id()));
create policy expense_categories_delete on public.expense_categories for delete to authenticated
  using (tenant_id = (select app_private.current_tenant_id())
         and (select app_private.has_tenant_role(array['owner', 'admin'])));

create policy category_rules_select on public.category_rules for select to authenticated
  using (tenant_id = (select app_private.current_tenant_id()) and (select app_private.is_tenant_member()));
create policy category_rules_insert on public.category_rules for insert to authenticated
  with check (tenant_id = (select app_private.current_tenant_id())
              and (select app_private.has_tenant_role(array['owner', 'admin']))
              and created_by = (select auth.uid()));
create policy category_rules_delete on public.category_rules for delete to authenticated
  using (tenant_id = (select app_private.current_tenant_id())
         and (select app_private.has_tenant_role(array['owner', 'admin'])));

create policy vat_period_locks_select on public.vat_period_locks for select to authenticated
  using (tenant_id = (select app_private.current_tenant_id()) and (select app_private.is_tenant_member()));
create policy vat_period_locks_insert on public.vat_period_locks for insert to authenticated
  with check (tenant_id = (select app_private.current_tenant_id())
              and (select app_private.has_tenant_role(array['owner', 'admin']))
              and locked_by = (select auth.uid()));

grant select, insert, update (vat_period, updated_at) on public.finance_settings to authenticated;
grant select, delete on public.expense_categories to authenticated;
grant insert (tenant_id, code, name, account, vat_treatment, deductible_share)
  on public.expense_categories to authenticated;
grant update (name, account, vat_treatment, deductible_share, updated_at) on public.expense_categories
  to authenticated;
grant select, delete on public.category_rules to authenticated;
grant insert (tenant_id, category_id, match_kind, pattern, priority, created_by)
  on public.category_rules to authenticated;
grant select on public.vat_period_locks to authenticated;
grant insert (tenant_id, period_kind, period_start, period_end, deductible_vat, receipts_counted, locked_by)
  on public.vat_period_locks to authenticated;
-- The processor applies category rules to the receipts it stores.
grant select on public.expense_categories, public.category_rules, public.vat_period_locks,
  public.finance_settings to service_role;

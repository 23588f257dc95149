-- AI services: per-tenant daily usage (requests and tokens, counted here so every Lambda instance
-- sees the same budget), category suggestions with their source, and the checked second readings
-- of receipts with the provenance of every field.
--
-- Nothing here stores a prompt or a completion: a reading keeps only the values that passed the
-- engine's checks and, for the others, the code of the check that refused them.

create table public.ai_usage (
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  day date not null,
  requests integer not null default 0 check (requests >= 0),
  tokens bigint not null default 0 check (tokens >= 0),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, day)
);

create table public.ai_category_suggestions (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  receipt_id uuid not null,
  category text not null check (category ~ '^[a-z0-9_]{1,40}$'),
  source text not null check (source in ('rule', 'model')),
  status text not null default 'suggested' check (status in ('suggested', 'accepted', 'changed')),
  chosen_category text check (chosen_category is null or chosen_category ~ '^[a-z0-9_]{1,40}$'),
  decided_by uuid,
  decided_at timestamptz,
  created_at timestamptz not null default now(),
  unique (tenant_id, receipt_id),
  foreign key (tenant_id, receipt_id) references public.receipts (tenant_id, id) on delete cascade
);

create table public.ai_receipt_readings (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  receipt_id uuid not null,
  -- {field: {"source": "engine"|"model"|"person", "accepted": bool, "reason": code|null}}
  provenance jsonb not null default '{}'::jsonb check (jsonb_typeof(provenance) = 'object'),
  accepted integer not null default 0 check (accepted >= 0),
  rejected integer not null default 0 check (rejected >= 0),
  model text check (model is null or length(model) <= 100),
  created_by uuid,
  created_at timestamptz not null default now(),
  foreign key (tenant_id, receipt_id) references public.receipts (tenant_id, id) on delete cascade
);
create index ai_receipt_readings_receipt_idx on public.ai_receipt_readings (tenant_id, receipt_id, created_at);

alter table public.ai_usage enable row level security;
alter table public.ai_usage force row level security;
alter table public.ai_category_suggestions enable row level security;
alter table public.ai_category_suggestions force row level security;
alter table public.ai_receipt_readings enable row level security;
alter table public.ai_receipt_readings force row level security;

-- Every member reads; owners, admins and members (who may edit receipts) use the AI and write.
create policy ai_usage_select on public.ai_usage for select to authenticated
  using (tenant_id = (select app_private.current_tenant_id()) and (select app_private.is_tenant_member()));
-- Usage only grows, and only through these functions: a member cannot lower the counts through the
-- API of the database (no insert or update grant on the table).
create function app_private.ai_count_request() returns void
  language plpgsql security definer
  set search_path = ''
  as $$
    begin
      if not app_private.is_tenant_member() then
        raise exception 'not a member of the tenant' using errcode = '42501';
      end if;
      insert into public.ai_usage (tenant_id, day, requests, tokens)
      values (app_private.current_tenant_id(), (now() at time zone 'utc')::date, 1, 0)
      on conflict (tenant_id, day) do update
         set requests = public.ai_usage.requests + 1, updated_at = now();
    end
  $$;

create function app_private.ai_add_tokens(used bigint) returns void
  language plpgsql security definer
  set search_path = ''
  as $$
    begin
      if not app_private.is_tenant_member() then
        raise exception 'not a member of the tenant' using errcode = '42501';
      end if;
      update public.ai_usage set tokens = tokens + greatest(used, 0), updated_at = now()
       where tenant_id = app_private.current_tenant_id() and day = (now() at time zone 'utc')::date;
    end
  $$;
revoke all on function app_private.ai_count_request() from public;
revoke all on function app_private.ai_add_tokens(bigint) from public;
grant execute on function app_private.ai_count_request() to authenticated;
grant execute on function app_private.ai_add_tokens(bigint) to authenticated;

create policy ai_category_suggestions_select on public.ai_category_suggestions for select to authenticated
  using (tenant_id = (select app_private.current_tenant_id()) and (select app_private.is_tenant_member()));
create policy ai_category_suggestions_insert on public.ai_category_suggestions for insert to authenticated
  with check (tenant_id = (select app_private.current_tenant_id())
              and (select app_private.has_tenant_role(array['owner', 'admin', 'member'])));
create policy ai_category_suggestions_update on public.ai_category_suggestions for update to authenticated
  using (tenant_id = (select app_private.current_tenant_id())
         and (select app_private.has_tenant_role(array['owner', 'admin', 'member'])))
  with check (tenant_id = (select app_private.current_tenant_id()));

create policy ai_receipt_readings_select on public.ai_receipt_readings for select to authenticated
  using (tenant_id = (select app_private.current_tenant_id()) and (select app_private.is_tenant_member()));
create policy ai_receipt_readings_insert on public.ai_receipt_readings for insert to authenticated
  with check (tenant_id = (select app_private.current_tenant_id())
              and (select app_private.has_tenant_role(array['owner', 'admin', 'member']))
              and created_by = (select auth.uid()));

grant select on public.ai_usage to authenticated;
grant select, insert (tenant_id, receipt_id, category, source, status, chosen_category, decided_by, decided_at),
  update (category, source, status, chosen_category, decided_by, decided_at, created_at)
  on public.ai_category_suggestions to authenticated;
grant select, insert (tenant_id, receipt_id, provenance, accepted, rejected, model, created_by)
  on public.ai_receipt_readings to authenticated;

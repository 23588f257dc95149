-- Clients: a tenant's customers (companies and people) and their contact persons.
--
-- Leads convert into clients (source_lead_id) and receipts link to them (receipts.client_id), so the
-- columns of public.clients are a shared contract: add columns as nullable or with defaults only.
-- Clients are archived, never deleted, by requests. A Y-tunnus is unique within a tenant only; the API
-- answers a duplicate with a generic 409, as the unique index never sees other tenants' rows.

-- Y-tunnus 'NNNNNNN-C': weights 7,9,10,5,8,4,2; r = sum mod 11; r = 0 -> 0, r = 1 -> invalid, else 11 - r.
create function app_private.is_valid_ytunnus(value text) returns boolean
  language sql immutable strict parallel safe
  set search_path = ''
  as $$
    select value ~ '^[0-9]{7}-[0-9]$'
       and (
         with digits as (
           select sum(substr(value, i, 1)::int * (array[7, 9, 10, 5, 8, 4, 2])[i]) % 11 as r
             from generate_series(1, 7) as i
         )
         select r <> 1 and (case when r = 0 then 0 else 11 - r end) = substr(value, 9, 1)::int from digits
       )
  $$;

create function app_private.clients_touch_updated_at() returns trigger
  language plpgsql
  set search_path = ''
  as $$
    begin
      new.updated_at := now();
      return new;
    end
  $$;

create table public.clients (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  kind text not null check (kind in ('company', 'person')),
  name text not null check (length(btrim(name)) between 1 and 200),
  business_id text check (app_private.is_valid_ytunnus(business_id)),
  vat_number text check (vat_number ~ '^[A-Z]{2}[0-9A-Z]{2,13}$'),
  email text check (length(email) <= 254),
  phone text check (length(phone) <= 40),
  notes text check (length(notes) <= 5000),
  street_address text check (length(street_address) <= 200),
  postal_code text check (length(postal_code) <= 20),
  city text check (length(city) <= 100),
  country_code text not null default 'FI' check (country_code ~ '^[A-Z]{2}$'),
  tags text[] not null default '{}' check (cardinality(tags) <= 20),
  source_lead_id uuid,
  archived_at timestamptz,
  created_by uuid default auth.uid(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (tenant_id, id)
);
create unique index clients_tenant_business_id_key on public.clients (tenant_id, business_id)
  where business_id is not null;
create index clients_tenant_name_idx on public.clients (tenant_id, name, id);
create index clients_tenant_created_idx on public.clients (tenant_id, created_at, id);
create index clients_tags_idx on public.clients using gin (tags);
create index clients_source_lead_idx on public.clients (tenant_id, source_lead_id) where source_lead_id is not null;

create trigger clients_touch_updated_at before update on public.clients
  for each row execute function app_private.clients_touch_updated_at();

create table public.client_contacts (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  client_id uuid not null,
  name text not null check (length(btrim(name)) between 1 and 200),
  title text check (length(title) <= 100),
  email text check (length(email) <= 254),
  phone text check (length(phone) <= 40),
  is_primary boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- a contact always belongs to a client of its own tenant
  foreign key (tenant_id, client_id) references public.clients (tenant_id, id) on delete cascade
);
create index client_contacts_tenant_client_idx on public.client_contacts (tenant_id, client_id, name, id);
create unique index client_contacts_one_primary_key on public.client_contacts (tenant_id, client_id)
  where is_primary;

create trigger client_contacts_touch_updated_at before update on public.client_contacts
  for each row execute function app_private.clients_touch_updated_at();

revoke all on function app_private.is_valid_ytunnus(text) from public;
revoke all on function app_private.clients_touch_updated_at() from public;
grant execute on function app_private.is_valid_ytunnus(text) to authenticated, service_role;

alter table public.clients enable row level security;
alter table public.clients force row level security;
alter table public.client_contacts enable row level security;
alter table public.client_contacts force row level security;

-- Every member reads; owners, admins and members write; viewers only read. Nobody deletes a client
-- through a request (archive instead); contacts may be deleted by writers.
create policy clients_select on public.clients for select to authenticated
  using (tenant_id = (select app_private.current_tenant_id()) and (select app_private.is_tenant_member()));
create policy clients_insert on public.clients for insert to authenticated
  with check (tenant_id = (select app_private.current_tenant_id())
              and (select app_private.has_tenant_role(array['owner', 'admin', 'member'])));
create policy clients_update on public.clients for update to authenticated
  using (tenant_id = (select app_private.current_tenant_id())
         and (select app_private.has_tenant_role(array['owner', 'admin', 'member'])))
  with check (tenant_id = (select app_private.current_tenant_id()));

create policy client_contacts_select on public.client_contacts for select to authenticated
  using (tenant_id = (select app_private.current_tenant_id()) and (select app_private.is_tenant_member()));
create policy client_contacts_insert on public.client_contacts for insert to authenticated
  with check (tenant_id = (select app_private.current_tenant_id())
              and (select app_private.has_tenant_role(array['owner', 'admin', 'member'])));
create policy client_contacts_update on public.client_contacts for update to authenticated
  using (tenant_id = (select app_private.current_tenant_id())
         and (select app_private.has_tenant_role(array['owner', 'admin', 'member'])))
  with check (tenant_id = (select app_private.current_tenant_id()));
create policy client_contacts_delete on public.client_contacts for delete to authenticated
  using (tenant_id = (select app_private.current_tenant_id())
         and (select app_private.has_tenant_role(array['owner', 'admin', 'member'])));

grant select on public.clients to authenticated;
grant insert (tenant_id, kind, name, business_id, vat_number, email, phone, notes, street_address, postal_code,
              city, country_code, tags, source_lead_id)
  on public.clients to authenticated;
grant update (kind, name, business_id, vat_number, email, phone, notes, street_address, postal_code, city,
              country_code, tags, archived_at)
  on public.clients to authenticated;
grant select, delete on public.client_contacts to authenticated;
grant insert (tenant_id, client_id, name, title, email, phone, is_primary) on public.client_contacts to authenticated;
grant update (name, title, email, phone, is_primary) on public.client_contacts to authenticated;
grant select, insert, update, delete on public.clients, public.client_contacts to service_role;

-- Leads: contact-form submissions of a tenant's website, worked through
-- new -> contacted -> qualified -> won | lost, with notes and conversion into a client.
--
-- The public form never names a tenant: it sends the public key of one of the tenant's lead forms.
-- Public submissions are written by the named system job "leads.capture" (service_role); members
-- read leads and change only the columns granted below.

create table public.lead_forms (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  key uuid not null default gen_random_uuid() unique,
  name text not null default 'Website' check (length(btrim(name)) between 1 and 200),
  active boolean not null default true,
  created_at timestamptz not null default now()
);
create index lead_forms_tenant_id_idx on public.lead_forms (tenant_id);

create table public.leads (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  form_id uuid references public.lead_forms (id) on delete set null,
  status text not null default 'new'
    check (status in ('new', 'contacted', 'qualified', 'won', 'lost')),
  name text not null check (length(btrim(name)) between 1 and 200),
  email text not null check (length(email) between 3 and 320),
  phone text check (length(phone) <= 40),
  company text check (length(company) <= 200),
  message text not null check (length(message) between 1 and 5000),
  message_sha256 text not null check (message_sha256 ~ '^[0-9a-f]{64}$'),
  consent_at timestamptz not null,
  owner_id uuid,
  client_id uuid,
  converted_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (tenant_id, id),
  -- The owner must be a member of the lead's tenant; removing the member clears the owner only.
  foreign key (tenant_id, owner_id) references public.tenant_members (tenant_id, user_id)
    on delete set null (owner_id),
  check ((client_id is null) = (converted_at is null))
);
create index leads_tenant_created_idx on public.leads (tenant_id, created_at desc, id desc);
create index leads_tenant_status_idx on public.leads (tenant_id, status);
create index leads_tenant_owner_idx on public.leads (tenant_id, owner_id);
create index leads_dedup_idx on public.leads (tenant_id, lower(email), message_sha256, created_at desc);
create unique index leads_tenant_client_idx on public.leads (tenant_id, client_id) where client_id is not null;

create table public.lead_notes (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  lead_id uuid not null,
  author_id uuid,
  body text not null check (length(btrim(body)) between 1 and 5000),
  created_at timestamptz not null default now(),
  foreign key (tenant_id, lead_id) references public.leads (tenant_id, id) on delete cascade
);
create index lead_notes_tenant_lead_idx on public.lead_notes (tenant_id, lead_id, created_at);

alter table public.lead_forms enable row level security;
alter table public.lead_forms force row level security;
alter table public.leads enable row level security;
alter table public.leads force row level security;
alter table public.lead_notes enable row level security;
alter table public.lead_notes force row level security;

create policy lead_forms_select on public.lead_forms for select to authenticated
  using (tenant_id = (select app_private.current_tenant_id()) and (select app_private.is_tenant_member()));
create policy lead_forms_insert on public.lead_forms for insert to authenticated
  with check (tenant_id = (select app_private.current_tenant_id())
              and (select app_private.has_tenant_role(array['owner', 'admin'])));
create policy lead_forms_update on public.lead_forms for update to authenticated
  using (tenant_id = (select app_private.current_tenant_id())
         and (select app_private.has_tenant_role(array['owner', 'admin'])))
  with check (tenant_id = (select app_private.current_tenant_id()));

create policy leads_select on public.leads for select to authenticated
  using (tenant_id = (select app_private.current_tenant_id()) and (select app_private.is_tenant_member()));
create policy leads_update on public.leads for update to authenticated
  using (tenant_id = (select app_private.current_tenant_id())
         and (select app_private.has_tenant_role(array['owner', 'admin', 'member'])))
  with check (tenant_id = (select app_private.current_tenant_id()));

create policy lead_notes_select on public.lead_notes for select to authenticated
  using (tenant_id = (select app_private.current_tenant_id()) and (select app_private.is_tenant_member()));
create policy lead_notes_insert on public.lead_notes for insert to authenticated
  with check (tenant_id = (select app_private.current_tenant_id())
              and (select app_private.has_tenant_role(array['owner', 'admin', 'member']))
              and author_id = (select auth.uid()));

-- Privileges: requests read; they write only the columns listed. Public capture is service_role.
grant select on public.lead_forms to authenticated;
grant insert (tenant_id, name, active) on public.lead_forms to authenticated;
grant update (name, active) on public.lead_forms to authenticated;
grant select on public.leads to authenticated;
grant update (status, owner_id, client_id, converted_at, updated_at) on public.leads to authenticated;
grant select on public.lead_notes to authenticated;
grant insert (tenant_id, lead_id, author_id, body) on public.lead_notes to authenticated;
grant select, insert, update, delete on public.lead_forms, public.leads, public.lead_notes to service_role;

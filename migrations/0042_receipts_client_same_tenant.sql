-- A receipt may only point at a client of its own tenant: the link is checked on (tenant_id, client_id).
alter table public.receipts drop constraint if exists receipts_client_id_fkey;
alter table public.receipts
  add constraint receipts_tenant_client_fkey foreign key (tenant_id, client_id)
  references public.clients (tenant_id, id);

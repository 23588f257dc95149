-- The optional automatic second reading: when on, a receipt the engine leaves in needs_review (or
-- processed with low confidence) is queued for the model's checked second reading once its result is
-- committed (docflow.ai.auto). Off by default; owners and admins switch it (tenants_update policy).
alter table public.tenants add column if not exists ai_auto_second_reading boolean not null default false;

grant update (ai_auto_second_reading) on public.tenants to authenticated;

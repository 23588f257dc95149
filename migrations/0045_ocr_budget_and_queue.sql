-- Fair OCR: a per-tenant budget of OCR seconds and a receipt queue that one tenant cannot monopolise.
--
-- ocr_usage counts the seconds of OCR each tenant spent per fixed window (S3 processing and
-- synchronous OCR alike). receipt_jobs holds the S3 events waiting to be processed; workers claim
-- the next job round-robin by tenant (fewest jobs in flight first, then the tenant served longest
-- ago) and never more than a cap of one tenant's jobs at once (docflow.pipeline.queue). Both live in
-- app_private: only the background jobs (service_role) touch them.

create table app_private.ocr_usage (
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  window_start timestamptz not null,
  seconds numeric(14, 3) not null default 0 check (seconds >= 0),
  primary key (tenant_id, window_start)
);

create table app_private.receipt_jobs (
  receipt_id uuid primary key,
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  bucket text not null check (length(bucket) between 3 and 63),
  object_key text not null check (length(object_key) between 1 and 2048),
  size_bytes bigint check (size_bytes is null or size_bytes >= 0),
  version_id text check (version_id is null or length(version_id) between 1 and 1024),
  sequencer text not null check (sequencer ~ '^[0-9A-Fa-f]{1,64}$'),
  enqueued_at timestamptz not null default clock_timestamp(),
  not_before timestamptz not null default clock_timestamp(),
  lease_until timestamptz,
  attempts integer not null default 0 check (attempts >= 0)
);
create index receipt_jobs_tenant_idx on app_private.receipt_jobs (tenant_id, enqueued_at);

create table app_private.receipt_job_turns (
  tenant_id uuid primary key references public.tenants (id) on delete cascade,
  last_claimed_at timestamptz not null
);

alter table app_private.ocr_usage enable row level security;
alter table app_private.ocr_usage force row level security;
alter table app_private.receipt_jobs enable row level security;
alter table app_private.receipt_jobs force row level security;
alter table app_private.receipt_job_turns enable row level security;
alter table app_private.receipt_job_turns force row level security;
revoke all on app_private.ocr_usage, app_private.receipt_jobs, app_private.receipt_job_turns
  from public, anon, authenticated;
-- service_role bypasses RLS (as on Supabase); no other role has privileges.
grant select, insert, update, delete on app_private.ocr_usage, app_private.receipt_jobs,
  app_private.receipt_job_turns to service_role;

-- Rate limits shared by every Lambda instance: one row per hashed bucket with a fixed window.
--
-- Buckets are SHA-256 digests computed by the API (docflow.ratelimit), so no email or IP address is
-- ever stored. The table lives in the non-exposed schema app_private; no API role has privileges on
-- it, and the only way in is app_private.hit_rate_limit(), a SECURITY DEFINER function.

create table app_private.rate_limits (
  bucket text primary key check (bucket ~ '^[0-9a-f]{64}$'),
  window_started_at timestamptz not null,
  expires_at timestamptz not null,
  hits integer not null check (hits >= 0)
);
create index rate_limits_expires_at_idx on app_private.rate_limits (expires_at);

alter table app_private.rate_limits enable row level security;
alter table app_private.rate_limits force row level security;
revoke all on app_private.rate_limits from public, anon, authenticated, service_role;

-- Forced RLS applies to the table owner too: the owner (the role running migrations, which is also the
-- definer of hit_rate_limit) gets the one policy; every other role has no privileges at all.
do $$
begin
  execute format(
    'create policy rate_limits_definer_only on app_private.rate_limits for all to %I using (true) with check (true)',
    current_user
  );
end
$$;

-- Count one hit on `bucket` and say whether it is allowed.
-- Atomic under concurrency: one INSERT ... ON CONFLICT DO UPDATE takes the row lock, so concurrent hits
-- on the same bucket serialise and exactly `max_hits` of them are allowed per window. An expired
-- window restarts at this hit. Denied hits are counted but capped, so the counter cannot overflow.
-- About one call in fifty also deletes a batch of expired windows (skipping rows locked by others).
create function app_private.hit_rate_limit(bucket text, window_seconds integer, max_hits integer)
  returns table (allowed boolean, retry_after_seconds integer)
  language plpgsql volatile security definer
  set search_path = ''
  as $$
  declare
    now_ts timestamptz := clock_timestamp();
    row_hits integer;
    row_expires timestamptz;
  begin
    if bucket is null or window_seconds is null or max_hits is null
       or window_seconds < 1 or window_seconds > 86400 * 31 or max_hits < 1 then
      raise exception 'invalid rate limit arguments' using errcode = '22023';
    end if;

    insert into app_private.rate_limits as r (bucket, window_started_at, expires_at, hits)
    values (bucket, now_ts, now_ts + make_interval(secs => window_seconds), 1)
    on conflict on constraint rate_limits_pkey do update
       set window_started_at = case when r.expires_at <= now_ts then now_ts else r.window_started_at end,
           expires_at = case when r.expires_at <= now_ts
                             then now_ts + make_interval(secs => window_seconds) else r.expires_at end,
           hits = case when r.expires_at <= now_ts then 1 else least(r.hits + 1, max_hits + 1) end
    returning r.hits, r.expires_at into row_hits, row_expires;

    if random() < 0.02 then
      delete from app_private.rate_limits d
       where d.ctid in (select x.ctid from app_private.rate_limits x
                         where x.expires_at < now_ts
                         limit 500 for update skip locked);
    end if;

    allowed := row_hits <= max_hits;
    retry_after_seconds := case when allowed then 0
                                else greatest(1, ceil(extract(epoch from row_expires - now_ts))::integer) end;
    return next;
  end
  $$;

revoke all on function app_private.hit_rate_limit(text, integer, integer) from public;
grant execute on function app_private.hit_rate_limit(text, integer, integer)
  to anon, authenticated, service_role;

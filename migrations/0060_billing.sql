-- Billing: each tenant's Stripe subscription as last read from Stripe, and the webhook events processed.
--
-- public.billing_subscriptions holds one row per tenant that ever started a Checkout: its Stripe
-- customer, its subscription and the state that decides its plan. Only the webhook and the daily
-- reconciliation write it (service_role); members read their own tenant's row. A tenant without a row
-- is on the free plan.
--
-- public.stripe_events records every webhook event id processed, in the same transaction as its
-- effect, so an event delivered again (Stripe retries for days) has no second effect.

create table public.billing_subscriptions (
  tenant_id uuid primary key references public.tenants (id) on delete cascade,
  stripe_customer_id text unique check (stripe_customer_id ~ '^cus_[A-Za-z0-9_]{1,250}$'),
  stripe_subscription_id text unique check (stripe_subscription_id ~ '^sub_[A-Za-z0-9_]{1,250}$'),
  price_id text check (length(price_id) <= 255),
  status text not null default 'none'
    check (status in ('none', 'incomplete', 'incomplete_expired', 'trialing', 'active', 'past_due',
                      'canceled', 'unpaid', 'paused')),
  current_period_end timestamptz,
  cancel_at_period_end boolean not null default false,
  trial_end timestamptz,
  -- While past_due, the paid plan stays in force until this moment (the grace period).
  grace_until timestamptz,
  -- When the stored state was read from Stripe: an older read never overwrites a newer one.
  synced_at timestamptz,
  updated_at timestamptz not null default now()
);

alter table public.billing_subscriptions enable row level security;
alter table public.billing_subscriptions force row level security;

create policy billing_subscriptions_select on public.billing_subscriptions for select to authenticated
  using (tenant_id = (select app_private.current_tenant_id()) and (select app_private.is_tenant_member()));

grant select on public.billing_subscriptions to authenticated;
grant select, insert, update, delete on public.billing_subscriptions to service_role;

create table public.stripe_events (
  event_id text primary key check (event_id ~ '^evt_[A-Za-z0-9_]{1,250}$'),
  event_type text not null check (length(event_type) <= 100),
  stripe_created timestamptz not null,
  processed_at timestamptz not null default now()
);
create index stripe_events_processed_idx on public.stripe_events (processed_at);

alter table public.stripe_events enable row level security;
alter table public.stripe_events force row level security;
-- No policy for authenticated or anon: only the webhook (service_role) reads and writes it.
grant select, insert, delete on public.stripe_events to service_role;

-- Record the current tenant's Stripe customer (owners and admins, when they first open a Checkout).
-- An existing, different customer is kept: the first one stays the tenant's customer. Returns the
-- customer id in force.
create function app_private.billing_set_customer(customer text) returns text
  language plpgsql security definer
  set search_path = ''
  as $$
    declare
      tenant uuid := app_private.current_tenant_id();
      kept text;
    begin
      if tenant is null or not app_private.has_tenant_role(array['owner', 'admin']) then
        raise exception 'owners and admins only' using errcode = '42501';
      end if;
      insert into public.billing_subscriptions (tenant_id, stripe_customer_id)
      values (tenant, customer)
      on conflict (tenant_id) do update
        set stripe_customer_id = coalesce(public.billing_subscriptions.stripe_customer_id, excluded.stripe_customer_id),
            updated_at = now()
      returning stripe_customer_id into kept;
      return kept;
    end
  $$;

-- Serialise the current tenant's quota checks (uploads, invitations) until the transaction ends, so
-- two concurrent requests cannot both take the last unit of a limit.
create function app_private.billing_lock_quota(quota text) returns void
  language sql security definer
  set search_path = ''
  as $$
    select pg_advisory_xact_lock(hashtextextended('billing:' || quota || ':' || app_private.current_tenant_id()::text, 0))
  $$;

-- Receipts the current tenant created since the start of the current calendar month (UTC), deleted
-- ones included: an upload uses the month's quota when it is created.
create function app_private.billing_receipts_this_month() returns bigint
  language sql stable security definer
  set search_path = ''
  as $$
    select count(*) from public.receipts r
     where r.tenant_id = app_private.current_tenant_id()
       and app_private.is_tenant_member()
       and r.created_at >= date_trunc('month', now() at time zone 'UTC') at time zone 'UTC'
  $$;

revoke all on function app_private.billing_set_customer(text) from public;
revoke all on function app_private.billing_lock_quota(text) from public;
revoke all on function app_private.billing_receipts_this_month() from public;
grant execute on function app_private.billing_set_customer(text) to authenticated;
grant execute on function app_private.billing_lock_quota(text) to authenticated;
grant execute on function app_private.billing_receipts_this_month() to authenticated;

-- Retention: rows that matter only for a while are deleted once their period is over, by the daily
-- job {"docflow_job": "retention.purge"} (docflow.retention; periods and reasons in the README,
-- "Retention"). app_private.purge_expired(p_now, p_batch) deletes at most p_batch rows per table per
-- call, oldest first, skipping rows another transaction holds, and returns the count per table; the
-- job calls it until a call deletes less than a batch everywhere.
--
-- Never deleted here: rows still pending (an e-mail not yet sent, an outbox row not yet published), an
-- inbound message whose receipts are still being read, a published Linear outbox row the review sweep
-- would otherwise queue again, and the tables left out on purpose (the single send slot, the receipt
-- queue, the fair-queue turns, the OCR budget windows).

-- Row level security is forced on these tables and the owner (the definer of purge_expired) has no
-- policy of its own yet: it gets one, as app_private.rate_limits and public.integration_outbox have.
do $$
declare
  t text;
begin
  foreach t in array array['stripe_events', 'resend_webhook_deliveries', 'linear_webhook_deliveries',
                           'email_sends', 'email_inbound_messages'] loop
    execute format(
      'create policy %I on public.%I for all to %I using (true) with check (true)',
      t || '_definer', t, current_user
    );
  end loop;
end
$$;

create function app_private.purge_expired(p_now timestamptz, p_batch integer)
  returns table (table_name text, deleted integer)
  language plpgsql volatile security definer
  set search_path = ''
  as $$
  declare
    n integer;
    t text;
  begin
    if p_now is null or p_batch is null or p_batch < 1 or p_batch > 10000 then
      raise exception 'invalid retention arguments' using errcode = '22023';
    end if;

    -- Webhook delivery ids: de-duplication outlasts the providers' retries (Stripe 3 days, Svix and
    -- Linear about a day) many times over.
    foreach t in array array['stripe_events', 'resend_webhook_deliveries', 'linear_webhook_deliveries'] loop
      execute format(
        'delete from public.%1$I d where d.ctid in (select x.ctid from public.%1$I x'
        ' where x.processed_at < $1 - interval ''30 days'' order by x.processed_at limit $2'
        ' for update skip locked)', t)
        using p_now, p_batch;
      get diagnostics n = row_count;
      table_name := t; deleted := n; return next;
    end loop;

    -- Published outbox rows (a pending one is never touched). A Linear row of a receipt still waiting
    -- for review without an issue is kept: the review sweep queues an issue for such a receipt only
    -- when it has no Linear outbox row (docflow.integrations.outbox.sweep_reviews).
    delete from public.integration_outbox d
     where d.ctid in (
       select x.ctid from public.integration_outbox x
        where x.published_at is not null and x.published_at < p_now - interval '30 days'
          and not (x.provider = 'linear' and exists (
                select from public.receipts r
                 where r.id = x.entity_id and r.tenant_id = x.tenant_id
                   and r.status = 'needs_review' and r.deleted_at is null
                   and not exists (select from public.linear_issues l
                                    where l.tenant_id = r.tenant_id and l.subject_kind = 'receipt'
                                      and l.subject_id = r.id)))
        order by x.published_at limit p_batch for update skip locked);
    get diagnostics n = row_count;
    table_name := 'integration_outbox'; deleted := n; return next;

    -- The send log holds recipient addresses: kept 180 days after its last change (delivery events,
    -- support questions, a rerun finding the key); a pending message is never deleted.
    delete from public.email_sends d
     where d.ctid in (select x.ctid from public.email_sends x
                       where x.status <> 'pending' and x.updated_at < p_now - interval '180 days'
                       order by x.updated_at limit p_batch for update skip locked);
    get diagnostics n = row_count;
    table_name := 'email_sends'; deleted := n; return next;

    -- Inbound messages: 90 days, and never while one of their receipts is still being read (its final
    -- status sends the message's digest, found through this row).
    delete from public.email_inbound_messages d
     where d.ctid in (
       select x.ctid from public.email_inbound_messages x
        where x.created_at < p_now - interval '90 days'
          and not exists (select from public.receipts r
                           where r.id = any (x.receipt_ids) and r.tenant_id = x.tenant_id
                             and r.status in ('pending', 'processing'))
        order by x.created_at limit p_batch for update skip locked);
    get diagnostics n = row_count;
    table_name := 'email_inbound_messages'; deleted := n; return next;

    -- An expired rate-limit window restarts at its next hit: the row says nothing any more.
    delete from app_private.rate_limits d
     where d.ctid in (select x.ctid from app_private.rate_limits x
                       where x.expires_at < p_now
                       order by x.expires_at limit p_batch for update skip locked);
    get diagnostics n = row_count;
    table_name := 'rate_limits'; deleted := n; return next;

    -- A request slot a day in the past: the next request takes "now" whether the row is there or not.
    delete from app_private.integration_rate_slots d
     where d.ctid in (select x.ctid from app_private.integration_rate_slots x
                       where x.next_at < p_now - interval '1 day'
                       order by x.next_at limit p_batch for update skip locked);
    get diagnostics n = row_count;
    table_name := 'integration_rate_slots'; deleted := n; return next;
  end
  $$;

revoke all on function app_private.purge_expired(timestamptz, integer) from public;
grant execute on function app_private.purge_expired(timestamptz, integer) to service_role;

-- Uploads whose original never arrived: the scheduled drain marks them failed
-- (docflow.pipeline.store.fail_abandoned_uploads). The index holds only receipts still waiting for
-- their first S3 event, so the minutely scan stays small however many receipts a tenant keeps.
create index receipts_awaiting_original_idx on public.receipts (created_at)
  where status = 'pending' and sequencer is null and deleted_at is null;

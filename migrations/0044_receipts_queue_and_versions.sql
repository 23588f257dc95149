-- When a person last asked for a receipt to be read again. While it is pending and that request is
-- recent (within the processing lease), another request is refused (409): the receipt is already
-- queued, and each request writes a new version of the original and costs an OCR run.
alter table public.receipts add column if not exists reprocess_requested_at timestamptz;

grant update (reprocess_requested_at) on public.receipts to authenticated;

-- The S3 version of the original that processing read (the bucket is versioned): the stored fields
-- and content_hash describe that version, and the download URL names it. A later write to the key
-- of a receipt already read (a presigned POST reused with other bytes) is recorded in
-- original_replaced_at and a warning; it is never served in place of the version read.
alter table public.receipts add column if not exists object_version_id text
  check (object_version_id is null or length(object_version_id) between 1 and 1024);
alter table public.receipts add column if not exists original_replaced_at timestamptz;

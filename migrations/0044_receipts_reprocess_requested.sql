-- When a person last asked for a receipt to be read again. While it is pending and that request is
-- recent (within the processing lease), another request is refused (409): the receipt is already
-- queued, and each request writes a new version of the original and costs an OCR run.
alter table public.receipts add column if not exists reprocess_requested_at timestamptz;

grant update (reprocess_requested_at) on public.receipts to authenticated;

-- The receipts API generates a receipt's id before inserting it (the id is part of the upload key
-- pinned in the presigned POST), so requests may supply it.
grant insert (id) on public.receipts to authenticated;

"""Receipts: presigned uploads, listing, review and correction, reprocessing and accountant exports."""

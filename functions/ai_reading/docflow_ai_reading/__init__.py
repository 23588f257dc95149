"""The automatic second reading: receipts queued by processing, read again through the model."""

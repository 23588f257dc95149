"""The e-mail group: ``/api/v1/email`` (the tenant's inbound address, the monthly report's preview and
trigger) and the S3 trigger of received messages (``inbound/``: receipts by e-mail)."""

"""Receipts by e-mail: each tenant's inbound address, the MIME of a received message
(:mod:`docflow.email.inbound.mime`) and turning it into receipts (:mod:`docflow.email.inbound.accept`).
The raw message reaches :func:`docflow.email.inbound.accept.handle_raw` from the ``email_inbound``
function (SES receiving stores it in S3 under ``inbound/``) or from the local SMTP endpoint."""

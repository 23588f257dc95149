"""Tenant integrations: sealed secrets (:mod:`.sealing`, :mod:`.store`), the outbox that drives the
syncs (:mod:`.outbox`), Notion (:mod:`.notion`) and Linear (:mod:`.linear`, :mod:`.linear_webhook`),
and the queue consumer (:mod:`.consumer`). Heavy clients (boto3, cryptography, notion-client, httpx)
are imported on first use."""

__all__: list[str] = []

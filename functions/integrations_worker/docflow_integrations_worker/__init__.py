"""The integrations worker: the Notion and Linear queue consumer and the outbox drain."""

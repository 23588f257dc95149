"""The AI tests' fixtures (hard receipts, the fake model, tenants) for the automatic second reading."""

from tests.integration.functions.ai.conftest import (  # noqa: F401 (fixtures)
    auth,
    hard_receipt,
    model,
    row,
    tenant,
)

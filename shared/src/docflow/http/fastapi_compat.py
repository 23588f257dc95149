"""Keep FastAPI from importing ``pydantic.v1`` to ask whether a model is a pydantic v1 model.

FastAPI checks every route's models (and, when encoding, every value) against ``pydantic.v1``'s
``BaseModel`` and imports ``pydantic.v1`` to do so: about 80 ms of a cold start, for a question whose
answer is always "no" in DocFlow. A v1 model cannot exist unless ``pydantic.v1`` has been imported,
so the checks below answer ``False`` without importing it, and ask FastAPI's own check otherwise.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

_PATCHED = "_docflow_v1_lazy"


def _lazy(check: Callable[[Any], bool]) -> Callable[[Any], bool]:
    if getattr(check, _PATCHED, False):
        return check

    def lazy_check(value: Any) -> bool:
        return "pydantic.v1" in sys.modules and check(value)

    setattr(lazy_check, _PATCHED, True)
    return lazy_check


def install() -> None:
    """Replace FastAPI's v1 model checks (where this FastAPI has them) with lazy ones; idempotent."""
    import fastapi._compat
    import fastapi._compat.shared
    import fastapi.encoders

    for module in (fastapi._compat.shared, fastapi._compat, fastapi.encoders):
        for name in ("is_pydantic_v1_model_class", "is_pydantic_v1_model_instance"):
            check = getattr(module, name, None)
            if callable(check):
                setattr(module, name, _lazy(check))

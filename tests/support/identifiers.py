"""Finnish business ids for test data, with python-stdnum as the authority on the check digit."""

from __future__ import annotations

import random

from stdnum.fi import ytunnus


def ytunnus_check_digit(digits: str) -> str | None:
    """The check digit that makes seven ``digits`` a valid Y-tunnus; ``None`` where no digit does."""
    return next((d for d in "0123456789" if ytunnus.is_valid(f"{digits}-{d}")), None)


def random_ytunnus(rng: random.Random | None = None) -> str:
    """A random valid Y-tunnus (``1234567-1`` form)."""
    rng = rng or random.Random()
    while True:
        digits = f"{rng.randrange(10**7):07d}"
        check = ytunnus_check_digit(digits)
        if check is not None:
            return f"{digits}-{check}"

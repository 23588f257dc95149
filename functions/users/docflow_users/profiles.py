"""The caller's own profile (``public.profiles``; row level security limits it to their row)."""

from __future__ import annotations

from typing import Any

from docflow.db import Connection

DEFAULTS: dict[str, Any] = {"display_name": None, "locale": "fi", "time_zone": "Europe/Helsinki"}


def read_profile(conn: Connection) -> dict[str, Any]:
    """The saved profile, or the defaults."""
    row = conn.execute(
        "select display_name, locale, time_zone from public.profiles where user_id = auth.uid()"
    ).fetchone()
    return dict(row) if row else dict(DEFAULTS)


def save_profile(conn: Connection, changes: dict[str, Any]) -> dict[str, Any]:
    """Merge ``changes`` into the profile and store it."""
    merged = {**read_profile(conn), **changes}
    row = conn.execute(
        """
        insert into public.profiles (user_id, display_name, locale, time_zone)
        values (auth.uid(), %(display_name)s, %(locale)s, %(time_zone)s)
        on conflict (user_id) do update
           set display_name = excluded.display_name, locale = excluded.locale, time_zone = excluded.time_zone
        returning display_name, locale, time_zone
        """,
        merged,
    ).fetchone()
    assert row is not None
    return dict(row)

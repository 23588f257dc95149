"""Who may change whose membership. The database enforces the same rules (trigger on tenant_members);
checking here first gives a clear 403 instead of a database error."""

from __future__ import annotations

from docflow.errors import Forbidden
from docflow.tenancy import Role

MANAGERS = frozenset({Role.OWNER, Role.ADMIN})


def check_member_change(actor: Role, target: Role | None, new_role: Role | None) -> None:
    """Raise :class:`Forbidden` unless ``actor`` may move a member from ``target`` to ``new_role``.

    ``target`` is None for an invitation (no membership yet), ``new_role`` None for a removal.
    Owners and admins manage members; admins can neither touch an owner nor make one. The last
    owner rule needs the other members and is left to the database.
    """
    if actor not in MANAGERS:
        raise Forbidden("Only owners and admins manage members")
    if actor == Role.ADMIN and Role.OWNER in {target, new_role}:
        raise Forbidden("Admins cannot change owners or make new ones")

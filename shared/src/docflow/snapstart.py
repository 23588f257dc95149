"""Lambda SnapStart: what to do before the snapshot of an initialised function and after each restore.

With SnapStart (zip functions on python3.12, ``template.yaml`` Globals) Lambda runs a published
version's init once, snapshots the process and resumes every new execution environment from that
snapshot. Whatever the init left behind is then shared by all restored copies: the state of the
``random`` module (every copy would draw the same numbers), open sockets (a connection pool, SDK
clients' HTTP connections: dead after a restore), and caches aged on a clock that did not run while
the snapshot waited (the JWKS cache).

The runtime's ``snapshot_restore_py`` module calls :func:`run_before_snapshot` and
:func:`run_after_restore` (bound once, at import, by :func:`bind_runtime`); where the module is absent
(locally, in tests, in the OCR image) nothing is bound and nothing runs.

- Before the snapshot: the modules a first request needs (psycopg, PyJWT with ``cryptography``) are
  imported, so that their import cost is in the snapshot and not in a restored cold start (they stay
  off the import path of the handler itself); the connection pool is closed.
- After a restore: ``random`` is re-seeded from the operating system, and the process-wide pool, token
  verifier (with its JWKS cache) and SDK clients are dropped, to be created again on first use.
  ``secrets``, ``uuid.uuid4`` and ``os.urandom`` need nothing: they read the kernel's generator, which
  Lambda re-seeds on restore. Settings need nothing either: they come from the environment, fixed per
  published version.

Other modules add their own steps with :func:`before_snapshot` and :func:`after_restore`; a function
whose first request loads more (``boto3``) names it with :func:`warm_before_snapshot`.
"""

from __future__ import annotations

import importlib
import importlib.util
import random
import sys
from collections.abc import Callable
from typing import Any

#: Imported before the snapshot when installed: what a first authenticated request loads.
WARM_IMPORTS = (
    "psycopg",
    "psycopg.rows",
    "psycopg_pool",
    "jwt",
    "jwt.algorithms",
    "cryptography.hazmat.primitives.asymmetric.ec",
    "cryptography.hazmat.primitives.asymmetric.rsa",
)

#: ``(module, function)``: process-wide state dropped after a restore, when the module is loaded
#: (a module that was never imported holds nothing; importing it here would only cost time).
DROP_AFTER_RESTORE = (
    ("docflow.db.pool", "close_pool"),
    ("docflow.auth.verifier", "reset_verifier"),
    ("docflow.aws.clients", "reset_clients"),
    ("docflow.ai.client", "reset_client"),
    ("docflow.billing.stripe_api", "reset_stripe"),
)

Hook = Callable[[], object]

_before: list[Hook] = []
_after: list[Hook] = []
_bound_to: Any = None


def before_snapshot(hook: Hook) -> Hook:
    """Register ``hook`` to run before the snapshot (hooks run in reverse order of registration)."""
    _before.append(hook)
    return hook


def after_restore(hook: Hook) -> Hook:
    """Register ``hook`` to run after each restore (hooks run in order of registration)."""
    _after.append(hook)
    return hook


def _run(hooks: list[Hook]) -> None:
    """Run every hook, then raise the first failure: one failing step must not skip the others."""
    failure: BaseException | None = None
    for hook in hooks:
        try:
            hook()
        except Exception as exc:  # re-raised below, after the other hooks ran
            failure = failure or exc
    if failure is not None:
        raise failure


def run_before_snapshot() -> None:
    """What the runtime calls once, after the init and before it takes the snapshot."""
    _run(list(reversed(_before)))


def run_after_restore() -> None:
    """What the runtime calls in every execution environment resumed from the snapshot."""
    _run(list(_after))


def bind_runtime() -> bool:
    """Hand the two runners to ``snapshot_restore_py`` once; False when the module is absent."""
    global _bound_to  # noqa: PLW0603 - one binding per process
    try:
        runtime = importlib.import_module("snapshot_restore_py")
    except ImportError:
        return False
    if _bound_to is not runtime:
        runtime.register_before_snapshot(run_before_snapshot)
        runtime.register_after_restore(run_after_restore)
        _bound_to = runtime
    return True


def warm_imports() -> None:
    """Import :data:`WARM_IMPORTS` that are installed (the OCR image and the layer differ)."""
    for name in WARM_IMPORTS:
        if importlib.util.find_spec(name.split(".")[0]) is not None:
            importlib.import_module(name)


def warm_before_snapshot(*modules: str) -> None:
    """Import ``modules`` too before the snapshot: what this function's own first request loads
    (``boto3`` for the functions that talk to S3), kept off its import path and out of a restore."""

    def import_modules() -> None:
        for name in modules:
            importlib.import_module(name)

    before_snapshot(import_modules)


def drop_process_state() -> None:
    """Call each loaded :data:`DROP_AFTER_RESTORE` function."""
    for module_name, function in DROP_AFTER_RESTORE:
        module = sys.modules.get(module_name)
        if module is not None:
            getattr(module, function)()


def close_pool() -> None:
    """Close the connection pool if one was opened during the init: no socket goes into the snapshot."""
    pool = sys.modules.get("docflow.db.pool")
    if pool is not None:
        pool.close_pool()


def reseed_random() -> None:
    """Give this environment its own ``random`` sequence (seeded from ``os.urandom``)."""
    random.seed()


after_restore(reseed_random)
after_restore(drop_process_state)
before_snapshot(close_pool)
before_snapshot(warm_imports)  # runs first (reverse order): a warm-up must not leave a pool behind
bind_runtime()

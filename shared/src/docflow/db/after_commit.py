"""Side effects that must wait for the commit: an e-mail, an S3 tag, a processing trigger.

Code inside a transaction registers them on the transaction's :class:`AfterCommit`; they run only
once the transaction has committed, in the order registered, and never when it rolls back::

    with commit_hooks() as hooks, user_transaction(principal) as conn:
        conn.execute(...)
        hooks.add(partial(tag_object, bucket, key, tags))

A request acting for a tenant has its hooks on the tenant context (``tenant.after_commit(...)``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from docflow.errors import DocflowError
from docflow.observability import get_logger


@dataclass(frozen=True, slots=True)
class _Callback:
    call: Callable[[], object]
    propagate: bool

    @property
    def name(self) -> str:
        """The callback's function name, for logs (never its arguments: they may be personal data)."""
        func = self.call.func if isinstance(self.call, functools.partial) else self.call
        return str(getattr(func, "__qualname__", type(func).__name__))


class AfterCommit:
    """The callbacks of one transaction, run by :func:`commit_hooks` after its commit."""

    __slots__ = ("_callbacks",)

    def __init__(self) -> None:
        self._callbacks: list[_Callback] = []

    def add(self, callback: Callable[[], object], *, propagate: bool = False) -> None:
        """Run ``callback`` after the commit. A failure is logged and the change stays committed;
        with ``propagate=True`` the failure is also raised, so the request answers with it."""
        self._callbacks.append(_Callback(callback, propagate))

    def run(self) -> None:
        """Run every callback once, in order, each even when an earlier one failed; then raise the
        first failure of a callback registered with ``propagate=True``."""
        callbacks, self._callbacks = self._callbacks, []
        raised: BaseException | None = None
        for callback in callbacks:
            try:
                callback.call()
            except Exception as exc:
                extra = {"callback": callback.name, "error_type": type(exc).__name__}
                if isinstance(exc, DocflowError):
                    extra["error_code"] = exc.code
                get_logger().warning("after-commit callback failed", extra=extra)
                if callback.propagate and raised is None:
                    raised = exc
        if raised is not None:
            raise raised

    def discard(self) -> None:
        """Forget every callback (the transaction rolled back)."""
        self._callbacks.clear()


@contextmanager
def commit_hooks() -> Iterator[AfterCommit]:
    """Hooks for the transaction opened inside this block: run when the block ends normally (the
    transaction has committed by then), dropped when it ends with an error (it rolled back)."""
    hooks = AfterCommit()
    try:
        yield hooks
    except BaseException:
        hooks.discard()
        raise
    hooks.run()

"""SnapStart hooks: bound through ``snapshot_restore_py`` when it exists, and what they do to a snapshot."""

from __future__ import annotations

import random
import subprocess
import sys
import types
from collections.abc import Callable
from typing import Any

import pytest

from docflow import snapstart
from docflow.db import pool


class FakeRuntime(types.ModuleType):
    """Stands in for the runtime's ``snapshot_restore_py``: records what is registered."""

    def __init__(self) -> None:
        super().__init__("snapshot_restore_py")
        self.before: list[Callable[[], object]] = []
        self.after: list[Callable[[], object]] = []

    def register_before_snapshot(self, hook: Callable[[], object]) -> None:
        self.before.append(hook)

    def register_after_restore(self, hook: Callable[[], object]) -> None:
        self.after.append(hook)

    def snapshot(self) -> None:
        for hook in reversed(self.before):
            hook()

    def restore(self) -> None:
        for hook in self.after:
            hook()


@pytest.fixture
def runtime(monkeypatch: pytest.MonkeyPatch) -> FakeRuntime:
    fake = FakeRuntime()
    monkeypatch.setitem(sys.modules, "snapshot_restore_py", fake)
    monkeypatch.setattr(snapstart, "_bound_to", None)
    assert snapstart.bind_runtime()
    return fake


class FakePool:
    def __init__(self) -> None:
        self.closed = False

    def close(self) -> None:
        self.closed = True


def test_binding_registers_one_runner_each_once(runtime: FakeRuntime) -> None:
    assert snapstart.bind_runtime()
    assert runtime.before == [snapstart.run_before_snapshot]
    assert runtime.after == [snapstart.run_after_restore]


def test_without_the_runtime_module_nothing_is_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "snapshot_restore_py", None)  # import raises ImportError
    monkeypatch.setattr(snapstart, "_bound_to", None)
    assert snapstart.bind_runtime() is False
    assert snapstart._bound_to is None


def test_restored_copies_of_one_snapshot_draw_different_numbers(runtime: FakeRuntime) -> None:
    random.seed(1234)  # whatever the init left: every restored copy starts from this state
    frozen = random.getstate()

    def first_draws(*, restore: bool) -> list[float]:
        random.setstate(frozen)
        if restore:
            runtime.restore()
        return [random.random() for _ in range(4)]

    without_hooks = first_draws(restore=False)
    assert first_draws(restore=False) == without_hooks  # the hazard: identical sequences
    copy_a, copy_b = first_draws(restore=True), first_draws(restore=True)
    assert copy_a != copy_b
    assert without_hooks not in (copy_a, copy_b)


def test_the_snapshot_holds_no_pool_and_a_restore_drops_one(
    runtime: FakeRuntime, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened_at_init = FakePool()
    monkeypatch.setattr(pool, "_pool", opened_at_init)
    runtime.snapshot()
    assert opened_at_init.closed
    assert pool._pool is None

    opened_before_restore = FakePool()
    monkeypatch.setattr(pool, "_pool", opened_before_restore)
    runtime.restore()
    assert opened_before_restore.closed
    assert pool._pool is None


def test_a_restore_drops_the_verifier_with_its_jwks_cache(runtime: FakeRuntime) -> None:
    from docflow.auth import get_verifier

    before = get_verifier()
    assert get_verifier() is before
    runtime.restore()
    assert get_verifier() is not before


def test_a_restore_drops_sdk_clients(runtime: FakeRuntime, monkeypatch: pytest.MonkeyPatch) -> None:
    from docflow.aws import clients

    dropped: list[str] = []
    monkeypatch.setattr(clients, "reset_clients", lambda: dropped.append("aws"))
    runtime.restore()
    assert dropped == ["aws"]


def test_modules_never_imported_are_not_imported_by_a_restore(
    runtime: FakeRuntime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delitem(sys.modules, "docflow.billing.stripe_api", raising=False)
    runtime.restore()
    assert "docflow.billing.stripe_api" not in sys.modules


def test_one_failing_hook_does_not_skip_the_others(monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[str] = []

    def broken() -> None:
        ran.append("broken")
        raise RuntimeError("boom")

    monkeypatch.setattr(snapstart, "_after", [broken, lambda: ran.append("next")])
    with pytest.raises(RuntimeError, match="boom"):
        snapstart.run_after_restore()
    assert ran == ["broken", "next"]


def test_hooks_run_in_the_documented_order(monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[str] = []
    monkeypatch.setattr(snapstart, "_before", [])
    monkeypatch.setattr(snapstart, "_after", [])
    for name in ("a", "b"):
        snapstart.before_snapshot(lambda name=name: ran.append(f"before {name}"))
        snapstart.after_restore(lambda name=name: ran.append(f"after {name}"))
    snapstart.run_before_snapshot()
    snapstart.run_after_restore()
    assert ran == ["before b", "before a", "after a", "after b"]


def test_the_snapshot_carries_the_first_request_imports() -> None:
    """In a fresh process: none of them at import, all of them once the snapshot hook ran."""
    code = (
        "import sys\n"
        "from docflow import snapstart\n"
        "heavy = [m for m in snapstart.WARM_IMPORTS if m.split('.')[0] in sys.modules]\n"
        "snapstart.run_before_snapshot()\n"
        "print(heavy, all(m in sys.modules for m in snapstart.WARM_IMPORTS))\n"
    )
    out: Any = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert out.stdout.split() == ["[]", "True"]

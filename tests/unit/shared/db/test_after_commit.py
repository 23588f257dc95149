"""``AfterCommit`` and ``commit_hooks``: side effects run after a commit, in order, never after a
rollback; a failure is logged by name and type only."""

from __future__ import annotations

import logging
from functools import partial

import pytest

from docflow.db.after_commit import AfterCommit, commit_hooks
from docflow.errors import UpstreamError


def test_callbacks_run_in_order_when_the_block_ends_normally() -> None:
    calls: list[str] = []
    with commit_hooks() as hooks:
        hooks.add(partial(calls.append, "first"))
        hooks.add(partial(calls.append, "second"))
        assert calls == []
    assert calls == ["first", "second"]


def _register_then_fail(calls: list[str]) -> None:
    with commit_hooks() as hooks:
        hooks.add(partial(calls.append, "sent"))
        raise RuntimeError("rolled back")


def test_callbacks_never_run_when_the_block_fails() -> None:
    calls: list[str] = []
    with pytest.raises(RuntimeError):
        _register_then_fail(calls)
    assert calls == []


def _send_mail_to(address: str) -> None:
    raise UpstreamError(f"could not mail {address}")


def test_a_failure_is_logged_without_its_arguments_and_the_next_callbacks_still_run(
    caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    calls: list[str] = []
    hooks = AfterCommit()
    hooks.add(partial(_send_mail_to, "matti@example.test"))
    hooks.add(partial(calls.append, "tagged"))
    with caplog.at_level(logging.WARNING):
        hooks.run()
    assert calls == ["tagged"]
    (record,) = caplog.records
    assert (record.callback, record.error_code) == ("_send_mail_to", "upstream_error")  # type: ignore[attr-defined]
    assert "matti" not in capsys.readouterr().out


def test_a_propagating_failure_is_raised_after_every_callback_ran() -> None:
    calls: list[str] = []
    hooks = AfterCommit()
    hooks.add(partial(_send_mail_to, "a@example.test"), propagate=True)
    hooks.add(partial(calls.append, "tagged"))
    with pytest.raises(UpstreamError):
        hooks.run()
    assert calls == ["tagged"]


def test_callbacks_run_once() -> None:
    calls: list[str] = []
    hooks = AfterCommit()
    hooks.add(partial(calls.append, "once"))
    hooks.run()
    hooks.run()
    assert calls == ["once"]

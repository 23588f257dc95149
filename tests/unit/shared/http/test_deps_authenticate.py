"""``authenticate`` verifies on the event loop (no worker-thread hop) unless the key set must be fetched."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient

import docflow.auth
from docflow.auth import Principal
from docflow.http import create_app
from docflow.http.deps import CurrentUser

USER = uuid.uuid4()
router = APIRouter()


@router.get("/api/probe/who")
async def who(principal: CurrentUser) -> dict[str, str]:
    return {"user": str(principal.user_id)}


class StubVerifier:
    def __init__(self, *, ready: bool) -> None:
        self.ready = ready
        self.on_event_loop: list[bool] = []

    def verifies_offline(self, token: str) -> bool:
        return self.ready

    def verify(self, token: str) -> Principal:
        try:
            asyncio.get_running_loop()
            self.on_event_loop.append(True)
        except RuntimeError:
            self.on_event_loop.append(False)
        claims = {"sub": str(USER), "role": "authenticated", "aud": "authenticated", "exp": 4102444800}
        return Principal.from_claims(claims)


@pytest.mark.parametrize(("ready", "on_loop"), [(True, True), (False, False)])
def test_verification_runs_on_the_loop_only_when_no_fetch_can_happen(
    monkeypatch: pytest.MonkeyPatch, ready: bool, on_loop: bool
) -> None:
    stub = StubVerifier(ready=ready)
    monkeypatch.setattr(docflow.auth, "get_verifier", lambda: stub)
    client: Any = TestClient(create_app(router, title="probe"))
    response = client.get("/api/probe/who", headers={"Authorization": "Bearer a.b.c"})
    assert response.status_code == 200, response.text
    assert response.json() == {"user": str(USER)}
    assert stub.on_event_loop == [on_loop]

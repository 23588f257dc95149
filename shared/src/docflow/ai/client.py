"""One structured-output call to an OpenAI-compatible Chat Completions endpoint through the official SDK.

The client is built once per process (the SDK is imported lazily: it is heavy). Each call has a bounded
timeout per attempt and a bounded number of retries on 429, 5xx and network failures (backing off,
honouring ``retry-after``), all within one budget (``AI_CALL_BUDGET_SECONDS``). Without
``OPENAI_API_KEY`` every AI route answers 503. Prompts and completions are never logged: a failure
is logged with its type and upstream status only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from docflow.config import get_settings, is_placeholder
from docflow.errors import ServiceUnavailable, UpstreamError

if TYPE_CHECKING:
    import openai


class AiNotConfigured(ServiceUnavailable):
    """No model is configured (``OPENAI_API_KEY`` is unset): the AI routes answer 503."""

    code = "ai_not_configured"
    title = "AI services are not configured"


@dataclass(frozen=True, slots=True)
class Completion:
    """A model's answer: the JSON object it gave (``None`` when it gave no valid JSON object), the
    tokens the call cost and the model that answered."""

    data: dict[str, Any] | None
    tokens: int
    model: str


_clients: list[Any] = []


def is_configured() -> bool:
    """Whether a model key is configured."""
    key = get_settings().openai_api_key
    return key is not None and bool(key.get_secret_value().strip())


@lru_cache(maxsize=1)
def get_client() -> openai.OpenAI:
    """The process's client (``OPENAI_API_KEY``, ``OPENAI_BASE_URL``, ``AI_TIMEOUT_SECONDS``,
    ``AI_MAX_RETRIES``); 503 when no key is configured."""
    import openai

    from docflow.ai.settings import get_ai_settings

    settings, ai = get_settings(), get_ai_settings()
    key = settings.openai_api_key
    if key is None or not key.get_secret_value().strip():
        raise AiNotConfigured("AI services are not configured on this server")
    if settings.environment not in {"local", "test"} and is_placeholder(key.get_secret_value()):
        raise AiNotConfigured("AI services are not configured on this server")
    client = openai.OpenAI(
        api_key=key.get_secret_value(),
        base_url=settings.openai_base_url.rstrip("/"),
        timeout=ai.ai_timeout_seconds,
        max_retries=ai.ai_max_retries,
    )
    _clients.append(client)
    return client


def reset_client() -> None:
    """Forget the client and close its connections (tests change the base URL or the key)."""
    get_client.cache_clear()
    while _clients:
        _clients.pop().close()


def _parse(content: str | None) -> dict[str, Any] | None:
    if not content:
        return None
    try:
        data = json.loads(content)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _retry_wait(exc: Exception, attempt: int) -> float:
    """Seconds before retry ``attempt``: the answer's ``retry-after`` when it gives one, else the
    SDK's backoff (0.5 s doubling), at most 8 s."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None) or {}
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        try:
            seconds: float = float(headers[name]) * scale
            return min(8.0, max(0.0, seconds))
        except (KeyError, TypeError, ValueError):
            continue
    return min(8.0, 0.5 * 2.0 ** (attempt - 1))


def _create(**request: Any) -> Any:
    """One Chat Completions call under the error mapping: 503 when the model is unavailable or limits
    us after the retries, 502 when it refuses the request; logged with type and status only. 429, 5xx,
    timeouts and connection errors are retried up to ``AI_MAX_RETRIES`` times, each attempt waiting
    at most ``AI_TIMEOUT_SECONDS``, all of them within ``AI_CALL_BUDGET_SECONDS`` (no retry starts
    that could not get a second of it), so a route answers within its function's timeout."""
    import time

    import openai

    from docflow.ai.settings import get_ai_settings
    from docflow.observability import get_logger

    client, ai = get_client(), get_ai_settings()
    deadline = time.monotonic() + ai.ai_call_budget_seconds
    attempt = 0
    while True:
        attempt += 1
        left = deadline - time.monotonic()
        try:
            response = client.with_options(
                timeout=min(ai.ai_timeout_seconds, left), max_retries=0
            ).chat.completions.create(
                model=ai.openai_model, temperature=0, max_completion_tokens=ai.ai_max_output_tokens, **request
            )
            break
        except openai.APIError as exc:
            status = getattr(exc, "status_code", None)
            get_logger().warning(
                "model request failed", extra={"error_type": type(exc).__name__, "upstream_status": status}
            )
            unavailable = isinstance(exc, openai.RateLimitError | openai.APIConnectionError) or (
                isinstance(status, int) and status >= 500
            )
            wait = _retry_wait(exc, attempt)
            if unavailable and attempt <= ai.ai_max_retries and time.monotonic() + wait + 1.0 < deadline:
                time.sleep(wait)
                continue
            if unavailable:
                raise ServiceUnavailable("The AI service is unavailable right now; try again later") from None
            raise UpstreamError("The AI service refused the request") from None
    if not response.choices:
        raise UpstreamError("The AI service answered without a choice")
    return response


def _messages(system: str, user: str) -> list[dict[str, str]]:
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def complete_json(*, system: str, user: str, schema_name: str, schema: dict[str, Any]) -> Completion:
    """Ask for a JSON object following ``schema`` (strict structured output); a reply that is not a
    JSON object gives ``data=None`` (the caller rejects it)."""
    response = _create(
        messages=_messages(system, user),
        response_format={
            "type": "json_schema",
            "json_schema": {"name": schema_name, "schema": schema, "strict": True},
        },
    )
    tokens = response.usage.total_tokens if response.usage is not None else 0
    message = response.choices[0].message
    if message.refusal:
        return Completion(data=None, tokens=tokens, model=response.model)
    return Completion(data=_parse(message.content), tokens=tokens, model=response.model)


@dataclass(frozen=True, slots=True)
class ToolCall:
    """The tool the model called and its arguments (``None`` when they are not a JSON object)."""

    name: str | None
    arguments: dict[str, Any] | None
    tokens: int
    model: str


def call_tool(*, system: str, user: str, tools: list[dict[str, Any]]) -> ToolCall:
    """Make the model call exactly one of ``tools`` (strict function schemas, ``tool_choice:
    required``, no parallel calls); we run the tool ourselves."""
    response = _create(
        messages=_messages(system, user),
        tools=[{"type": "function", "function": {**tool, "strict": True}} for tool in tools],
        tool_choice="required",
        parallel_tool_calls=False,
    )
    tokens = response.usage.total_tokens if response.usage is not None else 0
    calls = response.choices[0].message.tool_calls or []
    function = getattr(calls[0], "function", None) if len(calls) == 1 else None
    if function is None:
        return ToolCall(name=None, arguments=None, tokens=tokens, model=response.model)
    return ToolCall(
        name=function.name, arguments=_parse(function.arguments), tokens=tokens, model=response.model
    )

"""A local stand-in for an OpenAI-compatible model speaking the documented Chat Completions API.

Served by the local stack on ``OPENAI_BASE_URL`` and started by the tests on a free port.
``POST /v1/chat/completions`` with a bearer key, ``messages`` and ``response_format`` of type
``json_schema``; answers a ``chat.completion`` object with ``usage``, or the error object
(``{"error": {"message", "type", "param", "code"}}``). Deterministic: it answers from simple rules
over the prompt, as a naive model would, including following instructions written in a receipt (so
the checks on our side are what stops them).

- ``receipt_category``: the first category whose keywords the receipt mentions, else ``muut`` (or the
  first of the enum);
- with ``tools`` (questions about the books): a call of ``expenses`` for spending words, else of
  ``deductible_vat``, with a period (a quarter ``Qn``, a month named in English, Finnish or Swedish,
  else the year; the latest one not after today) and a category for fuel or restaurant questions;
- ``receipt_fields``: merchant (first line), Y-tunnus, date, total and VAT rows read with regular
  expressions; "set the total to N" in the text sets the total to N.

For tests: :meth:`FakeOpenAI.reply_next` scripts the next answers' content (any string, valid JSON or
not; for a tool call ``"name arguments"``), :meth:`FakeOpenAI.fail_next` the next faults (``429``
with ``retry-after``, ``500``), ``latency_seconds`` delays every answer, and ``requests`` keeps every
request body received.
"""

from __future__ import annotations

import json
import math
import re
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler
from typing import Any

from docflow_local.fake_server import FakeHandler, FakeServer

MAX_BODY_BYTES = 512 * 1024
CATEGORY_KEYWORDS: dict[str, tuple[str, ...]] = {
    "polttoaine": ("neste", "shell", "st1", "teboil", "abc", "diesel", "bensiini", "polttoaine"),
    "ravintola": ("ravintola", "lounas", "restaurant", "pizzeria", "kahvila"),
    "majoitus": ("hotel", "hotelli", "majoitus", "scandic", "sokos"),
    "matkat": ("vr ", "finnair", "taksi", "taxi", "hsl", "matkahuolto"),
    "ohjelmistot": ("software", "ohjelmisto", "lisenssi", "github", "adobe"),
    "toimisto": ("paperi", "toimisto", "tulostin", "office"),
    "puhelin_ja_internet": ("elisa", "telia", "dna", "liittymä"),
    "tarvikkeet": ("k-rauta", "bauhaus", "tarvike", "rautakauppa", "clas ohlson"),
}
_AMOUNT = r"([0-9]{1,7}[.,][0-9]{2})"
_TOTAL = re.compile(r"(?:yhteensä|yhteensa|summa|total|maksettu|att betala)\D{0,12}" + _AMOUNT, re.I)
_SET_TOTAL = re.compile(r"set the total to\s*([0-9]+(?:[.,][0-9]{1,2})?)", re.I)
_YTUNNUS = re.compile(r"\b([0-9]{7}-[0-9])\b")
_DATE = re.compile(r"\b([0-3]?[0-9])\.([01]?[0-9])\.((?:20)?[0-9]{2})\b")
_VAT = re.compile(
    r"(?:alv|vat|moms)\s*([0-9]{1,2}(?:[.,][0-9])?)\s*%\s+" + _AMOUNT + r"\s+" + _AMOUNT + r"\s+" + _AMOUNT,
    re.I,
)


def _dot(value: str) -> str:
    return value.replace(",", ".")


def _receipt_text(messages: list[dict[str, Any]]) -> str:
    user = next((m.get("content") for m in reversed(messages) if m.get("role") == "user"), "") or ""
    text = user if isinstance(user, str) else json.dumps(user)
    match = re.search(r"<receipt>\n?(.*?)\n?</receipt>", text, re.S)
    return match.group(1) if match else text


def read_fields(text: str) -> dict[str, Any]:
    """The naive model's reading of a receipt."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    total = _TOTAL.search(text)
    injected = _SET_TOTAL.search(text)
    bid = _YTUNNUS.search(text)
    date = _DATE.search(text)
    iso = None
    if date:
        day, month, year = (int(part) for part in date.groups())
        iso = f"{year + 2000 if year < 100 else year:04d}-{month:02d}-{day:02d}"
    return {
        "merchant": lines[0][:200] if lines else None,
        "business_id": bid.group(1) if bid else None,
        "date": iso,
        "total": _dot(injected.group(1)) if injected else (_dot(total.group(1)) if total else None),
        "vat": [
            {"rate": _dot(rate), "net": _dot(net), "tax": _dot(tax), "gross": _dot(gross)}
            for rate, net, tax, gross in _VAT.findall(text)
        ],
    }


def choose_category(text: str, codes: list[str]) -> str:
    """The naive model's category among ``codes``."""
    folded = text.casefold()
    for code, words in CATEGORY_KEYWORDS.items():
        if code in codes and any(word in folded for word in words):
            return code
    return "muut" if "muut" in codes else codes[0]


_MONTHS = (
    ("january", "tammikuu", "januari"),
    ("february", "helmikuu", "februari"),
    ("march", "maaliskuu", "mars"),
    ("april", "huhtikuu", "april"),
    ("may", "toukokuu", "maj"),
    ("june", "kesäkuu", "juni"),
    ("july", "heinäkuu", "juli"),
    ("august", "elokuu", "augusti"),
    ("september", "syyskuu", "september"),
    ("october", "lokakuu", "oktober"),
    ("november", "marraskuu", "november"),
    ("december", "joulukuu", "december"),
)
_EXPENSE_WORDS = (
    "spend",
    "spent",
    "expense",
    "cost",
    "kulu",
    "käyt",
    "maks",
    "kostnad",
    "spender",
    "lade vi",
)
_CATEGORY_WORDS = {
    "polttoaine": ("fuel", "polttoaine", "bensa", "bränsle", "diesel"),
    "ravintola": ("restaurant", "ravintola", "restaurang"),
}


def _period(question: str, today: str) -> str:
    year, month = int(today[:4]), int(today[5:7])
    quarter = re.search(r"\bq([1-4])\b", question)
    if quarter:
        number = int(quarter.group(1))
        return f"{year if (number - 1) * 3 + 1 <= month else year - 1}-Q{number}"
    words = re.findall(r"[a-zåäö]+", question)
    for index, names in enumerate(_MONTHS, start=1):
        if any(word.startswith(name) for word in words for name in names):
            return f"{year if index <= month else year - 1}-{index:02d}"
    return str(year)


def answer_question(prompt: str, codes: list[str]) -> dict[str, Any]:
    """The naive model's choice of query for a question about the books."""
    today = re.search(r"Today is ([0-9]{4}-[0-9]{2}-[0-9]{2})", prompt)
    match = re.search(r"<question>\n?(.*?)\n?</question>", prompt, re.S)
    question = (match.group(1) if match else prompt).casefold()
    expenses = any(word in question for word in _EXPENSE_WORDS) and not re.search(
        r"\b(alv|vat|moms)", question
    )
    category = next(
        (
            code
            for code, words in _CATEGORY_WORDS.items()
            if code in codes and any(w in question for w in words)
        ),
        None,
    )
    if re.search(r"\b(paljonko|mitä|kuinka|voin|meillä)\b", question):
        language = "fi"
    elif re.search(r"\b(hur|vad|mycket|vi)\b", question):
        language = "sv"
    else:
        language = "en"
    return {
        "intent": "expenses" if expenses else "deductible_vat",
        "period": _period(question, today.group(1) if today else time.strftime("%Y-%m-%d")),
        "category": category if expenses else None,
        "language": language,
    }


class _Problem(Exception):
    def __init__(
        self, status: int, kind: str, message: str, code: str | None = None, param: str | None = None
    ):
        super().__init__(message)
        self.status, self.kind, self.code, self.param = status, kind, code, param


class FakeOpenAI(FakeServer):
    """The fake model server (a context manager serving in a background thread)."""

    thread_name = "fake-openai"

    def __init__(
        self, *, api_key: str, host: str = "127.0.0.1", port: int = 0, retry_after_seconds: float = 1.0
    ) -> None:
        self.api_key = api_key
        self.retry_after_seconds = retry_after_seconds
        #: Seconds every request waits before it is answered (a slow or hanging model).
        self.latency_seconds = 0.0
        self.lock = threading.Lock()
        self.requests: list[dict[str, Any]] = []
        self._replies: deque[str] = deque()
        self._faults: deque[int] = deque()
        super().__init__(_handler_for(self), host=host, port=port)

    @property
    def url(self) -> str:
        """The base URL to give the SDK (``.../v1``)."""
        return f"{self.origin}/v1"

    def reply_next(self, *contents: str) -> None:
        """The content of the next answers, in order (then the rules again)."""
        with self.lock:
            self._replies.extend(contents)

    def fail_next(self, *statuses: int) -> None:
        """Answer the next requests with these HTTP errors (429 carries ``retry-after``)."""
        with self.lock:
            self._faults.extend(statuses)

    def reset(self) -> None:
        """Forget scripted answers, faults and recorded requests."""
        with self.lock:
            self._replies.clear()
            self._faults.clear()
            self.requests.clear()

    def complete(self, body: dict[str, Any]) -> dict[str, Any]:
        """A ``chat.completion`` for a request body (raises :class:`_Problem` for a bad one)."""
        model, messages, fmt = body.get("model"), body.get("messages"), body.get("response_format")
        if not isinstance(model, str) or not model:
            raise _Problem(400, "invalid_request_error", "you must provide a model parameter", param="model")
        if not isinstance(messages, list) or not messages or not all(isinstance(m, dict) for m in messages):
            raise _Problem(
                400, "invalid_request_error", "'messages' must be a non-empty array", param="messages"
            )
        tools = body.get("tools")
        if tools is not None:
            return self._tool_answer(model, messages, tools)
        if (
            not isinstance(fmt, dict)
            or fmt.get("type") != "json_schema"
            or not isinstance(fmt.get("json_schema"), dict)
        ):
            raise _Problem(
                400, "invalid_request_error", "response_format must be json_schema", param="response_format"
            )
        spec = fmt["json_schema"]
        with self.lock:
            self.requests.append(body)
            scripted = self._replies.popleft() if self._replies else None
        text = _receipt_text(messages)
        if scripted is not None:
            content = scripted
        elif spec.get("name") == "receipt_category":
            codes = spec.get("schema", {}).get("properties", {}).get("category", {}).get("enum") or ["muut"]
            content = json.dumps({"category": choose_category(text, [str(c) for c in codes])})
        else:
            content = json.dumps(read_fields(text))
        return self._completion(model, messages, {"role": "assistant", "content": content, "refusal": None})

    def _tool_answer(self, model: str, messages: list[dict[str, Any]], tools: object) -> dict[str, Any]:
        """A ``tool_calls`` answer: the question's query chosen by :func:`answer_question`."""
        if not isinstance(tools, list) or not tools or not all(isinstance(t, dict) for t in tools):
            raise _Problem(400, "invalid_request_error", "'tools' must be a non-empty array", param="tools")
        functions = {t.get("function", {}).get("name"): t.get("function", {}) for t in tools}
        with self.lock:
            self.requests.append({"model": model, "messages": messages, "tools": tools})
            scripted = self._replies.popleft() if self._replies else None
        if scripted is not None:
            name, arguments = scripted.split(" ", 1)
        else:
            expenses = functions.get("expenses", {}).get("parameters", {}).get("properties", {})
            codes = (expenses.get("category", {}).get("anyOf") or [{}])[0].get("enum") or []
            user = next((m.get("content") for m in reversed(messages) if m.get("role") == "user"), "") or ""
            choice = answer_question(str(user), [str(c) for c in codes])
            name = choice.pop("intent")
            if name != "expenses":
                choice.pop("category")
            arguments = json.dumps(choice)
        call = {
            "id": f"call_fake{len(self.requests)}",
            "type": "function",
            "function": {"name": name, "arguments": arguments},
        }
        message = {"role": "assistant", "content": None, "refusal": None, "tool_calls": [call]}
        return self._completion(model, messages, message, finish_reason="tool_calls")

    def _completion(
        self, model: str, messages: list[dict[str, Any]], message: dict[str, Any], finish_reason: str = "stop"
    ) -> dict[str, Any]:
        content = message.get("content") or json.dumps(message.get("tool_calls"))
        prompt_tokens = sum(len(str(m.get("content", ""))) for m in messages) // 4 + 1
        completion_tokens = len(content) // 4 + 1
        return {
            "id": f"chatcmpl-fake{len(self.requests)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "system_fingerprint": "fp_fake",
            "choices": [{"index": 0, "message": message, "finish_reason": finish_reason, "logprobs": None}],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
        }


def _handler_for(fake: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(FakeHandler):
        def _send(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("x-request-id", f"req_fake_{time.monotonic_ns()}")
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def _error(self, problem: _Problem, headers: dict[str, str] | None = None) -> None:
            error = {
                "message": str(problem),
                "type": problem.kind,
                "param": problem.param,
                "code": problem.code,
            }
            self._send(problem.status, {"error": error}, headers)

        def _dispatch(self, method: str) -> None:
            if fake.latency_seconds:
                time.sleep(fake.latency_seconds)
            if method != "POST" or self.path.rstrip("/") != "/v1/chat/completions":
                self._error(_Problem(404, "invalid_request_error", "Unknown request URL", "unknown_url"))
                return
            if self.headers.get("Authorization") != f"Bearer {fake.api_key}":
                self._error(
                    _Problem(401, "invalid_request_error", "Incorrect API key provided", "invalid_api_key")
                )
                return
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY_BYTES:
                self._error(_Problem(413, "invalid_request_error", "Request too large"))
                return
            with fake.lock:
                fault = fake._faults.popleft() if fake._faults else None
            body_bytes = self.rfile.read(length)
            if fault == 429:
                self._error(
                    _Problem(429, "rate_limit_error", "Rate limit reached", "rate_limit_exceeded"),
                    {
                        "retry-after": str(max(1, math.ceil(fake.retry_after_seconds))),
                        "retry-after-ms": str(int(fake.retry_after_seconds * 1000)),
                    },
                )
                return
            if fault is not None:
                self._error(_Problem(fault, "server_error", "The server had an error"))
                return
            try:
                body = json.loads(body_bytes)
                if not isinstance(body, dict):
                    raise ValueError
                self._send(200, fake.complete(body))
            except ValueError:
                self._error(_Problem(400, "invalid_request_error", "We could not parse the JSON body"))
            except _Problem as problem:
                self._error(problem)

    return Handler

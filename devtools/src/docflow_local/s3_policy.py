"""Presigned POST policies enforced in front of moto, the way S3 enforces them.

moto stores whatever a browser-style ``POST`` to a bucket carries. S3 first checks the form against
its policy: the SigV4 signature over the policy, its expiration, every condition (exact values,
``eq``, ``starts-with``, ``content-length-range``, the bucket) and that every form field is named by
a condition. :class:`PolicyMiddleware` does the same before moto sees the request and answers S3's
errors (``AccessDenied`` "Invalid according to Policy: ...", ``SignatureDoesNotMatch``,
``EntityTooLarge``, ``EntityTooSmall``), so local tests prove the pins of the upload policy.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import io
import json
import os
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from moto.server import ThreadedMotoServer

from docflow_local.s3_faults import FaultMiddleware, S3Faults

#: Form fields S3 does not require a condition for.
EXEMPT_FIELDS = frozenset({"policy", "x-amz-signature", "file", "signature", "awsaccesskeyid"})

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


@dataclass(frozen=True, slots=True)
class PolicyRefusal:
    """S3's answer to a form its policy refuses."""

    status: int
    code: str
    message: str
    extra: Mapping[str, str] = field(default_factory=dict)

    def xml(self) -> bytes:
        """The S3 error document."""
        parts = [f"<Code>{self.code}</Code>", f"<Message>{escape(self.message)}</Message>"]
        parts += [f"<{name}>{escape(value)}</{name}>" for name, value in self.extra.items()]
        parts.append(f"<RequestId>{uuid.uuid4().hex[:16].upper()}</RequestId>")
        body = '<?xml version="1.0" encoding="UTF-8"?>\n<Error>' + "".join(parts) + "</Error>"
        return body.encode()


def _denied(message: str) -> PolicyRefusal:
    return PolicyRefusal(403, "AccessDenied", message)


def _condition_failed(condition: object) -> PolicyRefusal:
    return _denied(f"Invalid according to Policy: Policy Condition failed: {json.dumps(condition)}")


def _signing_key(secret: str, day: str, region: str) -> bytes:
    key = f"AWS4{secret}".encode()
    for part in (day, region, "s3", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def _signature_ok(fields: Mapping[str, str], secret: str) -> bool:
    credential = fields.get("x-amz-credential", "").split("/")
    if fields.get("x-amz-algorithm") != "AWS4-HMAC-SHA256" or len(credential) != 5:
        return False
    _, day, region, _, _ = credential
    expected = hmac.new(
        _signing_key(secret, day, region), fields["policy"].encode(), hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(expected, fields.get("x-amz-signature", ""))


def _expired(expiration: object, now: dt.datetime) -> bool:
    if not isinstance(expiration, str):
        return True
    try:
        when = dt.datetime.fromisoformat(expiration.replace("Z", "+00:00"))
    except ValueError:
        return True
    return when <= now


def check_post_policy(
    *,
    bucket: str,
    fields: Mapping[str, str],
    file_size: int,
    secret: str,
    now: dt.datetime | None = None,
) -> PolicyRefusal | None:
    """Whether S3 would accept this form (``fields`` with lower-case names, without the file), or why not."""
    now = now or dt.datetime.now(dt.UTC)
    policy = _verified_policy(fields, secret)
    if isinstance(policy, PolicyRefusal):
        return policy
    if _expired(policy.get("expiration"), now):
        return _denied("Invalid according to Policy: Policy expired.")
    named: set[str] = set()
    values = {**fields, "bucket": bucket}
    for condition in policy["conditions"]:
        refusal = _check_condition(condition, values, file_size, named)
        if refusal is not None:
            return refusal
    extra = sorted(
        name
        for name in fields
        if name not in named and name not in EXEMPT_FIELDS and not name.startswith("x-ignore-")
    )
    return _denied("Invalid according to Policy: Extra input fields: " + ", ".join(extra)) if extra else None


def _verified_policy(fields: Mapping[str, str], secret: str) -> dict[str, Any] | PolicyRefusal:
    """The policy document, once its signature is checked."""
    if "policy" not in fields:
        return _denied("Access Denied")
    if not _signature_ok(fields, secret):
        return PolicyRefusal(
            403,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided. "
            "Check your key and signing method.",
        )
    try:
        policy = json.loads(base64.b64decode(fields["policy"], validate=True))
    except (binascii.Error, ValueError):
        return PolicyRefusal(400, "InvalidPolicyDocument", "Invalid Policy: Invalid JSON.")
    if not isinstance(policy, dict) or not isinstance(policy.get("conditions"), list):
        return PolicyRefusal(400, "InvalidPolicyDocument", "Invalid Policy: Invalid 'conditions' value.")
    return policy


def _check_condition(
    condition: object, values: Mapping[str, str], file_size: int, named: set[str]
) -> PolicyRefusal | None:
    if isinstance(condition, dict) and len(condition) == 1:
        ((name, expected),) = condition.items()
        named.add(str(name).lower())
        return None if values.get(str(name).lower()) == expected else _condition_failed(condition)
    if isinstance(condition, list) and len(condition) == 3:
        operator = str(condition[0]).lower()
        if operator == "content-length-range":
            low, high = int(condition[1]), int(condition[2])
            if file_size > high:
                return PolicyRefusal(
                    400,
                    "EntityTooLarge",
                    "Your proposed upload exceeds the maximum allowed size",
                    {"ProposedSize": str(file_size), "MaxSizeAllowed": str(high)},
                )
            if file_size < low:
                return PolicyRefusal(
                    400,
                    "EntityTooSmall",
                    "Your proposed upload is smaller than the minimum allowed size",
                    {"ProposedSize": str(file_size), "MinSizeAllowed": str(low)},
                )
            return None
        if operator in {"eq", "starts-with"} and str(condition[1]).startswith("$"):
            name = str(condition[1])[1:].lower()
            named.add(name)
            value, expected = values.get(name), str(condition[2])
            ok = value == expected if operator == "eq" else value is not None and value.startswith(expected)
            return None if ok else _condition_failed(condition)
    return PolicyRefusal(400, "InvalidPolicyDocument", "Invalid Policy: Invalid Condition.")


class PolicyMiddleware:
    """A WSGI wrapper around moto: a ``multipart/form-data`` POST to a bucket must pass its policy."""

    def __init__(self, app: WsgiApp, *, secret: str | None = None) -> None:
        self.app = app
        self.secret = secret

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        content_type = environ.get("CONTENT_TYPE", "")
        path = environ.get("PATH_INFO", "").strip("/")
        if environ.get("REQUEST_METHOD") != "POST" or not content_type.startswith("multipart/form-data"):
            return self.app(environ, start_response)
        if not path or "/" in path or environ.get("QUERY_STRING"):
            return self.app(environ, start_response)  # not a POST object (e.g. DeleteObjects)
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        refusal = self._check(path, environ, body)
        if refusal is not None:
            payload = refusal.xml()
            status = {400: "400 Bad Request", 403: "403 Forbidden"}[refusal.status]
            start_response(
                status, [("Content-Type", "application/xml"), ("Content-Length", str(len(payload)))]
            )
            return [payload]
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        return self.app(environ, start_response)

    def _check(self, bucket: str, environ: dict[str, Any], body: bytes) -> PolicyRefusal | None:
        from werkzeug.formparser import parse_form_data

        probe = {**environ, "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body))}
        _, form, files = parse_form_data(probe)
        try:
            upload = files.get("file")
            if upload is None:
                return PolicyRefusal(400, "InvalidArgument", "Bucket POST must contain a field named 'file'.")
            size = len(upload.read())
        finally:
            for stored in files.values():
                stored.close()
        fields = {name.lower(): value for name, value in form.items()}
        secret = self.secret or os.environ.get("AWS_SECRET_ACCESS_KEY", "")
        return check_post_policy(bucket=bucket, fields=fields, file_size=size, secret=secret)


class PolicyCheckingMotoServer(ThreadedMotoServer):
    """moto's threaded server with :class:`PolicyMiddleware` in front (same constructor), and the
    scripted faults of ``faults`` (:mod:`docflow_local.s3_faults`, none by default) in front of that."""

    def __init__(self, ip_address: str = "0.0.0.0", port: int = 5000, verbose: bool = True) -> None:  # noqa: S104 - moto's default
        super().__init__(ip_address=ip_address, port=port, verbose=verbose)
        self.faults = S3Faults()

    def _server_entry(self) -> None:
        from moto.moto_server.werkzeug_app import (
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )
        from werkzeug.serving import make_server

        app = FaultMiddleware(PolicyMiddleware(DomainDispatcherApplication(create_backend_app)), self.faults)
        self._server = make_server(
            self._ip_address, self._port, app, True, request_handler=MotoRequestHandler
        )
        self._server_ready_event.set()
        self._server.serve_forever()

"""Small WSGI plumbing shared by the middleware: what a request is, and replies.

`AwsRequest` reads the body once and works out the service (from the SigV4 credential
scope), region, account, protocol and action, so that counting, denying and protocol
translation all agree on them. `Reply` is a buffered response that can be inspected
and rewritten before it is sent.
"""

from __future__ import annotations

import io
import json
import sys
import traceback
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import parse_qs

from .accounts import account_for_access_key, credential_scope
from . import DEFAULT_REGION

CBOR_PREFIX = "/service/"
RECENT_ERRORS: deque[str] = deque(maxlen=20)
VERBOSE = False


@dataclass
class Reply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def set_header(self, name: str, value: str) -> None:
        self.headers = [(k, v) for k, v in self.headers if k.lower() != name.lower()]
        self.headers.append((name, value))

    def send(self, start_response: Callable) -> list[bytes]:
        headers = [(k, v) for k, v in self.headers if k.lower() != "content-length"]
        headers.append(("Content-Length", str(len(self.body))))
        start_response(f"{self.status} {_REASONS.get(self.status, 'Status')}", headers)
        return [self.body]


_REASONS = {200: "OK", 400: "Bad Request", 403: "Forbidden", 404: "Not Found", 409: "Conflict", 500: "Internal Server Error"}


def json_reply(payload: Any, status: int = 200) -> Reply:
    body = json.dumps(payload, default=str, indent=1).encode()
    return Reply(status, [("Content-Type", "application/json")], body)


@dataclass
class AwsRequest:
    environ: dict
    body: bytes
    access_key: str | None = None
    region: str = DEFAULT_REGION
    service: str | None = None
    account_id: str = ""
    protocol: str = "rest"  # cbor | json | query | rest
    action: str | None = None
    form: dict[str, str] = field(default_factory=dict)

    @property
    def path(self) -> str:
        return self.environ.get("PATH_INFO", "")

    @property
    def target(self) -> str | None:
        return self.environ.get("HTTP_X_AMZ_TARGET")

    @classmethod
    def from_environ(cls, environ: dict) -> "AwsRequest":
        body = read_body(environ)
        req = cls(environ=environ, body=body)
        key, region, service = credential_scope(environ.get("HTTP_AUTHORIZATION"))
        req.access_key, req.service = key, service
        req.region = region or DEFAULT_REGION
        explicit = environ.get("HTTP_X_MOTO_ACCOUNT_ID")
        req.account_id = explicit or account_for_access_key(key)
        req._classify()
        return req

    def _classify(self) -> None:
        content_type = self.environ.get("CONTENT_TYPE", "")
        if self.path.startswith(CBOR_PREFIX) and "/operation/" in self.path:
            self.protocol = "cbor"
            self.action = self.path.rsplit("/operation/", 1)[1].strip("/")
        elif self.target:
            self.protocol = "json"
            self.action = self.target.rsplit(".", 1)[-1]
        else:
            query = parse_qs(self.environ.get("QUERY_STRING", ""))
            if content_type.startswith("application/x-www-form-urlencoded"):
                query.update(parse_qs(self.body.decode("utf-8", "replace")))
            self.form = {k: v[0] for k, v in query.items()}
            if "Action" in self.form:
                self.protocol = "query"
                self.action = self.form["Action"]

    def forward(self, app: Callable, **overrides: Any) -> Reply:
        """Call `app` (normally moto) with this request, optionally rewritten."""
        environ = dict(self.environ)
        environ["HTTP_X_MOTO_ACCOUNT_ID"] = self.account_id
        body = overrides.pop("body", self.body)
        for key, value in overrides.items():  # None removes a key
            if value is None:
                environ.pop(key, None)
            else:
                environ[key] = value
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        return call_app(app, environ)


def read_body(environ: dict) -> bytes:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    stream = environ.get("wsgi.input")
    if stream and not length and environ.get("wsgi.input_terminated"):
        body = stream.read()  # chunked transfer encoding: werkzeug ends the stream for us
    else:
        body = stream.read(length) if (stream and length) else b""
    environ["wsgi.input"] = io.BytesIO(body)
    return body


def call_app(app: Callable, environ: dict) -> Reply:
    captured: dict[str, Any] = {}

    def start_response(status: str, headers: list, exc_info: Any = None) -> Callable:
        captured["status"] = int(status.split(" ", 1)[0])
        captured["headers"] = list(headers)
        return lambda data: None

    try:
        chunks = app(environ, start_response)
        try:
            body = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
    except Exception:  # an unimplemented moto action, or a bug: answer 500, keep the trace
        note_error()
        return Reply(500, [("Content-Type", "text/plain")], b"emulator: internal error (GET /_shiftops/errors)")
    return Reply(captured.get("status", 500), captured.get("headers", []), body)


def note_error() -> None:
    trace = traceback.format_exc()
    RECENT_ERRORS.append(trace)
    if VERBOSE:
        print(trace, file=sys.stderr, flush=True)

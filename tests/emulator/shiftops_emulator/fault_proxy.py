"""A fault-injecting HTTP proxy that sits between the SDK clients and the emulator.

The console must keep working when AWS does not: throttling, 5xx, slow answers, dropped
connections, one account refused, expired credentials. This proxy forwards every request
to the emulator unchanged, unless a *fault rule* matches it; then it answers the way AWS
would fail, in the service's own protocol, or not at all. Tests switch rules on and off
while a console (or `shiftops check`) is running against it.

Run it like the emulator: `python tests/emulator/fault_proxy.py --upstream URL --port 0`.
It binds 127.0.0.1 only, prints one line `READY port=<N>`, then nothing more; it stops on
SIGTERM/SIGINT or when its stdin closes (as server.py does). See tests/emulator/README.md.

Control endpoints (JSON in and out; everything else is forwarded, `/_shiftops/*` included):

* `POST /_faults/rules` adds a rule and answers `{"id": N}`:
  `{"fault": KIND, "service": "rds", "action": "DescribeDBClusters", "account_id": "222222222222",
    "times": 2, "delay_seconds": 30}`. Every key but `fault` is optional and narrows the
  match; `times` makes the rule fault that many matching requests and then stand aside
  (transient faults); without it the rule holds until removed. The first matching rule wins.
* `POST /_faults/clear` removes every rule (`{"id": N}` removes one).
* `GET /_faults/rules` lists them, with how many requests each has faulted.
* `GET /_faults/requests` → `{"total", "by_action": {"rds:DescribeDBClusters": n}, "faulted": {...},
  "by_account": {"111111111111": n}}`; `POST /_faults/requests/reset` zeroes them.
* `GET /_faults/credentials` → the credentials STS handed out through this proxy
  (`[{"account_id", "access_key_id", "secret_access_key", "session_token"}]`), so tests can
  check that none of them leaks anywhere.
* `GET /_faults/health` → `{"ok": true}`.

Fault kinds:

| kind | answer |
|---|---|
| `throttle` | 400 `Throttling` (awsQuery XML, and CloudWatch CBOR with `x-amzn-query-error`) or `ThrottlingException` (JSON protocols) |
| `error500`, `error503` | 500 `InternalFailure` / 503 `ServiceUnavailable` in the service's format |
| `slow` | waits `delay_seconds` (default 30), then forwards and answers normally — longer than the client's timeout; without `times` a fixed latency on every request, each waiting on its own thread (`benches/refresh.rs`) |
| `drop` | reads the request and closes the connection without any answer |
| `access_denied` | 403 `AccessDenied` / `AccessDeniedException`, as deny.py words it |
| `expired_token` | 400 `ExpiredToken` (awsQuery, CBOR) / `ExpiredTokenException` (JSON): "The security token included in the request is expired" |

Which account a request belongs to: the account of its SigV4 access key. The proxy learns
the keys STS hands out by reading every `AssumeRole` answer that passes through it (the
role ARN names the account); any other key is the central account 999999999999. For
`sts:AssumeRole` itself the account is the one whose role is assumed, so an
`access_denied` rule for a tenant account refuses both assuming its role and using the
credentials already cached.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import signal
import socket
import sys
import threading
import time
import uuid
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from . import CENTRAL_ACCOUNT
from .lifecycle import stdin_is_watchable, watch_stdin
from .accounts import credential_scope

HOST = "127.0.0.1"
KINDS = ("throttle", "error500", "error503", "slow", "drop", "access_denied", "expired_token")
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
              "proxy-connection", "content-length"}

# (status, awsQuery / CBOR code, JSON code, message)
ANSWERS: dict[str, tuple[int, str, str, str]] = {
    "throttle": (400, "Throttling", "ThrottlingException", "Rate exceeded"),
    "error500": (500, "InternalFailure", "InternalFailure",
                 "We encountered an internal error. Please try again."),
    "error503": (503, "ServiceUnavailable", "ServiceUnavailableException", "Service is unavailable"),
    "access_denied": (403, "AccessDenied", "AccessDeniedException", ""),
    "expired_token": (400, "ExpiredToken", "ExpiredTokenException",
                      "The security token included in the request is expired"),
}


class State:
    """Rules, counts and learned credentials, shared by the handler threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.rules: list[dict[str, Any]] = []
        self.next_id = 1
        self.reset_counts()
        self.key_accounts: dict[str, str] = {}
        self.credentials: list[dict[str, str]] = []

    def reset_counts(self) -> None:
        self.total = 0
        self.by_action: dict[str, int] = {}
        self.faulted: dict[str, int] = {}
        self.by_account: dict[str, int] = {}

    def add_rule(self, rule: dict[str, Any]) -> int:
        kind = rule.get("fault")
        if kind not in KINDS:
            raise ValueError(f"unknown fault {kind!r}; the faults are {', '.join(KINDS)}")
        unknown = set(rule) - {"fault", "service", "action", "account_id", "times", "delay_seconds"}
        if unknown:
            raise ValueError(f"unknown rule keys: {sorted(unknown)}")
        with self.lock:
            entry = dict(rule)
            entry["id"] = self.next_id
            entry["hits"] = 0
            self.next_id += 1
            self.rules.append(entry)
            return entry["id"]

    def match(self, service: str, action: str, account: str) -> dict[str, Any] | None:
        """The first rule that matches, counted as used; None lets the request through."""
        with self.lock:
            for rule in self.rules:
                if rule.get("service") not in (None, service):
                    continue
                if rule.get("action") not in (None, action):
                    continue
                if rule.get("account_id") not in (None, account):
                    continue
                times = rule.get("times")
                if times is not None and rule["hits"] >= int(times):
                    continue
                rule["hits"] += 1
                name = f"{service}:{action}"
                self.faulted[name] = self.faulted.get(name, 0) + 1
                return dict(rule)
        return None

    def count(self, service: str, action: str, account: str) -> None:
        with self.lock:
            self.total += 1
            name = f"{service}:{action}"
            self.by_action[name] = self.by_action.get(name, 0) + 1
            self.by_account[account] = self.by_account.get(account, 0) + 1

    def account_of(self, access_key: str | None) -> str:
        with self.lock:
            return self.key_accounts.get(access_key or "", CENTRAL_ACCOUNT)

    def learn(self, account: str, credentials: dict[str, str]) -> None:
        with self.lock:
            self.key_accounts[credentials["access_key_id"]] = account
            self.credentials.append({"account_id": account, **credentials})


STATE = State()


class Request:
    """What the proxy needs to know of one AWS request."""

    def __init__(self, method: str, path: str, headers: Any, body: bytes):
        self.method, self.path, self.headers, self.body = method, path, headers, body
        access_key, _, service = credential_scope(headers.get("Authorization"))
        self.access_key = access_key
        self.service = service or "unsigned"
        self.protocol = "rest"
        self.action = method
        self.form: dict[str, str] = {}
        route = urlsplit(path).path
        target = headers.get("X-Amz-Target")
        if route.startswith("/service/") and "/operation/" in route:
            self.protocol, self.action = "cbor", route.rsplit("/operation/", 1)[1].strip("/")
        elif target:
            self.protocol, self.action = "json", target.rsplit(".", 1)[-1]
        else:
            query = parse_qs(urlsplit(path).query)
            if (headers.get("Content-Type") or "").startswith("application/x-www-form-urlencoded"):
                query.update(parse_qs(body.decode("utf-8", "replace")))
            self.form = {k: v[0] for k, v in query.items()}
            if "Action" in self.form:
                self.protocol, self.action = "query", self.form["Action"]
        self.account = STATE.account_of(access_key)
        if self.service == "sts" and self.action == "AssumeRole":
            parts = self.form.get("RoleArn", "").split(":")
            if len(parts) > 4 and parts[4]:
                self.account = parts[4]


def error_answer(req: Request, kind: str) -> tuple[int, list[tuple[str, str]], bytes]:
    status, query_code, json_code, message = ANSWERS[kind]
    if kind == "access_denied":
        message = (f"User: arn:aws:sts::{req.account}:assumed-role/ShiftopsReadOnly/shiftops is not authorized "
                   f"to perform: {req.service}:{req.action} with an explicit deny")
    request_id = str(uuid.uuid4())
    if req.protocol == "query":
        fault = "Receiver" if status >= 500 else "Sender"
        body = (f"<ErrorResponse><Error><Type>{fault}</Type><Code>{query_code}</Code>"
                f"<Message>{escape(message)}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>")
        return status, [("Content-Type", "text/xml"), ("x-amzn-RequestId", request_id)], body.encode()
    if req.protocol == "cbor":
        from .cloudwatch_cbor import error_reply

        reply = error_reply(status, query_code, message)
        return status, reply.headers + [("x-amzn-RequestId", request_id)], reply.body
    if req.service == "monitoring":  # CloudWatch over JSON 1.0, awsQueryCompatible
        body = json.dumps({"__type": query_code, "message": message}).encode()
        fault = "Receiver" if status >= 500 else "Sender"
        return status, [("Content-Type", "application/x-amz-json-1.0"),
                        ("x-amzn-query-error", f"{query_code};{fault}"), ("x-amzn-RequestId", request_id)], body
    body = json.dumps({"__type": json_code, "message": message, "Message": message}).encode()
    return status, [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-ErrorType", json_code),
                    ("x-amzn-RequestId", request_id)], body


_CREDENTIAL_FIELDS = {"AccessKeyId": "access_key_id", "SecretAccessKey": "secret_access_key",
                      "SessionToken": "session_token"}


def learn_assumed_credentials(req: Request, status: int, body: bytes) -> None:
    if req.service != "sts" or req.action != "AssumeRole" or status != 200:
        return
    text = body.decode("utf-8", "replace")
    found = {}
    for tag, name in _CREDENTIAL_FIELDS.items():
        match = re.search(rf"<{tag}>([^<]*)</{tag}>", text)
        if match:
            found[name] = match.group(1)
    if "access_key_id" in found:
        STATE.learn(req.account, found)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    upstream: tuple[str, int] = ("127.0.0.1", 0)

    def log_message(self, format: str, *args: Any) -> None:  # silent, like the emulator
        pass

    def _body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        try:
            self.send_response(status)
            for key, value in headers:
                if key.lower() not in HOP_BY_HOP:
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()
        except OSError:  # the client gave up (timeout) before the answer came
            self.close_connection = True

    def _json(self, payload: Any, status: int = 200) -> None:
        self._send(status, [("Content-Type", "application/json")], json.dumps(payload, indent=1).encode())

    def _handle(self) -> None:
        body = self._body()
        route = urlsplit(self.path).path
        if route.startswith("/_faults/"):
            self._control(route.rstrip("/"), body)
            return
        req = Request(self.command, self.path, self.headers, body)
        if route.startswith("/_shiftops/") or route.startswith("/moto-api"):
            self._forward(req)
            return
        STATE.count(req.service, req.action, req.account)
        rule = STATE.match(req.service, req.action, req.account)
        kind = rule["fault"] if rule else None
        if kind == "drop":
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        if kind == "slow":
            time.sleep(float(rule.get("delay_seconds", 30)))
        elif kind is not None:
            self._send(*error_answer(req, kind))
            return
        self._forward(req)

    def _forward(self, req: Request) -> None:
        host, port = self.upstream
        connection = http.client.HTTPConnection(host, port, timeout=300)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        try:
            connection.request(self.command, self.path, body=req.body, headers=headers)
            answer = connection.getresponse()
            status, answer_headers, answer_body = answer.status, answer.getheaders(), answer.read()
        except OSError as exc:
            self._send(502, [("Content-Type", "text/plain")], f"fault proxy: upstream failed: {exc}".encode())
            return
        finally:
            connection.close()
        learn_assumed_credentials(req, status, answer_body)
        self._send(status, answer_headers, answer_body)

    def _control(self, route: str, body: bytes) -> None:
        try:
            payload = json.loads(body) if body.strip() else {}
            if (self.command, route) == ("POST", "/_faults/rules"):
                self._json({"id": STATE.add_rule(payload)})
            elif (self.command, route) == ("GET", "/_faults/rules"):
                with STATE.lock:
                    self._json(list(STATE.rules))
            elif (self.command, route) == ("POST", "/_faults/clear"):
                with STATE.lock:
                    wanted = payload.get("id")
                    STATE.rules = [r for r in STATE.rules if wanted is not None and r["id"] != wanted]
                self._json({"ok": True})
            elif (self.command, route) == ("GET", "/_faults/requests"):
                with STATE.lock:
                    self._json({"total": STATE.total, "by_action": dict(STATE.by_action),
                                "faulted": dict(STATE.faulted), "by_account": dict(STATE.by_account)})
            elif (self.command, route) == ("POST", "/_faults/requests/reset"):
                with STATE.lock:
                    STATE.reset_counts()
                self._json({"ok": True})
            elif (self.command, route) == ("GET", "/_faults/credentials"):
                with STATE.lock:
                    self._json(list(STATE.credentials))
            elif (self.command, route) == ("GET", "/_faults/health"):
                self._json({"ok": True})
            else:
                self._json({"error": f"no control endpoint {self.command} {route}"}, 404)
        except (ValueError, TypeError, KeyError) as exc:
            self._json({"error": f"{type(exc).__name__}: {exc}"}, 400)

    def do_GET(self) -> None:
        self._handle()

    do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_GET


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="shiftops fault-injecting proxy in front of the AWS emulator")
    parser.add_argument("--upstream", required=True, help="the emulator's URL, e.g. http://127.0.0.1:40123")
    parser.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1; 0 picks a free one")
    parser.add_argument("--no-stdin-watch", action="store_true", help="do not stop when stdin closes")
    args = parser.parse_args(argv)
    upstream = urlsplit(args.upstream)
    if upstream.hostname not in ("127.0.0.1", "localhost") or not upstream.port:
        parser.error("--upstream must be http://127.0.0.1:<port>")
    Handler.upstream = (upstream.hostname, upstream.port)

    server = Server((HOST, args.port), Handler)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    if not args.no_stdin_watch and stdin_is_watchable():
        threading.Thread(target=watch_stdin, args=(stop,), daemon=True).start()
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True).start()
    print(f"READY port={server.server_address[1]}", flush=True)
    quiet = open(os.devnull, "w")
    sys.stdout = sys.stderr = quiet
    try:
        while not stop.wait(0.5):
            pass
    finally:
        server.shutdown()
        server.server_close()
    return 0

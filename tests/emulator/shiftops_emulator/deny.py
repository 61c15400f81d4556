"""Denied accounts: simulate a tenant whose cross-account role cannot be used.

`POST /_shiftops/deny {"account_id": ...}` makes `sts:AssumeRole` into any role of
that account answer 403 AccessDenied (STS's awsQuery XML error, as AWS does when the
trust policy or an SCP refuses), and every request signed with credentials of that
account answer 403 in its service's own error format. `POST /_shiftops/allow` undoes
it. moto itself never refuses anything unless IAM enforcement is on, which would
require modelling every policy.
"""

from __future__ import annotations

import json
import threading
import uuid
from html import escape

from .wsgi import AwsRequest, Reply

_LOCK = threading.Lock()
DENIED: set[str] = set()


def deny(account_id: str) -> None:
    with _LOCK:
        DENIED.add(account_id)


def allow(account_id: str | None) -> None:
    with _LOCK:
        if account_id:
            DENIED.discard(account_id)
        else:
            DENIED.clear()


def check(req: AwsRequest) -> Reply | None:
    """The AccessDenied reply for `req`, or None when it may go on."""
    with _LOCK:
        denied = set(DENIED)
    if not denied:
        return None
    if req.service == "sts" and req.action == "AssumeRole":
        role = req.form.get("RoleArn", "")
        parts = role.split(":")
        if len(parts) > 4 and parts[4] in denied:
            caller = f"arn:aws:iam::{req.account_id}:user/shiftops"
            return query_error("AccessDenied", f"User: {caller} is not authorized to perform: sts:AssumeRole "
                               f"on resource: {role}", "https://sts.amazonaws.com/doc/2011-06-15/")
    if req.account_id in denied:
        action = f"{req.service}:{req.action or '*'}"
        message = (f"User: arn:aws:sts::{req.account_id}:assumed-role/ShiftopsReadOnly/shiftops is not authorized "
                   f"to perform: {action} with an explicit deny")
        return service_error(req, message)
    return None


def query_error(code: str, message: str, xmlns: str | None = None) -> Reply:
    ns = f' xmlns="{xmlns}"' if xmlns else ""
    body = (f"<ErrorResponse{ns}><Error><Type>Sender</Type><Code>{code}</Code><Message>{escape(message)}</Message>"
            f"</Error><RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>")
    return Reply(403, [("Content-Type", "text/xml")], body.encode())


def service_error(req: AwsRequest, message: str) -> Reply:
    if req.protocol == "query":
        return query_error("AccessDenied", message)
    if req.protocol == "cbor":
        from .cloudwatch_cbor import error_reply

        return error_reply(403, "AccessDenied", message)
    body = json.dumps({"__type": "AccessDeniedException", "message": message, "Message": message}).encode()
    headers = [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-ErrorType", "AccessDeniedException")]
    if req.service == "monitoring":
        headers = [("Content-Type", "application/x-amz-json-1.0"), ("x-amzn-query-error", "AccessDenied;Sender")]
        body = json.dumps({"__type": "AccessDenied", "message": message}).encode()
    return Reply(403, headers, body)

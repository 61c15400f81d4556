"""CloudWatch over Smithy RPC v2 CBOR, translated to the awsJson1_0 that moto speaks.

aws-sdk-cloudwatch >= 1.100 (and botocore, when told to) call CloudWatch with
`POST /service/GraniteServiceVersion20100801/operation/<Op>` and a CBOR body; moto
5.2.5 only understands the JSON 1.0 (and query) protocols. For every operation we:

* decode the CBOR request (gunzipped if `Content-Encoding: gzip`, as the SDKs send
  large PutMetricData bodies; tag-1 timestamps become epoch seconds) and forward it to
  moto as `X-Amz-Target: GraniteServiceVersion20100801.<Op>` JSON;
* encode moto's JSON answer as CBOR *by botocore's model of the output shape*:
  timestamp members (`Timestamp`, `Timestamps`, `StateUpdatedTimestamp`,
  `AlarmConfigurationUpdatedTimestamp`, `StateTransitionedTimestamp`, ... whatever the
  model says) become tag 1 + float64, doubles become floats (the Rust decoder rejects
  an integer where a double is expected), integers ints, blobs byte strings;
* turn errors into `{"__type": "com.amazonaws.cloudwatch#<Code>", "message": ...}`
  with the same status and `x-amzn-query-error: <Code>;Sender` (CloudWatch is
  awsQueryCompatible, and the SDKs read the code from that header).

Everything after the translation (DescribeAlarmHistory, composite alarms, paging,
metric math) is handled by the JSON path, so both protocols behave the same.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import json
from functools import lru_cache
from typing import Any, Callable

import cbor2

from .wsgi import AwsRequest, Reply

TARGET_PREFIX = "GraniteServiceVersion20100801"
SHAPE_NAMESPACE = "com.amazonaws.cloudwatch"


@lru_cache(maxsize=1)
def service_model() -> Any:
    import botocore.session

    return botocore.session.get_session().get_service_model("cloudwatch")


def handle(req: AwsRequest, forward: Callable[..., Reply]) -> Reply:
    op_name = req.action or ""
    body = req.body
    try:
        if "gzip" in req.environ.get("HTTP_CONTENT_ENCODING", "") and body:
            body = gzip.decompress(body)  # the SDKs gzip PutMetricData bodies over 10 KiB
        params = cbor2.loads(body) if body else {}
    except Exception as exc:  # malformed CBOR
        return error_reply(400, "SerializationException", f"cannot decode CBOR body: {exc}")
    json_body = json.dumps(to_json(params or {})).encode()
    reply = forward(
        PATH_INFO="/",
        REQUEST_METHOD="POST",
        CONTENT_TYPE="application/x-amz-json-1.0",
        HTTP_X_AMZ_TARGET=f"{TARGET_PREFIX}.{op_name}",
        HTTP_CONTENT_ENCODING=None,
        body=json_body,
    )
    return to_cbor_reply(op_name, reply)


def to_json(value: Any) -> Any:
    """CBOR-decoded request → JSON-able (datetimes → epoch seconds, bytes → base64)."""
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_json(v) for v in value]
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.timezone.utc)
        return value.timestamp()
    if isinstance(value, cbor2.CBORTag) and value.tag == 1:
        return float(value.value)
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode()
    return value


def to_cbor_reply(op_name: str, reply: Reply) -> Reply:
    if reply.status >= 300:
        code, message = error_details(reply)
        return error_reply(reply.status, code, message)
    try:
        op = service_model().operation_model(op_name)
    except Exception:
        return error_reply(400, "UnknownOperationException", f"unknown operation {op_name}")
    if op.output_shape is None:
        return cbor_reply(200, None)
    payload = json.loads(reply.body or b"{}") if reply.body.strip() else {}
    return cbor_reply(200, encode_shape(payload, op.output_shape))


def encode_shape(value: Any, shape: Any) -> Any:
    """A JSON value → the CBOR data model of `shape` (None members dropped)."""
    if value is None:
        return None
    kind = shape.type_name
    if kind == "structure":
        out = {}
        for name, member in shape.members.items():
            if name in value and value[name] is not None:
                out[name] = encode_shape(value[name], member)
        return out
    if kind == "list":
        return [encode_shape(v, shape.member) for v in value]
    if kind == "map":
        return {k: encode_shape(v, shape.value) for k, v in value.items()}
    if kind == "timestamp":
        return cbor2.CBORTag(1, epoch_seconds(value))
    if kind in ("double", "float"):
        return float(value)
    if kind in ("integer", "long", "short", "byte"):
        return int(float(value))
    if kind == "boolean":
        return value if isinstance(value, bool) else str(value).lower() == "true"
    if kind == "blob":
        return base64.b64decode(value) if isinstance(value, str) else bytes(value)
    return value


def epoch_seconds(value: Any) -> float:
    if isinstance(value, (int, float)):
        return float(value)
    from botocore.utils import parse_timestamp

    return parse_timestamp(value).timestamp()


def error_details(reply: Reply) -> tuple[str, str]:
    try:
        data = json.loads(reply.body)
        code = str(data.get("__type") or data.get("code") or "InternalServiceError")
        message = data.get("message") or data.get("Message") or ""
    except Exception:
        code = "InternalServiceFault" if reply.status >= 500 else "InvalidParameterValue"
        message = reply.body.decode("utf-8", "replace")[:500]
    return code.rsplit("#", 1)[-1], message


def error_reply(status: int, code: str, message: str) -> Reply:
    fault = "Receiver" if status >= 500 else "Sender"
    reply = cbor_reply(status, {"__type": f"{SHAPE_NAMESPACE}#{code}", "message": message})
    reply.set_header("x-amzn-query-error", f"{code};{fault}")
    return reply


def cbor_reply(status: int, payload: Any) -> Reply:
    body = b"" if payload is None else cbor2.dumps(payload)
    headers = [("Content-Type", "application/cbor"), ("smithy-protocol", "rpc-v2-cbor")]
    return Reply(status, headers, body)

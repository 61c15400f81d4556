"""Step Functions RedriveExecution and the redrive fields, which moto 5.2.5 lacks.

RedriveExecution takes a FAILED, ABORTED or TIMED_OUT execution that stopped less than 14
days ago and sets it RUNNING again:

* with `execute_state_machine` on (moto's ASL interpreter), the execution is run
  again by moto's own machinery with the same input (moto cannot resume from the
  failed state, so it starts from the top); GetExecutionHistory then shows the first
  attempt's events, an `ExecutionRedriven` event, and the new attempt's events;
* otherwise (moto's plain executions never run anything) it is marked SUCCEEDED.

Either way redriveCount goes up once and redriveDate is set. Anything else answers
`ExecutionNotRedrivable`, a second redrive with another token while the redriven execution
runs included: RedriveExecution "Restarts unsuccessful executions of Standard workflows that
didn't complete successfully in the last 14 days. These include failed, aborted, or timed
out executions." (API Reference, below), and a running execution is none of these.

clientToken, as the RedriveExecution API Reference states it
(https://docs.aws.amazon.com/step-functions/latest/apireference/API_RedriveExecution.html):
"The API will return idempotent responses for the last 10 client tokens used to
successfully redrive the execution. These client tokens are valid for up to 15 minutes
after they are first used." A repeated token within that answers the first redriveDate and
redrives nothing; an older or forgotten one is a new request. "Length Constraints: Minimum
length of 1. Maximum length of 64. Pattern: [!-~]+", otherwise `ValidationException`.

DescribeExecution gains redriveCount, redriveStatus (REDRIVABLE / NOT_REDRIVABLE),
redriveStatusReason and redriveDate; ListExecutions gains redriveCount and redriveDate and
honours redriveFilter.

Also: moto's SendTaskFailure drops `cause`; it is passed on here.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from moto.stepfunctions.responses import StepFunctionResponse

from .moto_ext import ServiceError, add_action, result, utcnow, wrap_action

REDRIVABLE = {"FAILED", "ABORTED", "TIMED_OUT"}
WINDOW = dt.timedelta(days=14)
TOKENS_KEPT = 10
TOKEN_LIFETIME = dt.timedelta(minutes=15)
CLIENT_TOKEN = re.compile(r"[!-~]{1,64}")


def install() -> None:
    add_action(StepFunctionResponse, "redrive_execution")(redrive_execution)
    wrap_action(StepFunctionResponse, "describe_execution")(describe_execution)
    wrap_action(StepFunctionResponse, "list_executions")(list_executions)
    wrap_action(StepFunctionResponse, "get_execution_history")(get_execution_history)
    add_action(StepFunctionResponse, "send_task_failure")(send_task_failure)


def _status(execution: Any) -> str:
    status = execution.status
    return getattr(status, "value", status)


def _aware(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        from botocore.utils import parse_timestamp

        return parse_timestamp(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def redrive_state(execution: Any) -> tuple[str, str | None]:
    status = _status(execution)
    if status not in REDRIVABLE:
        return "NOT_REDRIVABLE", f"Execution is {status} and cannot be redriven"
    stopped = _aware(getattr(execution, "stop_date", None))
    if stopped and utcnow() - stopped > WINDOW:
        return "NOT_REDRIVABLE", "Execution stopped more than 14 days ago and cannot be redriven"
    return "REDRIVABLE", None


def remembered(tokens: dict, token: str | None, now: dt.datetime) -> dt.datetime | None:
    """The redriveDate that answered `token` first, while it is among the kept and fresh ones."""
    first = tokens.get(token) if token else None
    if first is None or now - first[0] > TOKEN_LIFETIME:
        return None
    return first[1]


def remember(tokens: dict, token: str, now: dt.datetime) -> None:
    tokens.pop(token, None)
    tokens[token] = (now, now)
    while len(tokens) > TOKENS_KEPT:
        tokens.pop(next(iter(tokens)))  # the oldest: dicts keep insertion order


def redrive_execution(self: StepFunctionResponse):
    arn = self._get_param("executionArn")
    token = self._get_param("clientToken")
    if token is not None and not CLIENT_TOKEN.fullmatch(token):
        raise ServiceError("ValidationException", f"1 validation error detected: Value '{token}' at 'clientToken' "
                                                  "failed to satisfy constraint: Member must have length between 1 "
                                                  "and 64 and match pattern [!-~]+")
    execution = self.stepfunction_backend.describe_execution(arn)
    tokens = execution.__dict__.setdefault("_shiftops_redrive_tokens", {})
    now = utcnow()
    earlier = remembered(tokens, token, now)
    if earlier is not None:
        return result({"redriveDate": earlier})
    state, reason = redrive_state(execution)
    if state != "REDRIVABLE":
        raise ServiceError("ExecutionNotRedrivable", reason or "Execution cannot be redriven")
    execution._shiftops_redrive_count = getattr(execution, "_shiftops_redrive_count", 0) + 1
    execution._shiftops_redrive_date = now
    if token:
        remember(tokens, token, now)
    if hasattr(execution, "exec_worker"):  # moto's ASL interpreter: run it again
        _rerun(execution)
    else:
        execution.status = "SUCCEEDED"
        execution.stop_date = now
        execution.error = None
        execution.cause = None
        if not getattr(execution, "output", None):
            execution.output = execution.execution_input
    return result({"redriveDate": now})


def _rerun(execution: Any) -> None:
    earlier = list(getattr(execution, "_shiftops_history", []))
    if execution.exec_worker is not None and execution.exec_worker.env is not None:
        earlier += execution.exec_worker.env.event_manager.get_event_history()
    execution._shiftops_history = earlier
    execution.exec_worker = None
    execution.error = None
    execution.cause = None
    execution.stop_date = None
    execution.output = None
    execution.start()


def _redrive_fields(execution: Any, describe: bool) -> dict:
    fields: dict[str, Any] = {"redriveCount": getattr(execution, "_shiftops_redrive_count", 0)}
    if getattr(execution, "_shiftops_redrive_date", None):
        fields["redriveDate"] = execution._shiftops_redrive_date
    if describe:
        state, reason = redrive_state(execution)
        fields["redriveStatus"] = state
        if reason:
            fields["redriveStatusReason"] = reason
    return fields


def describe_execution(self: StepFunctionResponse, original: Any):
    answer = original()
    execution = self.stepfunction_backend.describe_execution(self._get_param("executionArn"))
    answer.result.update(_redrive_fields(execution, describe=True))
    return answer


def list_executions(self: StepFunctionResponse, original: Any):
    answer = original()
    backend = self.stepfunction_backend
    wanted = self._get_param("redriveFilter")
    items = []
    for item in answer.result.get("executions", []):
        execution = backend.describe_execution(item["executionArn"])
        item.update(_redrive_fields(execution, describe=False))
        redriven = item["redriveCount"] > 0
        if wanted == "REDRIVEN" and not redriven or wanted == "NOT_REDRIVEN" and redriven:
            continue
        items.append(item)
    answer.result["executions"] = items
    return answer


def get_execution_history(self: StepFunctionResponse, original: Any):
    answer = original()
    execution = self.stepfunction_backend.describe_execution(self._get_param("executionArn"))
    earlier = getattr(execution, "_shiftops_history", None)
    if not earlier:
        return answer
    events = _renumber(list(earlier), [e for e in answer.result.get("events", []) if e.get("type") != "ExecutionStarted"],
                       execution)
    answer.result["events"] = events  # in id order; sfn_executions applies reverseOrder and pages
    return answer


def _renumber(earlier: list[dict], current: list[dict], execution: Any) -> list[dict]:
    out = [dict(e) for e in earlier]
    redriven = {
        "timestamp": execution._shiftops_redrive_date,
        "type": "ExecutionRedriven",
        "id": len(out) + 1,
        "previousEventId": len(out),
        "executionRedrivenEventDetails": {"redriveCount": execution._shiftops_redrive_count},
    }
    out.append(redriven)
    offset = len(out) - 1  # the re-run's event 1 (ExecutionStarted) is replaced by ExecutionRedriven
    for event in current:
        event = dict(event)
        event["id"] = event["id"] + offset
        previous = event.get("previousEventId", 0)
        event["previousEventId"] = redriven["id"] if previous <= 1 else previous + offset
        out.append(event)
    return out


def send_task_failure(self: StepFunctionResponse):
    self.stepfunction_backend.send_task_failure(
        self._get_param("taskToken"), error=self._get_param("error"), cause=self._get_param("cause")
    )
    return result({})


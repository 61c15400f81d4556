"""Step Functions RedriveExecution and the redrive fields, which moto 5.2.5 lacks.

RedriveExecution (idempotent by clientToken) takes a FAILED, ABORTED or TIMED_OUT
execution that stopped less than 14 days ago and sets it RUNNING again:

* with `execute_state_machine` on (moto's ASL interpreter), the execution is run
  again by moto's own machinery with the same input (moto cannot resume from the
  failed state, so it starts from the top); GetExecutionHistory then shows the first
  attempt's events, an `ExecutionRedriven` event, and the new attempt's events;
* otherwise (moto's plain executions never run anything) it is marked SUCCEEDED.

Either way redriveCount goes up and redriveDate is set. Anything else answers
`ExecutionNotRedrivable`. DescribeExecution gains redriveCount, redriveStatus
(REDRIVABLE / NOT_REDRIVABLE), redriveStatusReason and redriveDate; ListExecutions
gains redriveCount and redriveDate and honours redriveFilter.

Also: moto's SendTaskFailure drops `cause`; it is passed on here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from moto.stepfunctions.responses import StepFunctionResponse

from .moto_ext import ServiceError, add_action, result, utcnow, wrap_action

REDRIVABLE = {"FAILED", "ABORTED", "TIMED_OUT"}
WINDOW = dt.timedelta(days=14)


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


def redrive_execution(self: StepFunctionResponse):
    arn = self._get_param("executionArn")
    token = self._get_param("clientToken")
    execution = self.stepfunction_backend.describe_execution(arn)
    tokens = execution.__dict__.setdefault("_shiftops_redrive_tokens", {})
    if token and token in tokens:
        return result({"redriveDate": tokens[token]})
    state, reason = redrive_state(execution)
    if state != "REDRIVABLE":
        raise ServiceError("ExecutionNotRedrivable", reason or "Execution cannot be redriven")
    now = utcnow()
    execution._shiftops_redrive_count = getattr(execution, "_shiftops_redrive_count", 0) + 1
    execution._shiftops_redrive_date = now
    if token:
        tokens[token] = now
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
    if self._get_param("reverseOrder"):
        events.reverse()
    answer.result["events"] = events
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


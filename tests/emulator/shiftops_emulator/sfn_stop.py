"""Step Functions StopExecution, as strict as the API reference.

"StopExecution" (https://docs.aws.amazon.com/step-functions/latest/apireference/API_StopExecution.html):
`error` is at most 256 characters and `cause` at most 32768, otherwise `ValidationException`;
an unknown execution is `ExecutionDoesNotExist`. moto 5.2.5 takes any length, drops `error`
and `cause`, and turns any execution ABORTED, a SUCCEEDED one included. Here an execution that
is no longer RUNNING is left as it is (there is nothing to stop: the reference only "stops an
execution"), and StopExecution answers the time it stopped; the console never relies on it, as
it stops only an execution it has just read as RUNNING. The `error` and `cause` given are kept,
so DescribeExecution shows who stopped it and why. And the execution is ABORTED when the call
returns, as on AWS, whose answer carries the `stopDate`: moto's interpreter only flags its
thread, which a state waiting for a task token never looks at again.
"""

from __future__ import annotations

from typing import Any

from moto.stepfunctions.responses import StepFunctionResponse

from .moto_ext import ServiceError, result, utcnow, wrap_action
from .sfn_redrive import _status

MAX_ERROR = 256
MAX_CAUSE = 32768


def install() -> None:
    wrap_action(StepFunctionResponse, "stop_execution")(stop_execution)


def _too_long(name: str, value: str, limit: int) -> ServiceError:
    return ServiceError(
        "ValidationException",
        f"1 validation error detected: Value at '{name}' failed to satisfy constraint: "
        f"Member must have length less than or equal to {limit}",
    )


def stop_execution(self: StepFunctionResponse, original: Any):
    error = self._get_param("error")
    cause = self._get_param("cause")
    if error is not None and len(error) > MAX_ERROR:
        raise _too_long("error", error, MAX_ERROR)
    if cause is not None and len(cause) > MAX_CAUSE:
        raise _too_long("cause", cause, MAX_CAUSE)
    execution = self.stepfunction_backend.describe_execution(self._get_param("executionArn"))
    if _status(execution) != "RUNNING":
        return result({"stopDate": execution.stop_date})
    answer = original()
    if _status(execution) == "RUNNING":
        if hasattr(execution, "exec_status"):  # moto's interpreter
            from moto.stepfunctions.parser.api import ExecutionStatus

            execution.exec_status = ExecutionStatus.ABORTED
        else:
            execution.status = "ABORTED"
        execution.stop_date = utcnow()
    execution.error = error
    execution.cause = cause
    return answer

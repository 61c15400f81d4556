"""Step Functions StartExecution, ListExecutions and GetExecutionHistory as strict as AWS.

moto 5.2.5 falls short here, mostly when its ASL interpreter (`execute_state_machine`) runs
the executions, as it does after the standard seed:

* StartExecution checks no name at all under the interpreter, and names a nameless
  execution `None`, so a second nameless start "is" the first. Without the interpreter it
  takes an empty name as none and lets through the characters it has no list for.
* GetExecutionHistory ignores `reverseOrder`, `maxResults` and `nextToken`.

Rules, from the Step Functions API Reference:

* StartExecution (https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html):
  `name` has "Length Constraints: Minimum length of 1. Maximum length of 80." A name out of
  that range is a `ValidationException` ("1 validation error detected: ..."), which is what
  AWS answers for an 81-character name. "A name must not contain: white space, brackets
  < > { } [ ], wildcard characters ? *, special characters " # % \\ ^ | ~ ` $ & , ; : /,
  control characters (U+0000-001F, U+007F-009F, U+FFFE-FFFF), surrogates (U+D800-DFFF),
  invalid characters (U+10FFFF)" -> `InvalidName` (HTTP 400). "If you don't provide a name
  for the execution, Step Functions automatically generates a universally unique identifier
  (UUID) as the execution name." Idempotency is moto's own and right: "For a STANDARD
  workflow, if you call StartExecution with the same name and input as a running execution,
  the call succeeds and return the same response as the original request. If the execution
  is closed or if the input is different, it returns a 400 ExecutionAlreadyExists error."
* ListExecutions (https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListExecutions.html):
  "Results are sorted by time, with the most recent execution first" (moto does); "If you
  provide a stateMachineArn and a PENDING_REDRIVE statusFilter, the API returns a validation
  exception"; maxResults is at most 1000.
* GetExecutionHistory (https://docs.aws.amazon.com/step-functions/latest/apireference/API_GetExecutionHistory.html):
  "By default, the results are returned in ascending order of the timeStamp of the events.
  Use the reverseOrder parameter to get the latest events first." `maxResults`: "The default
  is 100 and the maximum allowed page size is 1000. A value of 0 uses the default." A token
  that is not one the service handed out is an `InvalidToken` (HTTP 400).
"""

from __future__ import annotations

import uuid
from typing import Any

from moto.stepfunctions.responses import StepFunctionResponse

from .moto_ext import ServiceError, add_action, result, wrap_action

MAX_NAME = 80
FORBIDDEN = set(" <>{}[]?*\"#%\\^|~`$&,;:/")
MAX_PAGE = 1000
DEFAULT_PAGE = 100


def install() -> None:
    add_action(StepFunctionResponse, "start_execution")(start_execution)
    wrap_action(StepFunctionResponse, "list_executions")(list_executions)
    wrap_action(StepFunctionResponse, "get_execution_history")(get_execution_history)


def _forbidden(char: str) -> bool:
    code = ord(char)
    return (char in FORBIDDEN or char.isspace() or code <= 0x1F or 0x7F <= code <= 0x9F
            or 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF, 0x10FFFF))


def check_name(name: str) -> None:
    if not 1 <= len(name) <= MAX_NAME:
        bound = "greater than or equal to 1" if not name else f"less than or equal to {MAX_NAME}"
        raise ServiceError("ValidationException", f"1 validation error detected: Value '{name}' at 'name' "
                                                  f"failed to satisfy constraint: Member must have length {bound}")
    if any(_forbidden(char) for char in name):
        raise ServiceError("InvalidName", f"Invalid Name: '{name}'")


def start_execution(self: StepFunctionResponse):
    name = self._get_param("name")
    if name is None:
        name = str(uuid.uuid4())
    else:
        check_name(name)
    execution = self.stepfunction_backend.start_execution(
        self._get_param("stateMachineArn"), name, self._get_param("input", if_none="{}"))
    return result({"executionArn": execution.execution_arn, "startDate": execution.start_date})


def _page_size(value: Any) -> int:
    size = int(value or 0)
    if size < 0 or size > MAX_PAGE:
        raise ServiceError("ValidationException", f"1 validation error detected: Value '{size}' at 'maxResults' "
                                                  f"failed to satisfy constraint: Member must have value less than "
                                                  f"or equal to {MAX_PAGE}")
    return size or DEFAULT_PAGE


def list_executions(self: StepFunctionResponse, original: Any):
    if self._get_param("statusFilter") == "PENDING_REDRIVE" and self._get_param("stateMachineArn"):
        raise ServiceError("ValidationException", "A PENDING_REDRIVE statusFilter needs a mapRunArn, "
                                                  "not a stateMachineArn.")
    _page_size(self._get_param("maxResults"))
    return original()


def get_execution_history(self: StepFunctionResponse, original: Any):
    size = _page_size(self._get_param("maxResults"))
    answer = original()
    events = list(answer.result.get("events", []))
    events.sort(key=lambda e: e["id"], reverse=bool(self._get_param("reverseOrder")))
    token = self._get_param("nextToken")
    start = 0
    if token is not None:
        if not token.startswith("h") or not token[1:].isdigit() or int(token[1:]) >= len(events):
            raise ServiceError("InvalidToken", f"Invalid Token: '{token}'")
        start = int(token[1:])
    answer.result["events"] = events[start:start + size]
    answer.result.pop("nextToken", None)
    if start + size < len(events):
        answer.result["nextToken"] = f"h{start + size}"
    return answer

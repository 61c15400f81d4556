"""The rules AWS documents for the Redshift cluster parameter `wlm_json_configuration`.

ModifyClusterParameterGroup refuses a value that breaks one of them with
`InvalidParameterValue` (HTTP 400), Redshift's error for "an invalid or out-of-range value
was supplied for the input parameter" ("Common Errors - Amazon Redshift",
https://docs.aws.amazon.com/redshift/latest/APIReference/CommonErrors.html). Only what the
pages below state is enforced, each rule next to its source:

[CWM]   "Configuring workload management - Amazon Redshift" (Management Guide),
        https://docs.aws.amazon.com/redshift/latest/mgmt/workload-mgmt-config.html
[QMR]   "WLM query monitoring rules - Amazon Redshift" (Database Developer Guide),
        https://docs.aws.amazon.com/redshift/latest/dg/cm-c-wlm-query-monitoring-rules.html
[MAN]   "Implementing manual WLM - Amazon Redshift",
        https://docs.aws.amazon.com/redshift/latest/dg/cm-c-defining-query-queues.html
[AUTO]  "Implementing automatic WLM - Amazon Redshift",
        https://docs.aws.amazon.com/redshift/latest/dg/automatic-wlm.html
[PRIO]  "Query priority - Amazon Redshift",
        https://docs.aws.amazon.com/redshift/latest/dg/query-priority.html
[QUOTA] "Quotas and limits in Amazon Redshift",
        https://docs.aws.amazon.com/redshift/latest/mgmt/amazon-redshift-limits.html

The configuration is automatic WLM when a queue has `"auto_wlm": true` (the pages show it on
automatic queues and never on manual ones); otherwise it is manual WLM.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .moto_ext import ServiceError

PARAMETER = "wlm_json_configuration"
MAX_CHARS = 8000  # [CWM] "The maximum size of the wlm_json_configuration property value is 8000 characters."
MAX_QUEUES = 8  # [MAN], [AUTO] "up to a total of eight user queues"
MAX_RULES = 25  # [QMR] "up to 25 rules for each queue, with a limit of 25 rules for all queues"
MAX_PREDICATES = 3  # [QMR] "You can have up to three predicates per rule."
MAX_SLOTS = 50  # [MAN] "The maximum slot count across all user-defined queues is 50." [QUOTA] 50
DEFAULT_SLOTS = 5  # [MAN] "By default, manual WLM queues have a concurrency level of 5."
QUEUE_NAME = re.compile(r"[A-Za-z0-9_ ]{1,64}")  # [CWM] "up to 64 alphanumeric characters, underscores or spaces"
RULE_NAME = re.compile(r"[A-Za-z0-9_]{1,32}")  # [QMR] "up to 32 alphanumeric characters or underscores"
PRIORITIES = ("highest", "high", "normal", "low", "lowest")  # [CWM] Priority
OPERATORS = ("=", "<", ">")  # [QMR] "an operator ( =, <, or > )"
ACTIONS = {"log": None, "abort": None, "hop": "manual", "change_query_priority": "auto"}  # [QMR], [CWM]
# [QMR] "Query monitoring metrics for Amazon Redshift provisioned": name -> valid values.
METRICS = {
    "query_cpu_time": 999_999,
    "query_blocks_read": 1_048_575,
    "scan_row_count": 999_999_999_999_999,
    "query_execution_time": 86_399,
    "query_queue_time": 86_399,
    "query_cpu_usage_percent": 6_399,
    "query_temp_blocks_to_disk": 319_815_679,
    "cpu_skew": 99,
    "io_skew": 99,
    "join_row_count": 999_999_999_999_999,
    "nested_loop_join_row_count": 999_999_999_999_999,
    "return_row_count": 999_999_999_999_999,
    "segment_execution_time": 86_388,
    "spectrum_scan_row_count": 999_999_999_999_999,
    "spectrum_scan_size_mb": 999_999_999_999_999,
    "query_priority": PRIORITIES,  # "HIGHEST, HIGH, NORMAL, LOW, and LOWEST"; [PRIO] writes them lower case
}


def invalid(message: str) -> ServiceError:
    return ServiceError("InvalidParameterValue", f"Invalid {PARAMETER}: {message}")


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def validate(value: Any) -> None:
    """Raise `InvalidParameterValue` unless `value` is a configuration AWS would take."""
    if not isinstance(value, str):
        raise invalid("the value must be a string")
    if len(value) > MAX_CHARS:
        raise invalid(f"the value is {len(value)} characters, more than {MAX_CHARS}")
    try:
        entries = json.loads(value)
    except ValueError as err:
        raise invalid(f"not valid JSON ({err})")
    # [CWM] the value is a JSON array with one object per queue.
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise invalid("the value must be a JSON array of queue objects")
    sqa = [e for e in entries if "short_query_queue" in e]
    queues = [e for e in entries if "short_query_queue" not in e]
    for entry in sqa:
        _short_query_acceleration(entry)
    if not queues:
        raise invalid("there must be at least one queue, the default queue")  # [MAN] the default queue
    if len(queues) > MAX_QUEUES:
        raise invalid(f"{len(queues)} queues; at most {MAX_QUEUES} are allowed")
    mode = "auto" if any(q.get("auto_wlm") is True for q in queues) else "manual"
    names = [q["name"] for q in queues if "name" in q]
    for name in names:
        if not isinstance(name, str) or not QUEUE_NAME.fullmatch(name):
            raise invalid(f"queue name {name!r} must be 1 to 64 letters, digits, underscores or spaces")
    if len(set(names)) != len(names):
        raise invalid("queue names must be unique")  # [CWM]
    for queue in queues:
        _queue(queue, mode)
    if mode == "manual":
        _manual_totals(queues)
    _rules(queues, mode)


def _short_query_acceleration(entry: dict) -> None:
    if not isinstance(entry["short_query_queue"], bool):
        raise invalid("short_query_queue must be true or false")
    # [CWM] "you can specify 0 ... Alternatively, you can specify a value of 1-20 seconds, in milliseconds."
    limit = entry.get("max_execution_time", 0)
    if not _count(limit) or not (limit == 0 or 1000 <= limit <= 20000):
        raise invalid("the short query max_execution_time must be 0 or 1000 to 20000 milliseconds")


def _queue(queue: dict, mode: str) -> None:
    if "auto_wlm" in queue and not isinstance(queue["auto_wlm"], bool):
        raise invalid("auto_wlm must be true or false")
    if queue.get("queue_type", "manual") not in ("auto", "manual"):  # [CWM] Queue type
        raise invalid("queue_type must be auto or manual")
    if queue.get("concurrency_scaling", "off") not in ("auto", "off"):  # [CWM] Concurrency Scaling mode
        raise invalid("concurrency_scaling must be auto or off")
    if "priority" in queue:
        # [CWM] "To set the priority, WLM mode must be set to Auto WLM; that is, auto_wlm must be true."
        if mode != "auto":
            raise invalid("priority needs automatic WLM (auto_wlm true)")
        if queue["priority"] not in PRIORITIES:
            raise invalid(f"priority must be one of {', '.join(PRIORITIES)}")
    if mode == "manual" and "query_concurrency" in queue:
        slots = queue["query_concurrency"]
        if not _count(slots) or not 1 <= slots <= MAX_SLOTS:  # [CWM] "The range is between 1 and 50."
            raise invalid("query_concurrency must be an integer from 1 to 50")


def _manual_totals(queues: list[dict]) -> None:
    slots = sum(q.get("query_concurrency", DEFAULT_SLOTS) for q in queues)
    if slots > MAX_SLOTS:
        raise invalid(f"the queues have {slots} query slots in all; at most {MAX_SLOTS} are allowed")
    # [CWM] "If you specify a memory percentage for at least one of the queues, you must specify a
    # percentage for all other queues, up to a total of 100 percent."
    memory = [q["memory_percent_to_use"] for q in queues if "memory_percent_to_use" in q]
    if not memory:
        return
    if len(memory) != len(queues):
        raise invalid("memory_percent_to_use must be set on every queue once it is set on one")
    if not all(_number(m) and 0 <= m <= 100 for m in memory):
        raise invalid("memory_percent_to_use must be a percentage")
    if sum(memory) > 100:
        raise invalid(f"memory_percent_to_use adds up to {sum(memory)}, more than 100")


def _rules(queues: list[dict], mode: str) -> None:
    seen: set[str] = set()
    for queue in queues:
        rules = queue.get("rules", [])
        if not isinstance(rules, list):
            raise invalid("rules must be a list")
        if len(rules) > MAX_RULES:
            raise invalid(f"a queue has {len(rules)} rules; at most {MAX_RULES} are allowed per queue")
        for rule in rules:
            name = _rule(rule, mode)
            if name in seen:
                raise invalid(f"rule name {name} is used twice; rule names must be unique")  # [QMR]
            seen.add(name)
    if len(seen) > MAX_RULES:
        raise invalid(f"{len(seen)} rules in all; at most {MAX_RULES} are allowed for all queues")


def _rule(rule: Any, mode: str) -> str:
    if not isinstance(rule, dict):
        raise invalid("a rule must be an object")
    name = rule.get("rule_name")
    if not isinstance(name, str) or not RULE_NAME.fullmatch(name):
        raise invalid(f"rule name {name!r} must be 1 to 32 letters, digits or underscores")
    predicates = rule.get("predicate")
    if not isinstance(predicates, list) or not 1 <= len(predicates) <= MAX_PREDICATES:
        raise invalid(f"rule {name} must have 1 to {MAX_PREDICATES} predicates")
    for predicate in predicates:
        _predicate(name, predicate)
    action = rule.get("action")
    if action not in ACTIONS:
        raise invalid(f"rule {name}: action must be one of {', '.join(ACTIONS)}")
    if ACTIONS[action] not in (None, mode):
        needed = "automatic" if ACTIONS[action] == "auto" else "manual"
        raise invalid(f"rule {name}: action {action} is only available with {needed} WLM")
    # [PRIO] change_query_priority names the new priority in the rule's "value".
    if action == "change_query_priority" and rule.get("value") not in PRIORITIES:
        raise invalid(f"rule {name}: change_query_priority needs a value among {', '.join(PRIORITIES)}")
    return name


def _predicate(rule: str, predicate: Any) -> None:
    if not isinstance(predicate, dict):
        raise invalid(f"rule {rule}: a predicate must be an object")
    metric, operator, value = predicate.get("metric_name"), predicate.get("operator"), predicate.get("value")
    if metric not in METRICS:
        raise invalid(f"rule {rule}: unknown metric {metric!r}")
    if operator not in OPERATORS:
        raise invalid(f"rule {rule}: operator must be =, < or >")
    valid = METRICS[metric]
    if isinstance(valid, tuple):
        if not isinstance(value, str) or value.lower() not in valid:
            raise invalid(f"rule {rule}: {metric} must be one of {', '.join(valid)}")
    elif not _number(value) or not 0 <= value <= valid:
        raise invalid(f"rule {rule}: {metric} must be a number from 0 to {valid}")


# -- Redshift Serverless query queues ------------------------------------------------------------------
#
# [SQQ] "Setting query queues - Amazon Redshift" (Management Guide),
#       https://docs.aws.amazon.com/redshift/latest/mgmt/serverless-workgroup-query-queues.html:
#       "The following Workload Management (WLM) configuration keys used in Amazon Redshift
#       provisioned clusters are not supported in Redshift Serverless queues: max_execution_time,
#       short_query_queue, auto_wlm, concurrency_scaling, priority, queue_type, query_concurrency,
#       memory_percent_to_use, user_group, user_group_wild_card. Additionally hop,
#       change_query_priority actions are not supported in Serverless."
# [SLS] botocore redshift-serverless 2021-04-21 service-2.json, ConfigParameter.parameterKey: "If
#       you're using wlm_json_configuration, the maximum size of parameterValue is 8000 characters."
# What the queues share with provisioned WLM (queue names, rules, predicates, metric ranges) is
# checked by the same functions as above.
SERVERLESS_UNSUPPORTED_KEYS = ("max_execution_time", "short_query_queue", "auto_wlm", "concurrency_scaling",
                               "priority", "queue_type", "query_concurrency", "memory_percent_to_use", "user_group",
                               "user_group_wild_card")
SERVERLESS_ACTIONS = ("log", "abort")


def validate_serverless(value: Any) -> None:
    """Raise `ValidationException` unless `value` is a Serverless workgroup's queue configuration."""
    try:
        _serverless(value)
    except ServiceError as err:
        raise ServiceError("ValidationException", err.message) from None


def _serverless(value: Any) -> None:
    if not isinstance(value, str):
        raise invalid("the value must be a string")
    if len(value) > MAX_CHARS:  # [SLS]
        raise invalid(f"the value is {len(value)} characters, more than {MAX_CHARS}")
    try:
        queues = json.loads(value)
    except ValueError as err:
        raise invalid(f"not valid JSON ({err})")
    if not isinstance(queues, list) or not queues or not all(isinstance(q, dict) for q in queues):
        raise invalid("the value must be a JSON array of queue objects")
    for queue in queues:
        unsupported = [key for key in SERVERLESS_UNSUPPORTED_KEYS if key in queue]
        if unsupported:  # [SQQ]
            raise invalid(f"{', '.join(unsupported)} is not supported in Redshift Serverless queues")
        for rule in queue.get("rules", []) if isinstance(queue.get("rules"), list) else []:
            if isinstance(rule, dict) and rule.get("action") not in SERVERLESS_ACTIONS:  # [SQQ]
                raise invalid(f"rule {rule.get('rule_name')}: action must be log or abort in Redshift Serverless")
    names = [q.get("name") for q in queues]
    for name in names:
        if not isinstance(name, str) or not QUEUE_NAME.fullmatch(name):
            raise invalid(f"queue name {name!r} must be 1 to 64 letters, digits, underscores or spaces")
    if len(set(names)) != len(names):
        raise invalid("queue names must be unique")  # [CWM]
    _rules(queues, "serverless")

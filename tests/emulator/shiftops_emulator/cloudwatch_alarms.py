"""CloudWatch alarms: PutCompositeAlarm, and DescribeAlarms filters and paging.

moto 5.2.5 has no PutCompositeAlarm handler (HTTP 500) although its backend stores
composite alarms (an alarm with a rule). Its DescribeAlarms applies only one of
AlarmNames / AlarmNamePrefix / StateValue / ActionPrefix, ignores AlarmTypes, and
never pages. Here DescribeAlarms applies all filters together, sorts by name, returns
only metric alarms unless AlarmTypes says otherwise (as AWS does), and pages
metric-then-composite alarms with MaxRecords (default 50) / NextToken.
"""

from __future__ import annotations

from moto.cloudwatch.responses import CloudWatchResponse

from .moto_ext import ServiceError, add_action, page, result


def install() -> None:
    add_action(CloudWatchResponse, "put_composite_alarm")(put_composite_alarm)
    add_action(CloudWatchResponse, "describe_alarms")(describe_alarms)


def put_composite_alarm(self: CloudWatchResponse):
    name = self._get_param("AlarmName")
    rule = self._get_param("AlarmRule")
    if not name or not rule:
        raise ServiceError("ValidationError", "AlarmName and AlarmRule are required")
    self.cloudwatch_backend.put_metric_alarm(
        name=name,
        namespace=None,
        metric_name=None,
        comparison_operator=None,
        evaluation_periods=None,
        period=None,
        threshold=None,
        statistic=None,
        description=self._get_param("AlarmDescription"),
        dimensions=[],
        alarm_actions=self._get_param("AlarmActions", []),
        ok_actions=self._get_param("OKActions", []),
        insufficient_data_actions=self._get_param("InsufficientDataActions", []),
        actions_enabled=self._get_param("ActionsEnabled"),
        rule=rule,
        tags=self._get_param("Tags", []),
    )
    return result({})


def describe_alarms(self: CloudWatchResponse):
    names = self._get_param("AlarmNames") or []
    prefix = self._get_param("AlarmNamePrefix")
    state = self._get_param("StateValue")
    action_prefix = self._get_param("ActionPrefix")
    types = self._get_param("AlarmTypes") or ["MetricAlarm"]
    alarms = sorted(self.cloudwatch_backend.alarms.values(), key=lambda a: a.name)
    if names:
        alarms = [a for a in alarms if a.name in names]
    if prefix:
        alarms = [a for a in alarms if a.name.startswith(prefix)]
    if state:
        alarms = [a for a in alarms if a.state_value == state]
    if action_prefix:
        alarms = [a for a in alarms if any(x.startswith(action_prefix) for x in a.alarm_actions)]
    metric = [a for a in alarms if a.rule is None] if "MetricAlarm" in types else []
    composite = [a for a in alarms if a.rule is not None] if "CompositeAlarm" in types else []
    chunk, token = page(metric + composite, self._get_param("NextToken"), self._get_param("MaxRecords"), 50)
    out = {
        "MetricAlarms": [a for a in chunk if a.rule is None],
        "CompositeAlarms": [a for a in chunk if a.rule is not None],
    }
    if token:
        out["NextToken"] = token
    return result(out)

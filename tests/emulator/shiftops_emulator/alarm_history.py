"""DescribeAlarmHistory, which moto 5.2.5 lacks (HTTP 500).

Every alarm change made through the emulator is recorded, per account and region, the
way CloudWatch records it: creating or updating an alarm gives a `ConfigurationUpdate`
item (`Alarm "X" created` / `updated`), and every change of state — the first
evaluation of a new alarm (INSUFFICIENT_DATA → OK, as moto starts alarms in OK), a
SetAlarmState, or a PutMetricAlarm that resets the state — gives a `StateUpdate` item
(`Alarm updated from OK to ALARM`) whose HistoryData is CloudWatch's JSON document
with oldState/newState. Alarms also gain StateTransitionedTimestamp (the last
change of state), which moto does not keep. We hook moto's backend methods, so the JSON and the CBOR
protocol record and read the same history.

DescribeAlarmHistory supports AlarmName, AlarmTypes, HistoryItemType, StartDate,
EndDate, ScanBy (TimestampDescending by default), MaxRecords (default 100), NextToken.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from moto.cloudwatch.models import CloudWatchBackend
from moto.cloudwatch.responses import CloudWatchResponse

from .moto_ext import add_action, page, result, store_dict, utcnow

HISTORY = store_dict("cloudwatch")


def install() -> None:
    original_put = CloudWatchBackend.put_metric_alarm
    original_set = CloudWatchBackend.set_alarm_state

    def put_metric_alarm(self: CloudWatchBackend, name: str, *args: Any, **kwargs: Any):
        old = self.alarms.get(name)
        old_state = (old.state_value, old.state_reason) if old else None
        alarm = original_put(self, name, *args, **kwargs)
        if old is None:
            alarm.state_transitioned_timestamp = alarm.state_updated_timestamp
            _config_item(self, alarm, "Create", f'Alarm "{name}" created')
            _state_item(self, alarm, ("INSUFFICIENT_DATA", "Unchecked: Initial alarm creation"))
        else:
            _config_item(self, alarm, "Update", f'Alarm "{name}" updated')
            alarm.state_transitioned_timestamp = getattr(old, "state_transitioned_timestamp", None)
            if old_state[0] != alarm.state_value:
                alarm.state_transitioned_timestamp = alarm.state_updated_timestamp
                _state_item(self, alarm, old_state)
        return alarm

    def set_alarm_state(self: CloudWatchBackend, alarm_name: str, *args: Any, **kwargs: Any):
        old = self.alarms.get(alarm_name)
        old_state = (old.state_value, old.state_reason) if old else None
        original_set(self, alarm_name, *args, **kwargs)
        alarm = self.alarms[alarm_name]
        if old_state and old_state[0] != alarm.state_value:
            alarm.state_transitioned_timestamp = alarm.state_updated_timestamp
            _state_item(self, alarm, old_state)

    CloudWatchBackend.put_metric_alarm = put_metric_alarm
    CloudWatchBackend.set_alarm_state = set_alarm_state
    add_action(CloudWatchResponse, "describe_alarm_history")(describe_alarm_history)


def _items(backend: CloudWatchBackend) -> list[dict]:
    return HISTORY[backend.account_id][backend.region_name].items.setdefault("history", [])


def _alarm_type(alarm: Any) -> str:
    return "CompositeAlarm" if alarm.rule is not None else "MetricAlarm"


def _config_item(backend: CloudWatchBackend, alarm: Any, kind: str, summary: str) -> None:
    data = {"type": kind, "version": "1.0"}
    data["createdAlarm" if kind == "Create" else "updatedAlarm"] = {
        "alarmName": alarm.name,
        "alarmArn": alarm.alarm_arn,
        "namespace": alarm.namespace,
        "metricName": alarm.metric_name,
        "threshold": alarm.threshold,
        "comparisonOperator": alarm.comparison_operator,
        "evaluationPeriods": alarm.evaluation_periods,
        "alarmRule": alarm.rule,
    }
    _append(backend, alarm, "ConfigurationUpdate", summary, data)


def _state_item(backend: CloudWatchBackend, alarm: Any, old: tuple[str, str]) -> None:
    new_state = {"stateValue": alarm.state_value, "stateReason": alarm.state_reason}
    if alarm.state_reason_data:
        try:
            new_state["stateReasonData"] = json.loads(alarm.state_reason_data)
        except ValueError:
            pass
    data = {
        "version": "1.0",
        "oldState": {"stateValue": old[0], "stateReason": old[1]},
        "newState": new_state,
    }
    summary = f"Alarm updated from {old[0]} to {alarm.state_value}"
    _append(backend, alarm, "StateUpdate", summary, data)


def _append(backend: CloudWatchBackend, alarm: Any, kind: str, summary: str, data: dict) -> None:
    _items(backend).append(
        {
            "AlarmName": alarm.name,
            "AlarmType": _alarm_type(alarm),
            "Timestamp": utcnow(),
            "HistoryItemType": kind,
            "HistorySummary": summary,
            "HistoryData": json.dumps(data, separators=(",", ":")),
        }
    )


def _as_datetime(value: Any) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value.astimezone(dt.timezone.utc) if value and value.tzinfo else value
    from botocore.utils import parse_timestamp

    return parse_timestamp(value)


def describe_alarm_history(self: CloudWatchResponse):
    items = list(_items(self.cloudwatch_backend))
    name = self._get_param("AlarmName")
    kind = self._get_param("HistoryItemType")
    types = self._get_param("AlarmTypes")
    start = _as_datetime(self._get_param("StartDate"))
    end = _as_datetime(self._get_param("EndDate"))
    if name:
        items = [i for i in items if i["AlarmName"] == name]
    if kind:
        items = [i for i in items if i["HistoryItemType"] == kind]
    # "If you omit this parameter, only metric alarms are returned."
    # https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarmHistory.html
    types = types or ["MetricAlarm"]
    items = [i for i in items if i["AlarmType"] in types]
    if start:
        items = [i for i in items if i["Timestamp"] >= _aware(start)]
    if end:
        items = [i for i in items if i["Timestamp"] <= _aware(end)]
    ascending = self._get_param("ScanBy") == "TimestampAscending"
    items.sort(key=lambda i: i["Timestamp"], reverse=not ascending)
    chunk, token = page(items, self._get_param("NextToken"), self._get_param("MaxRecords"), 100)
    out: dict[str, Any] = {"AlarmHistoryItems": chunk}
    if token:
        out["NextToken"] = token
    return result(out)


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)

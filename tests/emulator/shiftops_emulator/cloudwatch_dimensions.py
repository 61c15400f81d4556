"""CloudWatch dimensions as AWS treats them: a metric's identity, and what a dimension may hold.

Exact matching. "CloudWatch treats each unique combination of dimensions as a separate metric.
If a specific combination of dimensions was not published, you can't retrieve statistics for it.
You must specify the same dimensions that were used when the metrics were created."
(GetMetricStatistics, Dimensions, https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricStatistics.html;
Dimension combinations, https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_concepts.html#dimension-combinations).
moto 5.2.5 matches a GetMetricData query without dimensions to every metric of that name (whatever
its dimensions), one with dimensions regardless of its namespace, and GetMetricStatistics by a
subset of the dimensions. Here a query reads only the metric with its namespace, name and exactly
its set of dimensions: no dimensions reads only a metric published with none.

What a dimension may hold (Dimension, https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_Dimension.html):
a name of 1-255 characters, "only ASCII characters, must include at least one non-whitespace
character, and cannot start with a colon (:). ASCII control characters are not supported"; a
value of 1-1024 characters, "only ASCII characters and must include at least one non-whitespace
character. ASCII control characters are not supported"; "up to 30 dimensions to a metric".
PutMetricData, GetMetricData and GetMetricStatistics, which take that Dimension type, refuse
anything else with `InvalidParameterValue` (HTTP 400; PutMetricData's documented error for "the
value of an input parameter is bad or out-of-range",
https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html). ListMetrics
takes a DimensionFilter (name 1-255, value 1-1024 and optional,
https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DimensionFilter.html): only
its lengths are checked.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from moto.cloudwatch.exceptions import InvalidParameterValue
from moto.cloudwatch.models import CloudWatchBackend, Dimension, Statistics
from moto.cloudwatch.responses import CloudWatchResponse

from .moto_ext import wrap_action

MAX_DIMENSIONS = 30
MAX_NAME, MAX_VALUE = 255, 1024


def install() -> None:
    CloudWatchBackend.get_metric_statistics = get_metric_statistics
    wrap_action(CloudWatchResponse, "put_metric_data")(_checked_put)
    wrap_action(CloudWatchResponse, "get_metric_data")(_checked_get_data)
    wrap_action(CloudWatchResponse, "get_metric_statistics")(_checked_get_statistics)
    wrap_action(CloudWatchResponse, "list_metrics")(_checked_list)


def identity(dimensions: list[Any]) -> frozenset[tuple[str, str]]:
    """A metric's dimension set, from moto's `Dimension`s or the API's `{"Name", "Value"}`."""
    return frozenset((d.name, d.value) if isinstance(d, Dimension) else (d["Name"], d.get("Value"))
                     for d in dimensions or [])


def matches(datum: Any, namespace: str, name: str, dimensions: list[Any]) -> bool:
    return datum.namespace == namespace and datum.name == name and identity(datum.dimensions) == identity(dimensions)


# -- validation -----------------------------------------------------------------------------------

def dimension_problem(dimensions: list[dict] | None, where: str, value_required: bool = True,
                      ascii_only: bool = True) -> str | None:
    """Why these dimensions break the documented rules, or None."""
    dimensions = dimensions or []
    if len(dimensions) > MAX_DIMENSIONS:
        return f"The collection {where} must not have a size greater than {MAX_DIMENSIONS}."
    for n, dim in enumerate(dimensions, 1):
        for key, limit in (("Name", MAX_NAME), ("Value", MAX_VALUE)):
            text = dim.get(key)
            param = f"{where}.member.{n}.{key}"
            if text is None:
                if key == "Name" or value_required:
                    return f"The parameter {param} is required."
                continue
            if not 1 <= len(text) <= limit:
                return f"The parameter {param} must be between 1 and {limit} characters long."
            if not ascii_only:
                continue
            if any(ord(c) > 127 for c in text):
                return f"The value {text!r} for parameter {param} contains non-ASCII characters."
            if any(ord(c) < 32 or ord(c) == 127 for c in text):
                return f"The value {text!r} for parameter {param} contains ASCII control characters."
            if not text.strip():
                return f"The value for parameter {param} must contain at least one non-whitespace character."
            if key == "Name" and text.startswith(":"):
                return f"The value {text!r} for parameter {param} must not start with a colon."
    return None


def _refuse(problem: str | None) -> None:
    if problem:
        raise InvalidParameterValue(problem)


def _checked_put(self: CloudWatchResponse, original: Any) -> Any:
    for n, datum in enumerate(self._get_param("MetricData") or [], 1):
        _refuse(dimension_problem(datum.get("Dimensions"), f"MetricData.member.{n}.Dimensions"))
    return original()


def _checked_get_data(self: CloudWatchResponse, original: Any) -> Any:
    for n, query in enumerate(self._get_param("MetricDataQueries") or [], 1):
        metric = (query.get("MetricStat") or {}).get("Metric") or {}
        _refuse(dimension_problem(metric.get("Dimensions"),
                                  f"MetricDataQueries.member.{n}.MetricStat.Metric.Dimensions"))
    return original()


def _checked_get_statistics(self: CloudWatchResponse, original: Any) -> Any:
    _refuse(dimension_problem(self._get_param("Dimensions"), "Dimensions"))
    return original()


def _checked_list(self: CloudWatchResponse, original: Any) -> Any:
    _refuse(dimension_problem(self._get_params().get("Dimensions"), "Dimensions", value_required=False,
                              ascii_only=False))
    return original()


# -- exact matching -------------------------------------------------------------------------------

def get_metric_statistics(self: CloudWatchBackend, namespace: str, metric_name: str, start_time: datetime,
                          end_time: datetime, period: int, stats: list[str], dimensions: list[dict[str, str]],
                          unit: str | None = None) -> list[Statistics]:
    """moto's GetMetricStatistics (buckets of `period` from the first datapoint), exact on dimensions."""
    start_time = start_time.replace(microsecond=0)
    end_time = end_time.replace(microsecond=0)
    if start_time >= end_time:
        raise InvalidParameterValue("The parameter StartTime must be less than the parameter EndTime.")
    data = sorted((md for md in self.get_all_metrics()
                   if matches(md, namespace, metric_name, dimensions) and start_time <= md.timestamp < end_time
                   and (not unit or md.unit == unit)), key=lambda md: md.timestamp)
    buckets: dict[datetime, Statistics] = {}
    delta = timedelta(seconds=period)
    for md in data:
        slot = data[0].timestamp + ((md.timestamp - data[0].timestamp) // delta) * delta
        bucket = buckets.setdefault(slot, Statistics(stats, slot))
        bucket.metric_data.append(md)
        bucket.unit = md.unit
    return list(buckets.values())


def query_candidates(query: dict[str, Any], by_name: dict[str, list]) -> list:
    """The datapoints one MetricStat query reads: its exact metric, of its unit if it names one."""
    stat_spec = query["MetricStat"]
    metric = stat_spec["Metric"]
    unit = stat_spec.get("Unit")
    return [md for md in by_name.get(metric["MetricName"], [])
            if matches(md, metric["Namespace"], metric["MetricName"], metric.get("Dimensions", []))
            and (not unit or md.unit == unit)]

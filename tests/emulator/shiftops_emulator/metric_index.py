"""GetMetricData: each query reads its exact metric, in time linear in the data.

moto 5.2.5 scans every datapoint of the window for every query and every period (a call of 500
queries, which a fleet of a thousand tenants makes, took seconds of the emulator's single core),
and matches metrics more loosely than AWS (see cloudwatch_dimensions.py). Here the datapoints are
grouped once by metric name; each MetricStat query takes its exact metric's (namespace, name and
dimension set, `Unit` if given) and buckets them by period with moto's `Statistics`. Metric-math
expressions are evaluated over every MetricStat query's series (also those with
`ReturnData: false`) by `parse_expression` (metric_math.py); Metrics Insights `SELECT` queries stay
moto's. Results come in moto's order: MetricStat queries, then expressions, then `SELECT`s.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

import moto.cloudwatch.models as cw_models
from moto.cloudwatch.models import Statistics

from .cloudwatch_dimensions import query_candidates


def install() -> None:
    original = cw_models.CloudWatchBackend.get_metric_data

    def get_metric_data(self: Any, queries: list[dict[str, Any]], start_time: Any, end_time: Any,
                        scan_by: str = "TimestampAscending") -> list[dict[str, Any]]:
        start = start_time.replace(microsecond=0)
        end = end_time.replace(microsecond=0)
        if start >= end:
            return original(self, queries, start_time, end_time, scan_by)  # moto's own refusals
        by_name: dict[str, list] = defaultdict(list)
        for md in self.get_all_metrics():
            if start <= md.timestamp < end:
                by_name[md.name].append(md)
        series = [_query(q, by_name, start, end, scan_by) for q in queries if "MetricStat" in q]
        answer = [s for q, s in zip([q for q in queries if "MetricStat" in q], series) if q.get("ReturnData", True)]
        for query in queries:
            expression = query.get("Expression")
            if expression and not expression.startswith("SELECT"):
                values, stamps = cw_models.parse_expression(expression, series)
                answer.append({"id": query["Id"], "label": query.get("Label") or query["Id"], "values": values,
                               "timestamps": stamps, "status_code": "Complete"})
        insights = [q for q in queries if (q.get("Expression") or "").startswith("SELECT")]
        if insights:
            answer += original(self, insights, start_time, end_time, scan_by)
        return answer

    cw_models.CloudWatchBackend.get_metric_data = get_metric_data


def _query(query: dict[str, Any], by_name: dict[str, list], start: Any, end: Any, scan_by: str) -> dict:
    stat_spec = query["MetricStat"]
    delta = timedelta(seconds=int(stat_spec["Period"]))
    stat = stat_spec["Stat"]
    buckets: dict[int, list] = defaultdict(list)
    for md in query_candidates(query, by_name):
        buckets[(md.timestamp - start) // delta].append(md)
    values, stamps = [], []
    period_start, index = start, 0
    while period_start <= end:
        data = buckets.get(index)
        if data:
            stats = Statistics([stat], period_start)
            stats.metric_data = data
            values.append(stats.get_statistics_for_type(stat))
            stamps.append(stats.timestamp)
        period_start += delta
        index += 1
    if scan_by == "TimestampDescending" and stamps:
        stamps.reverse()
        values.reverse()
    name = stat_spec["Metric"]["MetricName"]
    return {"id": query["Id"], "label": query.get("Label") or f"{name} {stat}", "values": values,
            "timestamps": stamps, "status_code": "Complete"}

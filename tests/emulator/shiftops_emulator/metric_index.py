"""GetMetricData in time linear in the data, so fleet-scale tests measure the console.

moto 5.2.5 scans every datapoint of the window for every query and every period: a call of 500
queries (a fleet of a thousand tenants makes two or three) over an hour of one-minute periods
took seconds of the emulator's single core. For calls made only of MetricStat queries, the
datapoints are grouped once by metric name and each query buckets its own by period. The rules
are moto's: a query matches on namespace and name, or, when it has dimensions, on name and exact
dimensions (moto does not check the namespace then); `Unit` filters; statistics are moto's
`Statistics`; `ScanBy` and `ReturnData` as moto. Calls with expressions, or small ones, go to
moto's own code.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

import moto.cloudwatch.models as cw_models
from moto.cloudwatch.models import Dimension, Statistics

SMALL = 20


def install() -> None:
    original = cw_models.CloudWatchBackend.get_metric_data

    def get_metric_data(self: Any, queries: list[dict[str, Any]], start_time: Any, end_time: Any,
                        scan_by: str = "TimestampAscending") -> list[dict[str, Any]]:
        start = start_time.replace(microsecond=0)
        end = end_time.replace(microsecond=0)
        if len(queries) < SMALL or start >= end or any("MetricStat" not in q for q in queries):
            return original(self, queries, start_time, end_time, scan_by)
        by_name: dict[str, list] = defaultdict(list)
        for md in self.get_all_metrics():
            if start <= md.timestamp < end:
                by_name[md.name].append(md)
        return [result for q in queries if (result := _query(q, by_name, start, end, scan_by)) is not None]

    cw_models.CloudWatchBackend.get_metric_data = get_metric_data


def _query(query: dict[str, Any], by_name: dict[str, list], start: Any, end: Any, scan_by: str) -> dict | None:
    stat_spec = query["MetricStat"]
    metric = stat_spec["Metric"]
    namespace, name = metric["Namespace"], metric["MetricName"]
    delta = timedelta(seconds=int(stat_spec["Period"]))
    dimensions = sorted(Dimension(name=d["Name"], value=d["Value"]) for d in metric.get("Dimensions", []))
    unit, stat = stat_spec.get("Unit"), stat_spec["Stat"]
    candidates = [md for md in by_name.get(name, [])
                  if (sorted(md.dimensions) == dimensions if dimensions else md.namespace == namespace)]
    if unit:
        candidates = [md for md in candidates if md.unit == unit]
    buckets: dict[int, list] = defaultdict(list)
    for md in candidates:
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
    if not query.get("ReturnData", True):
        return None
    return {"id": query["Id"], "label": query.get("Label") or f"{name} {stat}", "values": values,
            "timestamps": stamps, "status_code": "Complete"}

"""ListMetrics: each metric once.

moto 5.2.5 stores every datapoint and de-duplicates ListMetrics with a comparison that
only works for metrics with exactly one dimension, so a metric with two dimensions
(`ClusterIdentifier` + `QueueName`) or none is listed once per datapoint — an hour of
1-minute data lists it 60 times and pages at 500. Here a metric is its namespace, name
and set of dimensions, listed once, in first-seen order; filters (Namespace,
MetricName, Dimensions) and moto's 500-per-page NextToken behave as before.
"""

from __future__ import annotations

from typing import Any

from moto.cloudwatch.models import CloudWatchBackend


def install() -> None:
    CloudWatchBackend.get_filtered_metrics = get_filtered_metrics


def get_filtered_metrics(self: CloudWatchBackend, metric_name: str, namespace: str,
                         dimensions: list[dict[str, str]]) -> list[Any]:
    seen: set[tuple] = set()
    unique = []
    for datum in self.get_all_metrics():
        if not datum.filter(namespace=namespace, name=metric_name, dimensions=dimensions):
            continue
        key = (datum.namespace, datum.name, frozenset((d.name, d.value) for d in datum.dimensions))
        if key not in seen:
            seen.add(key)
            unique.append(datum)
    return unique

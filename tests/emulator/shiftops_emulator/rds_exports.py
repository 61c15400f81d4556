"""RDS snapshot export tasks: AWS's status words, and staged states for tests.

moto 5.2.5 completes every StartExportTask at once with status `complete` (lower
case, where AWS says COMPLETE / FAILED / IN_PROGRESS / STARTING / CANCELED) and
without PercentProgress, TaskStartTime, TaskEndTime or SnapshotTime. New tasks here
read `COMPLETE`, 100 %, with start/end times; CancelExportTask gives `CANCELED`.
`POST /_shiftops/rds/export-task-state` (see `set_state`) stages FAILED or
IN_PROGRESS with a FailureCause and PercentProgress.

moto also returns every task in one answer and ignores MaxRecords; AWS answers a page
of MaxRecords (default 100, "Constraints: Minimum 20, maximum 100") and a Marker for
the rest
(https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeExportTasks.html),
so DescribeExportTasks pages here, in start order, and refuses a MaxRecords out of range.
"""

from __future__ import annotations

from typing import Any

from moto.rds import models as rds_models
from moto.rds.models import rds_backends
from moto.rds.responses import RDSResponse

from .moto_ext import ServiceError, add_action, page, result, utcnow


def install() -> None:
    original_init = rds_models.ExportTask.__init__

    def __init__(self: Any, backend: Any, snapshot: Any, kwargs: dict) -> None:
        original_init(self, backend, snapshot, kwargs)
        now = utcnow()
        self.status = "COMPLETE"
        self.percent_progress = 100
        self.task_start_time = now
        self.task_end_time = now
        self.snapshot_time = getattr(snapshot, "created", None) or now
        self.total_extracted_data_in_gb = 1
        self.failure_cause = None
        self.warning_message = None

    rds_models.ExportTask.__init__ = __init__
    original_cancel = rds_models.RDSBackend.cancel_export_task

    def cancel_export_task(self: Any, export_task_identifier: str) -> Any:
        task = original_cancel(self, export_task_identifier)
        task.status = "CANCELED"
        return task

    rds_models.RDSBackend.cancel_export_task = cancel_export_task
    add_action(RDSResponse, "describe_export_tasks")(describe_export_tasks)


def describe_export_tasks(self: RDSResponse):
    size = self._get_param("MaxRecords")
    if size is not None and not 20 <= int(size) <= 100:
        raise ServiceError("InvalidParameterValue",
                           f"Invalid value {size} for MaxRecords. Must be between 20 and 100")
    tasks = sorted(self.backend.describe_export_tasks(self._get_param("ExportTaskIdentifier")),
                   key=lambda t: t.task_start_time)
    chunk, marker = page(tasks, self._get_param("Marker"), size, 100)
    out: dict[str, Any] = {"ExportTasks": chunk}
    if marker:
        out["Marker"] = marker
    return result(out)


def set_state(account: str, region: str, ident: str, status: str, failure_cause: str | None,
              percent_progress: int | None) -> dict:
    """Stage an export task's Status, FailureCause and PercentProgress."""
    tasks = rds_backends[account][region].export_tasks
    if ident not in tasks:
        raise ServiceError("ExportTaskNotFound", f"Export task {ident} not found.")
    task = tasks[ident]
    task.status = status
    task.failure_cause = failure_cause
    if percent_progress is not None:
        task.percent_progress = int(percent_progress)
    if status in ("IN_PROGRESS", "STARTING"):
        task.task_end_time = None
    return {"ExportTaskIdentifier": ident, "Status": task.status, "FailureCause": task.failure_cause,
            "PercentProgress": task.percent_progress}

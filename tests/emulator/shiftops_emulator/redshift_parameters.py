"""Redshift cluster parameter groups: ModifyClusterParameterGroup and real parameters.

moto 5.2.5 has no ModifyClusterParameterGroup (HTTP 500), and its
DescribeClusterParameters returns the same fixed defaults for every group. Here
ModifyClusterParameterGroup / ResetClusterParameterGroup keep the group's parameters on
moto's own ParameterGroup object, and DescribeClusterParameters returns the defaults
(with the ones shiftops reads, such as `enable_case_sensitive_identifier`, added)
overlaid by the user-set values with `Source=user`; it honours Source
(user | engine-default | all) and MaxRecords / Marker.

As strict as AWS:
* A default parameter group (`default.<family>`, such as `default.redshift-1.0`, which a
  cluster created without a group uses) cannot be modified or reset: "The default parameter
  group has preset values for each of its parameters, and it cannot be modified."
  ("Amazon Redshift parameter groups", Management Guide,
  https://docs.aws.amazon.com/redshift/latest/mgmt/working-with-parameter-groups.html).
  No page names the error code. The emulator answers `InvalidParameterValue` (HTTP 400,
  "An invalid or out-of-range value was supplied for the input parameter", "Common Errors -
  Amazon Redshift", https://docs.aws.amazon.com/redshift/latest/APIReference/CommonErrors.html)
  with "Cannot modify a default parameter group.", which is what RDS, whose query API
  Redshift's follows, answers to ModifyDBParameterGroup on a default group. The one 400 the
  two operations model, InvalidClusterParameterGroupState, is documented as a passing state
  ("another task is in progress ... Wait a few moments and try the operation again"), and a
  client that retries it would retry a permanent refusal for ever.
* "A maximum of 20 parameters can be modified in a single request" / "reset in a single
  request" (ModifyClusterParameterGroup, ResetClusterParameterGroup - Amazon Redshift API
  Reference, https://docs.aws.amazon.com/redshift/latest/APIReference/API_ModifyClusterParameterGroup.html,
  https://docs.aws.amazon.com/redshift/latest/APIReference/API_ResetClusterParameterGroup.html).
* `wlm_json_configuration` must pass the documented WLM rules (redshift_wlm.py).
"""

from __future__ import annotations

from typing import Any

from moto.redshift.exceptions import ClusterParameterGroupNotFoundError
from moto.redshift.responses import RedshiftResponse

from . import redshift_wlm
from .moto_ext import ServiceError, add_action, page, result

STATUS = (
    "Your parameter group has been updated. If you changed only dynamic parameters, associated clusters "
    "are being modified now. If you changed static parameters, all updates, including dynamic parameters, "
    "will be applied when you reboot the associated clusters."
)
EXTRA_DEFAULTS = {
    "enable_case_sensitive_identifier": ("false", "boolean", "static"),
    "max_cursor_result_set_size": ("default", "integer", "static"),
}
MAX_PARAMETERS = 20


def install() -> None:
    add_action(RedshiftResponse, "modify_cluster_parameter_group")(modify_cluster_parameter_group)
    add_action(RedshiftResponse, "reset_cluster_parameter_group")(reset_cluster_parameter_group)
    add_action(RedshiftResponse, "describe_cluster_parameters")(describe_cluster_parameters)


def _group(response: RedshiftResponse, name: str) -> Any:
    groups = response.redshift_backend.parameter_groups
    if name not in groups:
        raise ClusterParameterGroupNotFoundError(name)
    return groups[name]


def _changeable(response: RedshiftResponse, name: str, params: list) -> Any:
    """The group to modify or reset; refuses a default group and more than 20 parameters."""
    group = _group(response, name)
    if name.startswith("default."):
        raise ServiceError("InvalidParameterValue", "Cannot modify a default parameter group.")
    if len(params) > MAX_PARAMETERS:
        raise ServiceError("InvalidParameterValue",
                           f"A maximum of {MAX_PARAMETERS} parameters can be modified in a single request.")
    return group


def user_parameters(group: Any) -> dict[str, dict]:
    return group.__dict__.setdefault("_shiftops_parameters", {})


def modify_cluster_parameter_group(self: RedshiftResponse):
    name = self._get_param("ParameterGroupName")
    params = self._get_param("Parameters") or []
    group = _changeable(self, name, params)
    if not params:
        raise ServiceError("InvalidParameterValue", "Parameters must not be empty.")
    for param in params:
        if not param.get("ParameterName"):
            raise ServiceError("InvalidParameterValue", "ParameterName is required.")
        if param["ParameterName"] == redshift_wlm.PARAMETER:
            redshift_wlm.validate(param.get("ParameterValue"))
    for param in params:  # all or nothing: nothing is kept when one value is refused
        user_parameters(group)[param["ParameterName"]] = dict(param)
    return result({"ParameterGroupName": name, "ParameterGroupStatus": STATUS})


def reset_cluster_parameter_group(self: RedshiftResponse):
    name = self._get_param("ParameterGroupName")
    params = self._get_param("Parameters") or []
    group = _changeable(self, name, params)
    if self._get_param("ResetAllParameters"):
        user_parameters(group).clear()
    for param in params:
        user_parameters(group).pop(param.get("ParameterName"), None)
    return result({"ParameterGroupName": name, "ParameterGroupStatus": STATUS})


def _defaults(backend: Any) -> dict[str, dict]:
    rows = {p["ParameterName"]: dict(p) for p in backend.describe_default_cluster_parameters()}
    for name, (value, kind, apply) in EXTRA_DEFAULTS.items():
        rows.setdefault(name, {"ParameterName": name, "ParameterValue": value, "Description": name,
                               "Source": "engine-default", "DataType": kind, "ApplyType": apply,
                               "IsModifiable": True})
    for row in rows.values():
        row["IsModifiable"] = str(row.get("IsModifiable")).lower() == "true"
        if row["ParameterName"] == "wlm_json_configuration":
            row["ApplyType"] = "dynamic"
    return rows


def describe_cluster_parameters(self: RedshiftResponse):
    group = _group(self, self._get_param("ParameterGroupName"))
    rows = _defaults(self.redshift_backend)
    for name, param in user_parameters(group).items():
        row = rows.setdefault(name, {"ParameterName": name, "Description": name, "DataType": "string",
                                     "ApplyType": "static", "IsModifiable": True})
        row["ParameterValue"] = param.get("ParameterValue")
        row["Source"] = "user"
        if param.get("ApplyType"):
            row["ApplyType"] = param["ApplyType"]
    source = self._get_param("Source")
    params = sorted(rows.values(), key=lambda r: r["ParameterName"])
    if source and source != "all":
        params = [p for p in params if p["Source"] == source]
    chunk, marker = page(params, self._get_param("Marker"), self._get_param("MaxRecords"), 100)
    out: dict[str, Any] = {"Parameters": chunk}
    if marker:
        out["Marker"] = marker
    return result(out)

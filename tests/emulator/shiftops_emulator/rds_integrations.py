"""RDS zero-ETL integrations, which moto 5.2.5 lacks entirely (HTTP 500).

CreateIntegration / DescribeIntegrations / ModifyIntegration / DeleteIntegration,
answered in RDS's awsQuery XML by moto's serializer from botocore's model, so the
fields are the real ones: IntegrationName, IntegrationArn
(`arn:aws:rds:<region>:<account>:integration:<uuid>`), SourceArn, TargetArn, Status,
Errors[ErrorCode, ErrorMessage], CreateTime, DataFilter, Description, KMSKeyId,
AdditionalEncryptionContext, Tags. Stored per account and region.

CreateIntegration answers `creating` (as AWS does) and the integration reads
`active` from then on, unless a test stages another state through
`POST /_shiftops/rds/integration-state` (see `set_state`). The source cluster must
exist when the SourceArn is in the caller's account (DBClusterNotFoundFault).
DescribeIntegrations takes IntegrationIdentifier (name or ARN), Filters
(integration-identifier, integration-name, source-arn, target-arn, status) and
MaxRecords / Marker.
"""

from __future__ import annotations

import copy
import uuid
from typing import Any

from moto.rds.models import rds_backends
from moto.rds.responses import RDSResponse

from .moto_ext import ServiceError, add_action, page, result, store_dict, utcnow

STORE = store_dict("rds")


def install() -> None:
    add_action(RDSResponse, "create_integration")(create_integration)
    add_action(RDSResponse, "describe_integrations")(describe_integrations)
    add_action(RDSResponse, "modify_integration")(modify_integration)
    add_action(RDSResponse, "delete_integration")(delete_integration)


def _integrations(account: str, region: str) -> dict[str, dict]:
    return STORE[account][region].items


def _find(account: str, region: str, identifier: str) -> dict:
    for integ in _integrations(account, region).values():
        if identifier in (integ["IntegrationName"], integ["IntegrationArn"], integ["IntegrationArn"].rsplit(":", 1)[-1]):
            return integ
    raise ServiceError("IntegrationNotFoundFault", f"Integration {identifier} not found.")


def create_integration(self: RDSResponse):
    name = self._get_param("IntegrationName")
    source = self._get_param("SourceArn")
    target = self._get_param("TargetArn")
    if not (name and source and target):
        raise ServiceError("InvalidParameterValue", "IntegrationName, SourceArn and TargetArn are required.")
    store = _integrations(self.current_account, self.region)
    if any(i["IntegrationName"] == name for i in store.values()):
        raise ServiceError("IntegrationAlreadyExistsFault", f"Integration {name} already exists.")
    _check_source(self.current_account, self.region, source)
    ident = str(uuid.uuid4())
    integ = {
        "IntegrationName": name,
        "IntegrationArn": f"arn:aws:rds:{self.region}:{self.current_account}:integration:{ident}",
        "SourceArn": source,
        "TargetArn": target,
        "Status": "creating",
        "Errors": [],
        "CreateTime": utcnow(),
        "DataFilter": self._get_param("DataFilter") or "include: *.*",
        "Description": self._get_param("Description"),
        "KMSKeyId": self._get_param("KMSKeyId") or f"arn:aws:kms:{self.region}:{self.current_account}:key/{uuid.uuid4()}",
        "AdditionalEncryptionContext": self._get_param("AdditionalEncryptionContext"),
        "Tags": self._get_param("Tags") or [],
    }
    store[ident] = integ
    answer = copy.deepcopy(integ)
    integ["Status"] = "active"
    return result(answer)


def _check_source(account: str, region: str, source_arn: str) -> None:
    parts = source_arn.split(":")
    if len(parts) == 7 and parts[4] == account and parts[5] == "cluster":
        if parts[6] not in rds_backends[account][region].clusters:
            raise ServiceError("DBClusterNotFoundFault", f"DBCluster {parts[6]} not found.")


_FILTERS = {
    "integration-identifier": lambda i: {i["IntegrationName"], i["IntegrationArn"]},
    "integration-name": lambda i: {i["IntegrationName"]},
    "source-arn": lambda i: {i["SourceArn"]},
    "target-arn": lambda i: {i["TargetArn"]},
    "status": lambda i: {i["Status"]},
}


def describe_integrations(self: RDSResponse):
    ident = self._get_param("IntegrationIdentifier")
    if ident:
        found = [_find(self.current_account, self.region, ident)]
    else:
        found = sorted(_integrations(self.current_account, self.region).values(), key=lambda i: i["CreateTime"])
    for flt in self._get_param("Filters") or []:
        keys = _FILTERS.get(flt.get("Name", ""))
        if keys is None:
            raise ServiceError("InvalidParameterValue", f"Unrecognized filter name: {flt.get('Name')}")
        wanted = set(flt.get("Values") or [])
        found = [i for i in found if keys(i) & wanted]
    chunk, marker = page(found, self._get_param("Marker"), self._get_param("MaxRecords"), 100)
    out: dict[str, Any] = {"Integrations": chunk}
    if marker:
        out["Marker"] = marker
    return result(out)


def modify_integration(self: RDSResponse):
    integ = _find(self.current_account, self.region, self._get_param("IntegrationIdentifier"))
    for key in ("IntegrationName", "DataFilter", "Description"):
        value = self._get_param(key)
        if value is not None:
            integ[key] = value
    answer = copy.deepcopy(integ)
    answer["Status"] = "modifying"
    return result(answer)


def delete_integration(self: RDSResponse):
    integ = _find(self.current_account, self.region, self._get_param("IntegrationIdentifier"))
    if integ["Status"] == "deleting":
        raise ServiceError("InvalidIntegrationStateFault", "The integration is already being deleted.")
    _integrations(self.current_account, self.region).pop(integ["IntegrationArn"].rsplit(":", 1)[-1])
    answer = copy.deepcopy(integ)
    answer["Status"] = "deleting"
    return result(answer)


def set_state(account: str, region: str, name: str, status: str, errors: list[dict] | None,
              lag_ms: int | None = None) -> dict:
    """Stage an integration's Status and Errors (the control endpoint), and the `current_lag` its
    target's SVV_INTEGRATION shows (`svv_integration.py`) when `lag_ms` is given."""
    integ = _find(account, region, name)
    integ["Status"] = status
    if lag_ms is not None:
        from . import svv_integration  # imports this module

        svv_integration.set_lag(integ["IntegrationArn"], int(lag_ms))
    integ["Errors"] = [{"ErrorCode": e["ErrorCode"], "ErrorMessage": e.get("ErrorMessage", "")} for e in errors or []]
    return {"IntegrationName": integ["IntegrationName"], "IntegrationArn": integ["IntegrationArn"],
            "Status": integ["Status"], "Errors": integ["Errors"]}

"""Redshift's DescribeInboundIntegrations, which moto 5.2.5 lacks: the warehouse side of every
Zero-ETL integration, read once in the warehouse's own account whatever account each source is in.

The API ("Returns a list of inbound integrations",
https://docs.aws.amazon.com/redshift/latest/APIReference/API_DescribeInboundIntegrations.html)
takes IntegrationArn, TargetArn, MaxRecords ("minimum 20, maximum 100", default 100) and Marker,
and answers InboundIntegrations of IntegrationArn, SourceArn, TargetArn, Status, Errors and
CreateTime (https://docs.aws.amazon.com/redshift/latest/APIReference/API_InboundIntegration.html).
Its errors, from botocore's model: InvalidNamespaceFault ("the namespace doesn't exist"),
IntegrationNotFoundFault, UnsupportedOperation.

The integrations are rds_integrations.py's, in every account: an integration is inbound to the
caller when its TargetArn is a namespace of the caller's account and region — a provisioned
cluster's ClusterNamespaceArn (redshift_clusters.py) or a Serverless namespace's namespaceArn.
A TargetArn that is none of them is refused with InvalidNamespaceFault, never answered empty.
"""

from __future__ import annotations

import re
from typing import Any

from moto.redshift.models import redshift_backends
from moto.redshift.responses import RedshiftResponse

from . import rds_integrations, redshift_clusters, redshift_serverless
from .moto_ext import ServiceError, add_action, page, result

# The TargetArn pattern of the API reference.
_TARGET_ARN = re.compile(r"^arn:aws[a-z\-]*:redshift(-serverless)?:[a-z0-9\-]+:[0-9]{12}:(namespace/|namespace:)[a-z0-9\-]+$")
_INTEGRATION_ARN = re.compile(
    r"^arn:aws[a-z\-]*:.+:[a-z0-9\-]*:[0-9]*:integration:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
)


def install() -> None:
    add_action(RedshiftResponse, "describe_inbound_integrations")(describe_inbound_integrations)


def own_namespaces(account: str, region: str) -> set[str]:
    """The namespace ARNs of the caller's clusters and Serverless namespaces in a region."""
    arns = {
        redshift_clusters.namespace_arn(account, region, cluster_id)
        for cluster_id in redshift_backends[account][region].clusters
    }
    arns.update(redshift_serverless.namespace_arns(account, region))
    return arns


def _every_integration() -> list[dict]:
    found = []
    for _account, regions in list(rds_integrations.STORE.items()):
        for _region, store in list(regions.items()):
            found.extend(store.items.values())
    return found


def describe_inbound_integrations(self: RedshiftResponse):
    target = self._get_param("TargetArn")
    integration_arn = self._get_param("IntegrationArn")
    max_records = self._get_param("MaxRecords")
    if max_records is not None and not 20 <= int(max_records) <= 100:
        raise ServiceError("InvalidParameterValue", "MaxRecords must be between 20 and 100.")
    namespaces = own_namespaces(self.current_account, self.region)
    if target is not None:
        if not _TARGET_ARN.match(target) or target not in namespaces:
            raise ServiceError("InvalidNamespaceFault", f"Namespace {target} doesn't exist.")
        namespaces = {target}
    if integration_arn is not None and not _INTEGRATION_ARN.match(integration_arn):
        raise ServiceError("InvalidParameterValue", f"Invalid IntegrationArn: {integration_arn}")
    found = [i for i in _every_integration() if i["TargetArn"] in namespaces]
    if integration_arn is not None:
        found = [i for i in found if i["IntegrationArn"] == integration_arn]
        if not found:
            raise ServiceError("IntegrationNotFoundFault", f"Integration {integration_arn} not found.")
    found.sort(key=lambda i: i["CreateTime"])
    chunk, marker = page(found, self._get_param("Marker"), max_records, 100)
    out: dict[str, Any] = {"InboundIntegrations": [_inbound(i) for i in chunk]}
    if marker:
        out["Marker"] = marker
    return result(out)


def _inbound(integration: dict) -> dict:
    return {
        key: integration[key]
        for key in ("IntegrationArn", "SourceArn", "TargetArn", "Status", "Errors", "CreateTime")
        if integration.get(key) not in (None, [])
    }

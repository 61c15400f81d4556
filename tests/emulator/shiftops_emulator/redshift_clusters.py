"""Provisioned clusters: the namespace ARN a Zero-ETL integration names as its target.

moto 5.2.5's DescribeClusters has no `ClusterNamespaceArn`, "The namespace Amazon Resource Name
(ARN) of the cluster" (Cluster data type, Amazon Redshift API Reference,
https://docs.aws.amazon.com/redshift/latest/APIReference/API_Cluster.html). A Zero-ETL
integration into a provisioned cluster names that ARN as its `TargetArn`, so without it nobody
can tell which warehouse an integration replicates into. The ARN takes AWS's form
`arn:aws:redshift:<region>:<account>:namespace:<uuid>`, the uuid fixed by the account, region and
cluster identifier so that it is the same on every call.
"""

from __future__ import annotations

import uuid

from moto.redshift.models import Cluster

_NAMESPACE = uuid.UUID("5f0c6a52-3c0e-4c43-9f3a-2b8f0a7e6d11")


def namespace_arn(account: str, region: str, cluster_identifier: str) -> str:
    ident = uuid.uuid5(_NAMESPACE, f"{account}/{region}/{cluster_identifier}")
    return f"arn:aws:redshift:{region}:{account}:namespace:{ident}"


def _cluster_namespace_arn(self: Cluster) -> str:
    return namespace_arn(self.account_id, self.region, self.cluster_identifier)


def install() -> None:
    Cluster.cluster_namespace_arn = property(_cluster_namespace_arn)

"""Redshift Serverless namespaces and workgroups, a service moto 5.2.5 does not have.

A small moto-style service: `RedshiftServerlessResponse` is a moto `BaseResponse`
(so parsing, accounts, regions and the awsJson1_1 wire format come from moto and
botocore's model — note the model makes `creationDate` an ISO-8601 *string*, not an
epoch number), served by its own little Flask app because moto's dispatcher has no
route for `redshift-serverless`. State is per account and region in a moto
BackendDict (cleared by `/moto-api/reset`).

Operations: CreateNamespace, GetNamespace, ListNamespaces, DeleteNamespace,
CreateWorkgroup, GetWorkgroup, ListWorkgroups, UpdateWorkgroup (configParameters
merged by parameterKey, baseCapacity, maxCapacity, ...), DeleteWorkgroup.

configParameters as AWS models them (`check_config`): only the documented keys, values of the
documented form, and a `wlm_json_configuration` of Serverless query queues
(`redshift_wlm.validate_serverless`); anything else is a `ValidationException` and nothing of
the request is kept. GetWorkgroup returns what was stored.
"""

from __future__ import annotations

import copy
import re
import uuid

from flask import Flask
from moto.core.responses import BaseResponse
from moto.core.utils import convert_to_flask_response
from moto.moto_server.werkzeug_app import BackendRequest

from . import redshift_wlm
from .moto_ext import ServiceError, Store, page, result, store_dict, utcnow


class ServerlessStore(Store):
    def __init__(self, region_name: str, account_id: str):
        super().__init__(region_name, account_id)
        self.namespaces: dict[str, dict] = {}
        self.workgroups: dict[str, dict] = {}


STORE = store_dict("redshift-serverless", ServerlessStore)

DEFAULT_CONFIG = [
    {"parameterKey": "auto_mv", "parameterValue": "true"},
    {"parameterKey": "datestyle", "parameterValue": "ISO, MDY"},
    {"parameterKey": "enable_case_sensitive_identifier", "parameterValue": "false"},
    {"parameterKey": "enable_user_activity_logging", "parameterValue": "true"},
    {"parameterKey": "max_query_execution_time", "parameterValue": "14400"},
    {"parameterKey": "query_group", "parameterValue": "default"},
    {"parameterKey": "require_ssl", "parameterValue": "true"},
    {"parameterKey": "search_path", "parameterValue": "$user, public"},
    {"parameterKey": "use_fips_ssl", "parameterValue": "false"},
]
# The keys CreateWorkgroup / UpdateWorkgroup take: "The options are auto_mv, datestyle,
# enable_case_sensitive_identifier, enable_user_activity_logging, query_group, search_path,
# require_ssl, use_fips_ssl, and either wlm_json_configuration or query monitoring metrics that let
# you define performance boundaries. You can either specify individual query monitoring metrics
# (such as max_scan_row_count, max_query_execution_time) or use wlm_json_configuration to define
# query queues with rules, but not both." (botocore redshift-serverless 2021-04-21 service-2.json,
# ConfigParameter; https://docs.aws.amazon.com/redshift-serverless/latest/APIReference/API_ConfigParameter.html).
# The metrics are those of "Query monitoring metrics for Amazon Redshift Serverless"
# (https://docs.aws.amazon.com/redshift/latest/mgmt/serverless-monitoring.html), each the `max_` of a
# query monitoring rule metric with the same valid range (redshift_wlm.METRICS).
BOOLEAN_KEYS = ("auto_mv", "enable_case_sensitive_identifier", "enable_user_activity_logging", "require_ssl",
                "use_fips_ssl")
TEXT_KEYS = ("query_group", "search_path")
QMR_KEYS = tuple(f"max_{metric}" for metric in ("query_cpu_time", "query_blocks_read", "scan_row_count",
                                                "query_execution_time", "query_queue_time",
                                                "query_cpu_usage_percent", "query_temp_blocks_to_disk",
                                                "join_row_count", "nested_loop_join_row_count"))
CONFIG_KEYS = (*BOOLEAN_KEYS, *TEXT_KEYS, "datestyle", redshift_wlm.PARAMETER, *QMR_KEYS)
# DateStyle: "Format specification (ISO, Postgres, SQL, or German), and year/month/day ordering
# (DMY, MDY, YMD)." (https://docs.aws.amazon.com/redshift/latest/dg/r_datestyle.html)
DATESTYLE = re.compile(r"(?i)\s*(ISO|Postgres|SQL|German)\s*,\s*(DMY|MDY|YMD)\s*")
WORKGROUP_INPUTS = ("baseCapacity", "maxCapacity", "enhancedVpcRouting", "publiclyAccessible", "port",
                    "securityGroupIds", "subnetIds", "trackName", "ipAddressType", "pricePerformanceTarget",
                    "extraComputeForAutomaticOptimization")


class RedshiftServerlessResponse(BaseResponse):
    def __init__(self) -> None:
        super().__init__(service_name="redshift-serverless")

    @property
    def store(self) -> ServerlessStore:
        return STORE[self.current_account][self.region]

    def _namespace(self, name: str) -> dict:
        if name not in self.store.namespaces:
            raise ServiceError("ResourceNotFoundException", f"Namespace {name} does not exist.")
        return self.store.namespaces[name]

    def _workgroup(self, name: str) -> dict:
        if name not in self.store.workgroups:
            raise ServiceError("ResourceNotFoundException", f"Workgroup {name} does not exist.")
        return self.store.workgroups[name]

    def create_namespace(self):
        name = self._get_param("namespaceName")
        if name in self.store.namespaces:
            raise ServiceError("ConflictException", f"Namespace {name} already exists.")
        ident = str(uuid.uuid4())
        namespace = {
            "namespaceName": name,
            "namespaceId": ident,
            "namespaceArn": f"arn:aws:redshift-serverless:{self.region}:{self.current_account}:namespace/{ident}",
            "adminUsername": self._get_param("adminUsername") or "admin",
            "dbName": self._get_param("dbName") or "dev",
            "defaultIamRoleArn": self._get_param("defaultIamRoleArn"),
            "iamRoles": self._get_param("iamRoles") or [],
            "kmsKeyId": self._get_param("kmsKeyId") or "AWS_OWNED_KMS_KEY",
            "logExports": self._get_param("logExports") or [],
            "status": "AVAILABLE",
            "creationDate": utcnow(),
        }
        self.store.namespaces[name] = namespace
        return result({"namespace": namespace})

    def get_namespace(self):
        return result({"namespace": self._namespace(self._get_param("namespaceName"))})

    def list_namespaces(self):
        items = sorted(self.store.namespaces.values(), key=lambda n: n["creationDate"])
        chunk, token = page(items, self._get_param("nextToken"), self._get_param("maxResults"), 100)
        return result({"namespaces": chunk, **({"nextToken": token} if token else {})})

    def delete_namespace(self):
        name = self._get_param("namespaceName")
        namespace = self._namespace(name)
        if any(w["namespaceName"] == name for w in self.store.workgroups.values()):
            raise ServiceError("ConflictException", f"Namespace {name} has workgroups; delete them first.")
        del self.store.namespaces[name]
        return result({"namespace": dict(namespace, status="DELETING")})

    def create_workgroup(self):
        name = self._get_param("workgroupName")
        namespace = self._get_param("namespaceName")
        self._namespace(namespace)
        if name in self.store.workgroups:
            raise ServiceError("ConflictException", f"Workgroup {name} already exists.")
        ident = str(uuid.uuid4())
        port = self._get_param("port") or 5439
        workgroup = {
            "workgroupName": name,
            "workgroupId": ident,
            "workgroupArn": f"arn:aws:redshift-serverless:{self.region}:{self.current_account}:workgroup/{ident}",
            "namespaceName": namespace,
            "baseCapacity": self._get_param("baseCapacity") or 128,
            "maxCapacity": self._get_param("maxCapacity"),
            "enhancedVpcRouting": bool(self._get_param("enhancedVpcRouting")),
            "publiclyAccessible": bool(self._get_param("publiclyAccessible")),
            "port": port,
            "configParameters": copy.deepcopy(DEFAULT_CONFIG),
            "securityGroupIds": self._get_param("securityGroupIds") or [],
            "subnetIds": self._get_param("subnetIds") or [],
            "endpoint": {
                "address": f"{name}.{self.current_account}.{self.region}.redshift-serverless.amazonaws.com",
                "port": port,
            },
            "status": "AVAILABLE",
            "creationDate": utcnow(),
            "trackName": self._get_param("trackName") or "current",
            "workgroupVersion": "1.0.78890",
            "patchVersion": "patch 189",
        }
        _merge_config(workgroup, check_config(self._get_param("configParameters")))
        self.store.workgroups[name] = workgroup
        return result({"workgroup": workgroup})

    def get_workgroup(self):
        return result({"workgroup": self._workgroup(self._get_param("workgroupName"))})

    def list_workgroups(self):
        items = sorted(self.store.workgroups.values(), key=lambda w: w["creationDate"])
        chunk, token = page(items, self._get_param("nextToken"), self._get_param("maxResults"), 100)
        return result({"workgroups": chunk, **({"nextToken": token} if token else {})})

    def update_workgroup(self):
        workgroup = self._workgroup(self._get_param("workgroupName"))
        config = check_config(self._get_param("configParameters"))  # before anything of the request is kept
        for key in WORKGROUP_INPUTS:
            value = self._get_param(key)
            if value is not None:
                workgroup[key] = value
        if self._get_param("port"):
            workgroup["endpoint"]["port"] = workgroup["port"]
        _merge_config(workgroup, config)
        return result({"workgroup": workgroup})

    def delete_workgroup(self):
        name = self._get_param("workgroupName")
        workgroup = self._workgroup(name)
        del self.store.workgroups[name]
        return result({"workgroup": dict(workgroup, status="DELETING")})


def check_config(params: list[dict] | None) -> list[dict]:
    """The request's configParameters, or `ValidationException` for the first AWS would refuse."""
    params = params or []
    keys = [p.get("parameterKey") if isinstance(p, dict) else None for p in params]
    for param, key in zip(params, keys):
        if key not in CONFIG_KEYS:
            raise ServiceError("ValidationException",
                               f"Unknown parameterKey {key!r}. Valid keys are: {', '.join(CONFIG_KEYS)}.")
        value = param.get("parameterValue")
        if not isinstance(value, str):
            raise ServiceError("ValidationException", f"parameterValue of {key} must be a string.")
        _check_value(key, value)
    if redshift_wlm.PARAMETER in keys and any(k in QMR_KEYS for k in keys):
        raise ServiceError("ValidationException", "Specify either query monitoring metrics or "
                                                  "wlm_json_configuration, not both.")
    if len(set(keys)) != len(keys):
        raise ServiceError("ValidationException", "Each parameterKey may be given once.")
    return params


def _check_value(key: str, value: str) -> None:
    if key in BOOLEAN_KEYS and value.lower() not in ("true", "false"):
        raise ServiceError("ValidationException", f"{key} must be true or false, not {value!r}.")
    if key == "datestyle" and not DATESTYLE.fullmatch(value):
        raise ServiceError("ValidationException", f"datestyle must be like 'ISO, MDY', not {value!r}.")
    if key in QMR_KEYS:
        limit = redshift_wlm.METRICS[key[len("max_"):]]
        if not value.isdigit() or not 0 <= int(value) <= limit:
            raise ServiceError("ValidationException", f"{key} must be an integer from 0 to {limit}, not {value!r}.")
    if key == redshift_wlm.PARAMETER:
        redshift_wlm.validate_serverless(value)


def _merge_config(workgroup: dict, params: list[dict] | None) -> None:
    for param in params or []:
        for existing in workgroup["configParameters"]:
            if existing["parameterKey"] == param.get("parameterKey"):
                existing["parameterValue"] = param.get("parameterValue")
                break
        else:
            workgroup["configParameters"].append(
                {"parameterKey": param.get("parameterKey"), "parameterValue": param.get("parameterValue")}
            )


def workgroup_names(account: str, region: str) -> list[str]:
    return list(STORE[account][region].workgroups)


def namespace_arns(account: str, region: str) -> list[str]:
    return [namespace["namespaceArn"] for namespace in STORE[account][region].namespaces.values()]


def namespace_arn(account: str, region: str, name: str) -> str | None:
    namespace = STORE[account][region].namespaces.get(name)
    return namespace["namespaceArn"] if namespace else None


def build_app() -> Flask:
    app = Flask("shiftops-redshift-serverless")
    app.request_class = BackendRequest
    app.add_url_rule("/", endpoint="dispatch", methods=["POST"],
                     view_func=convert_to_flask_response(RedshiftServerlessResponse.dispatch))
    return app


def install() -> None:
    """Nothing to patch: `app.py` routes `redshift-serverless` requests to `build_app()`."""



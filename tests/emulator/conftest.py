"""pytest fixtures: one emulator process for the session, reset before each test."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request

import boto3
import pytest
from botocore.config import Config

HERE = os.path.dirname(os.path.abspath(__file__))
CENTRAL = "999999999999"


def start_emulator() -> tuple[subprocess.Popen, str, float]:
    began = time.monotonic()
    proc = subprocess.Popen([sys.executable, os.path.join(HERE, "run.py"), "--port", "0"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline().strip()
    assert line.startswith("READY port="), line
    return proc, f"http://127.0.0.1:{int(line.split('=', 1)[1])}", time.monotonic() - began


class Emulator:
    def __init__(self, url: str):
        self.url = url

    def control(self, path: str, payload: dict | None = None, method: str | None = None) -> object:
        data = None if payload is None else json.dumps(payload).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method or ("POST" if data is not None else "GET"),
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as resp:
            return json.loads(resp.read())

    def client(self, service: str, key: str = "AKIATESTCENTRAL00000", secret: str = "secret",
               token: str | None = None, **kwargs: object) -> object:
        return boto3.client(service, endpoint_url=self.url, region_name="us-east-1", aws_access_key_id=key,
                            aws_secret_access_key=secret, aws_session_token=token,
                            config=Config(retries={"max_attempts": 1}), **kwargs)

    def tenant(self, service: str, account: str, **kwargs: object) -> object:
        creds = self.client("sts").assume_role(RoleArn=f"arn:aws:iam::{account}:role/ShiftopsReadOnly",
                                               RoleSessionName="pytest")["Credentials"]
        return self.client(service, creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"], **kwargs)


@pytest.fixture(scope="session")
def server():
    proc, url, startup = start_emulator()
    emulator = Emulator(url)
    emulator.startup_seconds = startup
    yield emulator
    proc.stdin.close()
    proc.wait(timeout=10)


@pytest.fixture
def emu(server):
    server.control("/_shiftops/reset", {})
    return server


def warehouses(emu) -> None:
    """The two warehouse types the Data API statements go to: a cluster and a workgroup."""
    emu.client("redshift").create_cluster(ClusterIdentifier="dpc-learning", NodeType="ra3.xlplus",
                                          ClusterType="single-node", MasterUsername="awsuser",
                                          MasterUserPassword="Passw0rd-not-secret")
    serverless = emu.client("redshift-serverless")
    serverless.create_namespace(namespaceName="multitenant-analytics")
    serverless.create_workgroup(workgroupName="multitenant-wg", namespaceName="multitenant-analytics")

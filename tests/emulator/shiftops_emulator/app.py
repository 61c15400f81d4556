"""The WSGI application: moto's server app wrapped in shiftops' middleware.

Order of work for one request:
1. `/_shiftops/*` goes to the control endpoints (control.py).
2. `/moto-api/*` goes to moto untouched.
3. Every other request is an AWS request: it is counted (request_counter), refused
   if its account is denied (deny), given its account for moto (accounts), then
   CloudWatch CBOR is translated (cloudwatch_cbor), Redshift Serverless goes to its
   own small service (redshift_serverless), and everything else to moto — whose
   response classes the other modules have extended (`install()` below).
"""

from __future__ import annotations

import io
import os
from typing import Any, Callable

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

from . import (
    accounts,
    alarm_history,
    cloudwatch_alarms,
    cloudwatch_cbor,
    cloudwatch_dimensions,
    cloudwatch_metrics,
    control,
    deny,
    logs_insights,
    metric_index,
    metric_math,
    rds_exports,
    rds_integrations,
    redshift_data,
    redshift_parameters,
    redshift_clusters,
    redshift_inbound_integrations,
    redshift_serverless,
    request_counter,
    sfn_executions,
    sfn_redrive,
    sfn_stop,
)
from .wsgi import AwsRequest, call_app, note_error, Reply

EXTENSIONS = (
    cloudwatch_alarms,
    cloudwatch_metrics,
    cloudwatch_dimensions,
    alarm_history,
    metric_math,
    metric_index,
    rds_integrations,
    rds_exports,
    sfn_redrive,
    sfn_stop,
    sfn_executions,  # after sfn_redrive: it wraps the history sfn_redrive builds
    redshift_parameters,
    redshift_clusters,
    redshift_inbound_integrations,
    redshift_serverless,
    redshift_data,
    logs_insights,
)
_installed = False


def install_extensions() -> None:
    global _installed
    if not _installed:
        for module in EXTENSIONS:
            module.install()
        _cache_module_list()
        _installed = True


def _cache_module_list() -> None:
    """moto's dispatcher lists its own package directory (a listdir and an isdir per service) on
    every request to find the backend; the list never changes while the server runs. Listed once,
    a fleet-scale refresh measures the console rather than the emulator's disk lookups."""
    from moto import backends

    modules = tuple(backends.list_of_moto_modules())
    backends.list_of_moto_modules = lambda: modules


class ShiftopsApp:
    def __init__(self, moto_app: Callable, own_address: Callable[[], str]):
        self.moto = moto_app
        self.serverless = redshift_serverless.build_app()
        self.own_address = own_address

    def __call__(self, environ: dict, start_response: Callable) -> Any:
        try:
            return self.handle(environ).send(start_response)
        except Exception:
            note_error()
            return Reply(500, [("Content-Type", "text/plain")], b"emulator: internal error").send(start_response)

    def handle(self, environ: dict) -> Reply:
        path = environ.get("PATH_INFO", "")
        if path.startswith("/_shiftops/"):
            return control.handle(environ, self)
        if path.startswith("/moto-api") or path == "/favicon.ico":
            if path.startswith("/moto-api/reset"):
                accounts.forget()
            return call_app(self.moto, environ)
        req = AwsRequest.from_environ(environ)
        request_counter.count(req)
        refused = deny.check(req)
        if refused is not None:
            return refused
        if req.protocol == "cbor" and req.service == "monitoring":
            return cloudwatch_cbor.handle(req, lambda **kw: req.forward(self.moto, **kw))
        if req.service == "redshift-serverless":
            return req.forward(self.serverless)
        return req.forward(self.moto)

    def moto_reset(self) -> None:
        """What `POST /moto-api/reset` does: moto's state and every extension store."""
        accounts.forget()
        environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/moto-api/reset", "SERVER_NAME": "127.0.0.1",
                   "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1", "wsgi.url_scheme": "http",
                   "wsgi.input": io.BytesIO(b""), "CONTENT_LENGTH": "0"}
        call_app(self.moto, environ)


def build_app(own_address: Callable[[], str] = lambda: os.environ.get("SHIFTOPS_EMULATOR_URL", "")) -> ShiftopsApp:
    install_extensions()
    return ShiftopsApp(DomainDispatcherApplication(create_backend_app), own_address)

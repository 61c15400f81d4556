"""Control endpoints under `/_shiftops/` (JSON in, JSON out) for tests.

They stage what moto cannot produce by API (failed export tasks, integrations that
need attention, query results, denied accounts), expose what tests need to check
(executed SQL, request counts) and seed the standard fleet. Documented in
tests/emulator/README.md.
"""

from __future__ import annotations

import json
from typing import Any, Callable
from urllib.parse import parse_qs

from . import DEFAULT_REGION
from . import deny, rds_exports, rds_integrations, redshift_data, request_counter, svv_integration
from .moto_ext import ServiceError
from .wsgi import RECENT_ERRORS, Reply, json_reply, note_error, read_body

ROUTES: dict[tuple[str, str], Callable[[dict, Any, dict], Any]] = {}


def route(method: str, path: str) -> Callable:
    def register(fn: Callable) -> Callable:
        ROUTES[(method, path)] = fn
        return fn

    return register


def handle(environ: dict, app: Any) -> Reply:
    method = environ.get("REQUEST_METHOD", "GET")
    path = environ.get("PATH_INFO", "").rstrip("/")
    fn = ROUTES.get((method, path))
    if fn is None:
        return json_reply({"error": f"no control endpoint {method} {path}"}, 404)
    body = read_body(environ)
    try:
        payload = json.loads(body) if body.strip() else {}
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        answer = fn(payload, app, query)
    except (ValueError, KeyError, TypeError) as exc:
        return json_reply({"error": f"{type(exc).__name__}: {exc}"}, 400)
    except ServiceError as exc:
        return json_reply({"error": exc.code, "message": exc.message}, 404)
    except Exception as exc:  # a bug or a failed seed: say what, keep the trace for /_shiftops/errors
        note_error()
        return json_reply({"error": f"{type(exc).__name__}: {exc}"}, 500)
    return answer if isinstance(answer, Reply) else json_reply(answer)


@route("GET", "/_shiftops/health")
def health(payload: dict, app: Any, query: dict) -> dict:
    return {"ok": True}


@route("POST", "/_shiftops/redshift-data/results")
def register_result(payload: dict, app: Any, query: dict) -> dict:
    entry = redshift_data.register(payload)
    return {"registered": entry["pattern"], "rows": len(entry["rows"]), "error": entry["error"]}


@route("POST", "/_shiftops/redshift-data/results/reset")
def reset_results(payload: dict, app: Any, query: dict) -> dict:
    redshift_data.clear_registrations()
    return {"ok": True}


@route("GET", "/_shiftops/redshift-data/statements")
def statements(payload: dict, app: Any, query: dict) -> list:
    return redshift_data.recorded_statements(query.get("account_id"))


@route("POST", "/_shiftops/deny")
def deny_account(payload: dict, app: Any, query: dict) -> dict:
    deny.deny(str(payload["account_id"]))
    return {"denied": sorted(deny.DENIED)}


@route("POST", "/_shiftops/allow")
def allow_account(payload: dict, app: Any, query: dict) -> dict:
    deny.allow(payload.get("account_id"))
    return {"denied": sorted(deny.DENIED)}


@route("POST", "/_shiftops/rds/integration-state")
def integration_state(payload: dict, app: Any, query: dict) -> dict:
    return rds_integrations.set_state(
        str(payload["account_id"]), payload.get("region", DEFAULT_REGION), payload["name"], payload["status"],
        payload.get("errors"), payload.get("current_lag_ms"),
    )


@route("POST", "/_shiftops/rds/export-task-state")
def export_task_state(payload: dict, app: Any, query: dict) -> dict:
    return rds_exports.set_state(
        str(payload["account_id"]), payload.get("region", DEFAULT_REGION), payload["export_task_identifier"],
        payload["status"], payload.get("failure_cause"), payload.get("percent_progress"),
    )


@route("GET", "/_shiftops/requests")
def requests(payload: dict, app: Any, query: dict) -> dict:
    return request_counter.snapshot()


@route("POST", "/_shiftops/requests/reset")
def reset_requests(payload: dict, app: Any, query: dict) -> dict:
    request_counter.reset()
    return {"ok": True}


@route("POST", "/_shiftops/seed")
def seed(payload: dict, app: Any, query: dict) -> dict:
    from . import seed as seeding

    fleet = payload.get("fleet", "standard")
    if fleet != "standard":
        raise ValueError(f"unknown fleet {fleet!r} (only 'standard')")
    return seeding.seed_standard(app.own_address())


@route("POST", "/_shiftops/sfn/work-copy-queue")
def work_copy_queue(payload: dict, app: Any, query: dict) -> dict:
    from . import seed as seeding

    return seeding.work_copy_queue(app.own_address(), payload["execution_arn"], payload.get("fail"))


@route("POST", "/_shiftops/seed/bulk")
def seed_bulk(payload: dict, app: Any, query: dict) -> dict:
    from . import bulk_seed

    return bulk_seed.seed_bulk(payload)


@route("POST", "/_shiftops/reset")
def reset(payload: dict, app: Any, query: dict) -> dict:
    app.moto_reset()
    redshift_data.clear_registrations()
    svv_integration.LAGS.clear()
    deny.allow(None)
    request_counter.reset()
    RECENT_ERRORS.clear()
    return {"ok": True}


@route("GET", "/_shiftops/errors")
def errors(payload: dict, app: Any, query: dict) -> list:
    return list(RECENT_ERRORS)


"""How our modules plug into moto: new actions on moto's own response classes.

moto dispatches an AWS action to the method of the service's response class named
after it (`CreateIntegration` -> `create_integration`) and serialises an
`ActionResult` with botocore's model of the service, so a method added here gets
moto's request parsing, account/region handling, wire format and error format for
free — awsQuery XML for RDS and Redshift, JSON elsewhere. `ServiceError` raised in
one is answered in the service's own error format.

State kept by extensions lives in `Store` backends held in moto `BackendDict`s, so it
is per account and region and `POST /moto-api/reset` clears it with moto's own.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from moto.core.base_backend import BackendDict, BaseBackend
from moto.core.exceptions import ServiceException
from moto.core.responses import ActionResult


class ServiceError(ServiceException):
    """An AWS error with the given code; moto renders it per the service's protocol."""

    def __init__(self, code: str, message: str):
        super().__init__(code, message)


def add_action(response_cls: type, name: str) -> Callable[[Callable], Callable]:
    """Install `fn` as the handler of action `name` (snake_case) on a moto response class."""

    def install(fn: Callable) -> Callable:
        setattr(response_cls, name, fn)
        return fn

    return install


def wrap_action(response_cls: type, name: str) -> Callable[[Callable], Callable]:
    """Install `fn(self, original)` around moto's existing handler `name`."""

    def install(fn: Callable) -> Callable:
        original = getattr(response_cls, name)

        def wrapper(self: Any) -> Any:
            return fn(self, lambda: original(self))

        wrapper.__name__ = name
        setattr(response_cls, name, wrapper)
        return fn

    return install


def result(payload: Any) -> ActionResult:
    return ActionResult(payload)


class Store(BaseBackend):
    """A per-account, per-region store for an extension; reset with moto."""

    def __init__(self, region_name: str, account_id: str):
        super().__init__(region_name, account_id)
        self.items: dict[str, Any] = {}


def store_dict(service_name: str, cls: type = Store) -> BackendDict:
    return BackendDict(cls, service_name)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def page(items: list, token: str | None, size: int | None, default: int = 100) -> tuple[list, str | None]:
    """Offset paging: returns (items of this page, token of the next page or None)."""
    start = int(token) if token and str(token).isdigit() else 0
    size = int(size) if size else default
    chunk = items[start : start + size]
    nxt = str(start + size) if start + size < len(items) else None
    return chunk, nxt

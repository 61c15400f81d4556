"""Which AWS account a request belongs to.

moto can key its state by the account of the request's credentials, but only if the
server process does *not* have MOTO_ACCOUNT_ID in its environment: moto 5.2.5 reads
that variable on every request and, when set, puts every request in that one account
(assumed-role credentials of 111111111111 included). So the server drops the variable
after import and we tell moto the account per request with its `x-moto-account-id`
header: the account of the access key (moto knows the keys STS handed out), or the
central account 999999999999 for any other key.
"""

from __future__ import annotations

import re

from . import CENTRAL_ACCOUNT

_SCOPE = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/]+)/([^/]+)/aws4_request")


def credential_scope(authorization: str | None) -> tuple[str | None, str | None, str | None]:
    """(access key id, region, signing service) from a SigV4 Authorization header."""
    match = _SCOPE.search(authorization or "")
    if not match:
        return None, None, None
    return match.group(1), match.group(2), match.group(3)


# Access key → account, for keys moto handed out. moto's own lookup scans every account's IAM
# backend, so with a thousand tenant accounts each request would cost a thousand lookups: the
# emulator, not the console, would be what a fleet-scale test measures. A key's account never
# changes; `forget()` runs on every reset.
_KNOWN: dict[str, str] = {}


def account_for_access_key(access_key: str | None) -> str:
    """The account whose state a request with this access key sees."""
    if not access_key:
        return CENTRAL_ACCOUNT
    known = _KNOWN.get(access_key)
    if known is not None:
        return known
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.iam.models import get_account_id_from

    account = get_account_id_from(access_key)
    if account == DEFAULT_ACCOUNT_ID and not _key_really_in(account, access_key):
        return CENTRAL_ACCOUNT
    _KNOWN[access_key] = account
    return account


def forget() -> None:
    """moto was reset: the keys it handed out are gone."""
    _KNOWN.clear()


def _key_really_in(account: str, access_key: str) -> bool:
    from moto.iam.models import iam_backends

    if account not in iam_backends:
        return False
    return any(access_key in part.access_keys for part in iam_backends[account].values())


__all__ = ["CENTRAL_ACCOUNT", "credential_scope", "account_for_access_key", "forget"]

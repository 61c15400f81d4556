"""CloudWatch Logs Insights: `filter`, `display` and AWS's `@timestamp` format.

moto 5.2.5 runs StartQuery / GetQueryResults but its query engine knows only
`fields`, `sort` and `limit`: `filter @message like 'ERROR'` is ignored, so every
event comes back; and `@timestamp` is returned as epoch milliseconds where Logs
Insights returns `2026-11-21 06:00:00.000`. We replace its `execute_query` with one
that also applies `filter` clauses — `like 'text'`, `like /regex/`, `=~ /regex/`,
`not like`, `=` / `!=` with a quoted string, joined by `and` / `or` (left to right)
— and `display`, formats `@timestamp` like AWS, and adds GetQueryResults'
`statistics`. Other commands (stats, parse,
dedup) are still ignored.

As strict as AWS: StartQuery takes "up to 50 log groups" in `logGroupNames`
(StartQuery, CloudWatch Logs API Reference,
https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_StartQuery.html);
more is `InvalidParameterException` (the error botocore's model lists for a parameter "specified
incorrectly"; moto accepts any number).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import moto.logs.models as logs_models
from moto.logs.exceptions import InvalidParameterException

#: StartQuery's `logGroupNames` holds at most this many.
MAX_QUERY_LOG_GROUPS = 50

_CLAUSE = re.compile(
    r"""^\s*(?P<field>@?[\w.]+)\s+(?P<op>not\s+like|like|=~|!=|=)\s+
        (?:/(?P<regex>(?:[^/\\]|\\.)*)/(?P<flags>i?)|'(?P<sq>[^']*)'|"(?P<dq>[^"]*)")\s*$""",
    re.IGNORECASE | re.VERBOSE,
)


def install() -> None:
    logs_models.execute_query = execute_query
    start_query = logs_models.LogsBackend.start_query

    def strict_start_query(self: Any, log_group_names: list[str], *args: Any, **kwargs: Any) -> str:
        if len(log_group_names or []) > MAX_QUERY_LOG_GROUPS:
            raise InvalidParameterException(
                constraint=f"Member must have length less than or equal to {MAX_QUERY_LOG_GROUPS}",
                parameter="logGroupNames", value=f"{len(log_group_names)} log groups")
        return start_query(self, log_group_names, *args, **kwargs)

    logs_models.LogsBackend.start_query = strict_start_query
    original = logs_models.LogQuery.to_result_json

    def to_result_json(self: Any) -> dict[str, Any]:
        answer = original(self)
        answer["statistics"] = {"recordsMatched": float(len(self.results)), "recordsScanned": float(len(self.results)),
                                "bytesScanned": float(sum(len(str(r)) for r in self.results))}
        return answer

    logs_models.LogQuery.to_result_json = to_result_json


def _commands(query: str) -> list[tuple[str, str]]:
    out = []
    for part in query.split("|"):
        part = part.strip()
        if part:
            word, _, rest = part.partition(" ")
            out.append((word.lower(), rest.strip()))
    return out


def _predicate(text: str):
    tokens = re.split(r"\s+(and|or)\s+", text, flags=re.IGNORECASE)
    tests, joins = [], []
    for i, token in enumerate(tokens):
        if i % 2:
            joins.append(token.lower())
            continue
        match = _CLAUSE.match(token)
        if not match:
            raise ValueError(f"unsupported filter: {token}")
        tests.append(_test(match))

    def check(fields: dict) -> bool:
        value = tests[0](fields)
        for join, test in zip(joins, tests[1:]):
            value = (value and test(fields)) if join == "and" else (value or test(fields))
        return value

    return check


def _test(match: re.Match):
    field, op = match["field"], re.sub(r"\s+", " ", match["op"].lower())
    if match["regex"] is not None:
        pattern = re.compile(match["regex"], re.IGNORECASE if match["flags"] else 0)
    else:
        literal = match["sq"] if match["sq"] is not None else match["dq"]
        pattern = re.compile(re.escape(literal))
        if op in ("=", "!="):
            return lambda f: (str(f.get(field, "")) == literal) == (op == "=")
    if op == "not like":
        return lambda f: not pattern.search(str(f.get(field, "")))
    return lambda f: bool(pattern.search(str(f.get(field, ""))))


def _timestamp(ms: int) -> str:
    return dt.datetime.fromtimestamp(ms / 1000, dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]


def execute_query(log_groups: list, query: str, start_time: int, end_time: int) -> list[dict[str, Any]]:
    fields: list[str] = []
    filters, sort, limit, display = [], None, None, None
    for word, rest in _commands(query):
        if word == "fields":
            fields += [f.strip() for f in rest.split(",") if f.strip()]
        elif word == "filter":
            filters.append(_predicate(rest))
        elif word == "sort":
            name, _, order = rest.partition(" ")
            sort = (name.strip(), order.strip().lower() != "asc")
        elif word == "limit":
            limit = int(rest)
        elif word == "display":
            display = [f.strip() for f in rest.split(",") if f.strip()]
    rows = []
    for group in log_groups:
        for stream in group.streams.values():
            for event in stream.events:
                if start_time and event.timestamp < start_time * 1000 or end_time and event.timestamp > end_time * 1000:
                    continue
                row = {"@timestamp": event.timestamp, "@message": event.message,
                       "@logStream": stream.log_stream_name, "@log": group.name, "@ptr": event.event_id}
                if all(f(row) for f in filters):
                    rows.append(row)
    key, descending = sort or ("@timestamp", True)
    rows.sort(key=lambda r: r.get(key, ""), reverse=descending)
    if limit:
        rows = rows[:limit]
    shown = display or fields or ["@timestamp", "@message"]
    out = []
    for row in rows:
        item = {name: (_timestamp(row[name]) if name == "@timestamp" else row[name]) for name in shown if name in row}
        item["@ptr"] = row["@ptr"]
        out.append(item)
    return out

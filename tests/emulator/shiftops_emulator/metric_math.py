"""Metric math in GetMetricData expressions.

moto 5.2.5 evaluates an `Expression` only when it is the bare id of another query
(`"m1"`); anything else (`m1/m2`, `100*(m1/m2)`) comes back empty. We replace its
expression evaluator with one for arithmetic over query ids and numbers (`+ - * /`,
unary minus, parentheses), computed per timestamp present in every series used;
a division by zero drops that point, as CloudWatch does. Functions (SUM, METRICS(),
FILL, ...) are not supported and still yield an empty series.
"""

from __future__ import annotations

import ast
import operator
from typing import Any

import moto.cloudwatch.models as cw_models

_original = cw_models.parse_expression
_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


def install() -> None:
    cw_models.parse_expression = parse_expression


def parse_expression(expression: str, results: list[dict[str, Any]]) -> tuple[list, list]:
    series = {r["id"]: dict(zip(r["timestamps"], r["values"])) for r in results}
    order = {r["id"]: r["timestamps"] for r in results}
    try:
        tree = ast.parse(expression.strip(), mode="eval").body
        names = sorted({n.id for n in ast.walk(tree) if isinstance(n, ast.Name)})
        _check(tree)
    except (SyntaxError, ValueError):
        return _original(expression, results)
    if not names or any(n not in series for n in names):
        return [], []
    values, stamps = [], []
    for ts in order[names[0]]:
        if all(ts in series[n] for n in names):
            try:
                values.append(float(_eval(tree, {n: float(series[n][ts]) for n in names})))
                stamps.append(ts)
            except ZeroDivisionError:
                continue
    return values, stamps


def _check(node: ast.AST) -> None:
    allowed = (ast.BinOp, ast.UnaryOp, ast.Constant, ast.Name, ast.Load, ast.USub, ast.UAdd, *_OPS)
    for child in ast.walk(node):
        if not isinstance(child, allowed):
            raise ValueError(f"unsupported metric math: {type(child).__name__}")


def _eval(node: ast.AST, env: dict[str, float]) -> float:
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.Name):
        return env[node.id]
    if isinstance(node, ast.UnaryOp):
        value = _eval(node.operand, env)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp):
        return _OPS[type(node.op)](_eval(node.left, env), _eval(node.right, env))
    raise ValueError("unsupported")

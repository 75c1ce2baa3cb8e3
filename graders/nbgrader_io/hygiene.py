"""Exam hygiene: find public checks that give an answer away, before the exam is released.

A public check of an exam question must not reveal an answer: a cell that asserts
``qr_solve(A, b) == [1.0, 2.0]`` on a public example hands every student the value the
question asks for. :func:`revealing_checks` reads the public part of every graded code cell
(the text before ``### BEGIN HIDDEN TESTS``), without running it: it follows simple
assignments of literal values (numbers, lists, ``np.array([...])``, ``np.eye(2)``...)
and calls of the question's functions, and reports each assert whose expected value is a
literal equal (to 1e-9 relative) to the **reference** output on the public example.

Which notebooks: an exam (notebook metadata ``mml.exam: true``) and every per-student
release (``mml release ASSIGNMENT --roster``). The instructor opts a question in (its
public checks may show values, e.g. toy examples of a function question) with the test
cell's metadata ``"mml": {"public_answers": true}``. ``mml release`` prints each finding as a
warning; it does not refuse the release (the instructor decides).
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

__all__ = ["HIDDEN_MARK", "is_exam", "revealing_checks"]

HIDDEN_MARK = "### BEGIN HIDDEN TESTS"

_ASSERTS = {"assert_allclose", "assert_array_almost_equal", "assert_almost_equal",
            "assert_equal", "assert_array_equal", "isclose", "allclose"}
_NP_CONST = {"e": math.e, "pi": math.pi, "inf": math.inf}
_NP_FUNCS: dict[str, Callable[..., Any]] = {
    "array": np.array, "asarray": np.asarray, "zeros": np.zeros, "ones": np.ones,
    "eye": np.eye, "diag": np.diag, "sqrt": np.sqrt, "exp": np.exp, "log": np.log,
    "arange": np.arange, "full": np.full}
_BINOPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b, ast.Pow: lambda a, b: a ** b}


class _NotLiteral(Exception):
    """The expression is not built from literals only."""


def is_exam(notebook: Any) -> bool:
    """Whether the notebook declares itself an exam (metadata ``mml.exam: true``)."""
    return bool(notebook.metadata.get("mml", {}).get("exam", False))


def _literal(node: ast.AST, env: Mapping[str, Any]) -> Any:
    """The value of an expression of literals, known names and a few numpy constructors."""
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return node.value
    if isinstance(node, ast.List | ast.Tuple):
        return [_literal(e, env) for e in node.elts]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        value = _literal(node.operand, env)
        return -np.asarray(value) if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
        return _BINOPS[type(node.op)](np.asarray(_literal(node.left, env)),
                                      np.asarray(_literal(node.right, env)))
    if isinstance(node, ast.Name) and node.id in env:
        return env[node.id]
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
            and node.value.id in ("np", "numpy") and node.attr in _NP_CONST:
        return _NP_CONST[node.attr]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
            and isinstance(node.func.value, ast.Name) and node.func.value.id in ("np", "numpy") \
            and node.func.attr in _NP_FUNCS:
        args = [_literal(a, env) for a in node.args]
        kwargs = {k.arg: _literal(k.value, env) for k in node.keywords
                  if k.arg and k.arg != "dtype"}
        return _NP_FUNCS[node.func.attr](*args, **kwargs)
    raise _NotLiteral


def _pure_literal(node: ast.AST) -> Any:
    """The value of an expression written with literals only (no names bound elsewhere)."""
    return _literal(node, {})


def _call_output(node: ast.AST, env: Mapping[str, Any],
                 references: Mapping[str, Callable[..., Any]]) -> Any:
    """The reference output of ``f(args)`` for a question's function with literal args."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
            and node.func.id in references:
        args = [_literal(a, env) for a in node.args]
        return references[node.func.id](*args)
    raise _NotLiteral


def _equal(got: Any, expected: Any) -> bool:
    """Whether a reference output equals a literal (to 1e-9 relative, shapes broadcast)."""
    try:
        a = np.asarray(got, dtype=float)
        b = np.asarray(expected, dtype=float)
        return a.size > 0 and bool(np.allclose(a, b, rtol=1e-9, atol=1e-12))
    except (TypeError, ValueError):
        return False


def _bind(stmt: ast.Assign, env: dict[str, Any], outputs: dict[str, Any],
          references: Mapping[str, Callable[..., Any]]) -> None:
    """Record ``name = literal`` in ``env`` and ``name(s) = f(...)`` in ``outputs``."""
    target = stmt.targets[0]
    for table, value_of in ((env, _literal), (outputs, _call_output)):
        try:
            value = (value_of(stmt.value, env) if value_of is _literal
                     else _call_output(stmt.value, env, references))
        except Exception:  # not this kind of assignment (or the reference refused it)
            continue
        if isinstance(target, ast.Name):
            table[target.id] = value
        elif isinstance(target, ast.Tuple) and isinstance(value, tuple | list):
            for elt, part in zip(target.elts, value, strict=False):
                if isinstance(elt, ast.Name):
                    table[elt.id] = part
        return


def _asserted(node: ast.AST) -> tuple[ast.AST, ast.AST] | None:
    """(actual, expected) of an assert call or an ``assert a == b`` statement."""
    if isinstance(node, ast.Call) and len(node.args) >= 2:
        name = node.func.attr if isinstance(node.func, ast.Attribute) else (
            node.func.id if isinstance(node.func, ast.Name) else "")
        if name in _ASSERTS:
            return node.args[0], node.args[1]
    if isinstance(node, ast.Assert) and isinstance(node.test, ast.Compare) \
            and len(node.test.ops) == 1 and isinstance(node.test.ops[0], ast.Eq):
        return node.test.left, node.test.comparators[0]
    return None


def _cell_findings(source: str, references: Mapping[str, Callable[..., Any]]) -> list[str]:
    """The revealing asserts of one cell's public part, as ``line N: text``."""
    public = source.split(HIDDEN_MARK, 1)[0]
    try:
        tree = ast.parse(public)
    except SyntaxError:
        return []
    env: dict[str, Any] = {}
    outputs: dict[str, Any] = {}
    found: list[str] = []
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            _bind(stmt, env, outputs, references)
        for node in ast.walk(stmt):
            pair = _asserted(node)
            if pair is None:
                continue
            actual, expected = pair
            try:
                want = _pure_literal(expected)
                got = (outputs[actual.id] if isinstance(actual, ast.Name) and actual.id in outputs
                       else _call_output(actual, env, references))
            except Exception:  # not a literal, or not the output of a question's function
                continue
            if _equal(got, want):
                lineno = getattr(node, "lineno", stmt.lineno)
                line = public.splitlines()[lineno - 1].strip()
                found.append(f"line {lineno}: {line[:90]}")
    return found


def revealing_checks(notebook: Any, references: Mapping[str, Callable[..., Any]],
                     where: str) -> list[str]:
    """Warnings for the public checks of ``notebook`` that state a reference output literally.

    Args:
        notebook: the instructor notebook (nbformat).
        references: student-facing function name -> the check's reference implementation.
        where: the notebook's path, for the messages.

    Returns:
        One message per revealing assert, naming the notebook, the cell's grade_id, the line
        and how to opt in; cells with ``mml.public_answers: true`` are skipped.
    """
    messages = []
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or not meta.get("grade"):
            continue
        if cell.metadata.get("mml", {}).get("public_answers", False):
            continue
        for finding in _cell_findings(cell.source, references):
            messages.append(f"{where}: cell {meta.get('grade_id')}: {finding}: this public "
                            "check states the reference output, so it gives the answer away "
                            "(remove the expected value, or opt in with the cell metadata "
                            '"mml": {"public_answers": true})')
    return messages

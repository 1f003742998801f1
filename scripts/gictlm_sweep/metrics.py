"""Metrics: values read from a run's JSON report (docs/sweep.md, "Metrics").

A metric is either a path into the report or an arithmetic expression over
named paths:

    "msi.sent"
    "latency.msi_to_iar.p99_ps"
    "gic_stats.counters[\"its0.cache.event.hits\"]"      (names with dots: quoted)
    "cpus[0].irqs"
    {"expr": "hits / (hits + misses)", "vars": {"hits": "...", "misses": "..."}}

Expressions allow numbers, the variables, + - * / ** and parentheses. A path
that is absent in a report, a value that is not a number or a division by zero
gives no value (an empty cell), never a made-up number.
"""
import ast
import re


class MetricError(Exception):
    pass


_TOKEN = re.compile(r'\s*(?:(\[)\s*(?:"((?:[^"\\]|\\.)*)"|(\d+))\s*\]|\.?([A-Za-z_][A-Za-z0-9_]*))')


def parse_path(path):
    """'a.b["c.d"][0]' -> ['a', 'b', 'c.d', 0]."""
    if not isinstance(path, str) or not path:
        raise MetricError("a path must be a non-empty string")
    out, pos = [], 0
    while pos < len(path):
        m = _TOKEN.match(path, pos)
        if not m or m.end() == pos or (pos == 0 and path[0] == "."):
            raise MetricError(f"bad path '{path}' at character {pos + 1}")
        if m.group(1):
            out.append(int(m.group(3)) if m.group(3) is not None else m.group(2).replace('\\"', '"'))
        else:
            out.append(m.group(4))
        pos = m.end()
    return out


def lookup(report, steps):
    """The value at steps, or None when absent."""
    v = report
    for s in steps:
        if isinstance(s, int):
            if not isinstance(v, list) or s >= len(v):
                return None
            v = v[s]
        else:
            if not isinstance(v, dict) or s not in v:
                return None
            v = v[s]
    return v


def _number(v):
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, (int, float)):
        return v
    if isinstance(v, str):  # gictlm-stats writes integers above 2^53 as strings
        try:
            return int(v)
        except ValueError:
            return None
    return None


_ALLOWED_BIN = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)


def _check_expr(node, names):
    if isinstance(node, ast.Expression):
        return _check_expr(node.body, names)
    if isinstance(node, ast.BinOp) and isinstance(node.op, _ALLOWED_BIN):
        _check_expr(node.left, names)
        _check_expr(node.right, names)
        return
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        _check_expr(node.operand, names)
        return
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return
    if isinstance(node, ast.Name):
        if node.id not in names:
            raise MetricError(f"expression uses '{node.id}', which is not in vars")
        return
    raise MetricError("expressions allow numbers, vars, + - * / ** and parentheses only")


def _eval(node, env):
    if isinstance(node, ast.Expression):
        return _eval(node.body, env)
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        return env[node.id]
    if isinstance(node, ast.UnaryOp):
        v = _eval(node.operand, env)
        return -v if isinstance(node.op, ast.USub) else v
    a, b = _eval(node.left, env), _eval(node.right, env)
    op = node.op
    if isinstance(op, ast.Add):
        return a + b
    if isinstance(op, ast.Sub):
        return a - b
    if isinstance(op, ast.Mult):
        return a * b
    if isinstance(op, ast.Div):
        return a / b
    return a ** b


class Metric:
    def __init__(self, spec):
        if isinstance(spec, str):
            self.vars = {"_": parse_path(spec)}
            self.tree = ast.parse("_", mode="eval")
        elif isinstance(spec, dict) and set(spec) == {"expr", "vars"} and isinstance(spec["vars"], dict):
            if not spec["vars"]:
                raise MetricError("vars is empty")
            self.vars = {}
            for k, p in spec["vars"].items():
                if not k.isidentifier():
                    raise MetricError(f"variable name '{k}' is not an identifier")
                self.vars[k] = parse_path(p)
            try:
                self.tree = ast.parse(spec["expr"], mode="eval")
            except (SyntaxError, TypeError):
                raise MetricError(f"expression {spec['expr']!r} does not parse")
            _check_expr(self.tree, self.vars)
        else:
            raise MetricError("a metric is a path string or {\"expr\": ..., \"vars\": {...}}")

    def value(self, report):
        env = {}
        for k, steps in self.vars.items():
            v = _number(lookup(report, steps))
            if v is None:
                return None
            env[k] = v
        try:
            v = _eval(self.tree, env)
        except (ZeroDivisionError, OverflowError):
            return None
        if isinstance(v, float) and v != v:
            return None
        return v


def compile_metric(spec):
    return Metric(spec)

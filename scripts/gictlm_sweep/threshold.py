"""The smallest value of a parameter that keeps a metric below a limit, for every
combination of the other varied parameters ("how big must the event cache be for
p99 < 1 us?"), read from the merged summary.

A value qualifies when the upper end of the metric's 95% confidence interval
(mean + ci95; the mean alone with one seed) is below the limit at that value and at
every larger value of the parameter: one lucky point inside a noisy region is not an
answer.
"""

def _same(value, text):
    """A parameter value of the summary equals a NAME=VALUE of the command line:
    as written, or as a number (--where x=0.50 is x=0.5, 256.0 is 256)."""
    if str(value) == text:
        return True
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return float(text) == value
        except ValueError:
            return False
    return False


def _order(v):  # numbers numerically, then strings
    return (0, v, "") if isinstance(v, (int, float)) else (1, 0, str(v))


def check_where(summary, param, metric, where):
    """ValueError naming what does not exist: the parameter, the metric, a --where
    parameter that is not varied, or a value that no merged point has."""
    if not summary:
        raise ValueError("no merged points (the summary is empty)")
    names = sorted({k for s in summary for k in s["params"]})
    if param not in names:
        raise ValueError(f"--param {param}: not a varied parameter of the sweep (varied: {', '.join(names) or 'none'})")
    mets = sorted({k for s in summary for k in s["metrics"]})
    if metric not in mets:
        raise ValueError(f"--metric {metric}: not a metric of the sweep (metrics: {', '.join(mets)})")
    for k, v in where.items():
        if k != "workload" and k not in names:
            raise ValueError(f"--where {k}={v}: '{k}' is not a varied parameter of the sweep "
                             f"(varied: {', '.join(names + ['workload'])})")
        have = {(s["workload"] if k == "workload" else s["params"].get(k)) for s in summary}
        if not any(_same(h, v) for h in have):
            raise ValueError(f"--where {k}={v}: no point has this value "
                             f"({k} has {', '.join(str(h) for h in sorted(have, key=_order))})")
    if not any(all(_same(dict(s["params"], workload=s["workload"]).get(k), v) for k, v in where.items())
               for s in summary):
        raise ValueError("no point matches all of " + " ".join(f"--where {k}={v}" for k, v in where.items()))


def smallest(summary, param, metric, limit, where=None):
    """[(other parameters, smallest value or None, {value: (mean, ci95)})].
    ValueError if the parameter, the metric or a --where parameter or value does not exist."""
    where = where or {}
    check_where(summary, param, metric, where)
    groups = {}
    for s in summary:
        ps = dict(s["params"], workload=s["workload"])
        if not all(_same(ps.get(k), v) for k, v in where.items()):
            continue
        others = tuple(sorted((k, v) for k, v in ps.items() if k != param))
        groups.setdefault(others, {})[s["params"][param]] = s["metrics"][metric]
    out = []
    def order(kv):  # numbers numerically, then strings
        return [(0, v, "") if isinstance(v, (int, float)) else (1, 0, str(v)) for _, v in kv[0]]
    for others, by_value in sorted(groups.items(), key=order):
        vals = sorted(by_value)
        table = {v: (by_value[v]["mean"], by_value[v]["ci95"]) for v in vals}
        best = None
        for v in reversed(vals):
            mean, ci = table[v]
            if mean is None or mean + (ci or 0.0) >= limit:
                break
            best = v
        out.append((dict(others), best, table))
    return out


def markdown(rows, param, metric, limit, show):
    """A Markdown table: one row per combination of the parameters in `show`."""
    head = [k.split(".", 1)[1] if k.startswith(("gic.", "platform.")) else k for k in show]
    short = param.split(".", 1)[1] if param.startswith(("gic.", "platform.")) else param
    lines = ["| " + " | ".join(head + [f"smallest {short} with {metric} < {limit:g}",
                                        f"{metric} there (mean ± 95% CI)"]) + " |",
             "|" + " --- |" * (len(show) + 2)]
    for others, best, table in rows:
        if best is None:
            vmax = max(table)
            m, c = table[vmax]
            cell, there = "none in the sweep", f"{m:.0f} ± {c or 0:.0f} at {vmax}" if m is not None else "no data"
        else:
            m, c = table[best]
            cell, there = str(best), f"{m:.0f} ± {c or 0:.0f}"
        lines.append("| " + " | ".join([str(others.get(k)) for k in show] + [cell, there]) + " |")
    return "\n".join(lines) + "\n"

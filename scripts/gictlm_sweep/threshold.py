"""The smallest value of a parameter that keeps a metric below a limit, for every
combination of the other varied parameters ("how big must the event cache be for
p99 < 1 us?"), read from the merged summary.

A value qualifies when the upper end of the metric's 95% confidence interval
(mean + ci95; the mean alone with one seed) is below the limit at that value and at
every larger value of the parameter: one lucky point inside a noisy region is not an
answer.
"""

def smallest(summary, param, metric, limit, where=None):
    """[(other parameters, smallest value or None, {value: (mean, ci95)})]."""
    where = where or {}
    groups = {}
    for s in summary:
        ps = dict(s["params"], workload=s["workload"])
        if any(str(ps.get(k)) != str(v) for k, v in where.items()):
            continue
        if param not in s["params"]:
            raise ValueError(f"'{param}' is not a varied parameter")
        if metric not in s["metrics"]:
            raise ValueError(f"'{metric}' is not a metric of the sweep")
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

"""Plots of a sweep with gnuplot (PNG and SVG), from the merged summary and the
per-point reports (docs/sweep.md, "Plots").

Two kinds:
  xy   metric(s) against a parameter or a metric, one line per combination of the
       other varied parameters (or of "series"), mean over seeds with 95% CI bars;
       optional "hline" (a target, e.g. 1000 ns).
  cdf  the cumulative distribution of a histogram of the reports (buckets
       [low, high, count], schema gictlm-stats) for selected points.
"""
import json
import os
import shutil
import subprocess

from . import jobs as J
from . import metrics as M

XY_KEYS = {"name", "kind", "title", "x", "y", "where", "series", "logx", "logy", "xlabel", "ylabel",
           "hline", "hline_title", "yrange"}
CDF_KEYS = {"name", "kind", "title", "histogram", "scale", "select", "rep", "logx", "xlabel", "ylabel"}


def check_plot(p, params, metrics):
    """None if the plot description is usable, else the reason."""
    if not isinstance(p, dict):
        return "a plot is an object"
    name = p.get("name")
    if not isinstance(name, str) or not name.replace("-", "").replace("_", "").isalnum():
        return "name: letters, digits, '-' and '_'"
    kind = p.get("kind")
    if kind == "xy":
        if set(p) - XY_KEYS:
            return f"unknown key(s) {', '.join(sorted(set(p) - XY_KEYS))}"
        if p.get("x") not in params | metrics:
            return f"x: '{p.get('x')}' is neither a varied parameter nor a metric"
        ys = p.get("y")
        if not isinstance(ys, list) or not ys or any(y not in metrics for y in ys):
            return "y: a non-empty list of metric names"
        for k in list(p.get("where", {})) + list(p.get("series", [])):
            if k not in params:
                return f"where/series: '{k}' is not a varied parameter"
        if "yrange" in p and not (isinstance(p["yrange"], list) and len(p["yrange"]) == 2):
            return "yrange: [min, max] (null for automatic)"
        return None
    if kind == "cdf":
        if set(p) - CDF_KEYS:
            return f"unknown key(s) {', '.join(sorted(set(p) - CDF_KEYS))}"
        try:
            M.parse_path(p.get("histogram"))
        except M.MetricError as e:
            return f"histogram: {e}"
        sel = p.get("select")
        if not isinstance(sel, list) or not sel or not all(isinstance(s, dict) for s in sel):
            return "select: a non-empty list of {parameter: value} objects"
        for s in sel:
            for k in s:
                if k not in params:
                    return f"select: '{k}' is not a varied parameter"
        return None
    return "kind: 'xy' or 'cdf'"


def _match(params, where):
    for k, v in where.items():
        vals = v if isinstance(v, list) else [v]
        if params.get(k) not in vals:
            return False
    return True


def _short(k):
    """gic.its.event_cache.entries -> its.event_cache.entries; platform.x -> x."""
    for p in ("gic.", "platform."):
        if k.startswith(p):
            return k[len(p):]
    return k


def _label(key_names, key):
    return ", ".join(f"{_short(k)}={v}" for k, v in zip(key_names, key)) or "all"


def _q(s):
    return "'" + str(s).replace("'", "''") + "'"


def _rel(fn, d):
    """A data file as the plot script names it: relative to the script's folder
    (OUT/plots), so that 'cd OUT/plots && gnuplot NAME.gp' works from anywhere OUT is."""
    return os.path.relpath(fn, os.path.dirname(d))


def gnuplot_binary():
    return shutil.which("gnuplot")


def _terminals(gp):
    """PNG terminal: pngcairo (anti-aliased) when this gnuplot has it, else png."""
    r = subprocess.run([gp, "-e", "set terminal pngcairo"], capture_output=True, text=True)
    png = "pngcairo" if r.returncode == 0 and "unknown" not in r.stderr.lower() else "png"
    return png


def _xy(p, spec, summary, d):
    x = p["x"]
    pnames = sorted(spec.get("parameters", {}))
    varied = [k for k in pnames if len({json.dumps(s["params"].get(k)) for s in summary}) > 1]
    series = p.get("series")
    if series is None:  # every other varied parameter, except those "where" pins to one value
        pinned = {k for k, v in p.get("where", {}).items() if not isinstance(v, list) or len(v) == 1}
        series = [k for k in varied if k != x and k not in pinned]
        if len({s["workload"] for s in summary}) > 1:
            series = ["workload"] + series
    rows = [s for s in summary if _match(dict(s["params"], workload=s["workload"]), p.get("where", {}))]
    groups = {}
    for s in rows:
        ps = dict(s["params"], workload=s["workload"])
        groups.setdefault(tuple(ps.get(k) for k in series), []).append(s)
    files = []
    def order(kv):  # numbers numerically, then strings
        return [(0, v, "") if isinstance(v, (int, float)) else (1, 0, str(v)) for v in kv[0]]
    for gi, (key, rs) in enumerate(sorted(groups.items(), key=order)):
        for y in p["y"]:
            pts = []
            for s in rs:
                xv = s["params"].get(x) if x in s["params"] else s["metrics"][x]["mean"]
                m = s["metrics"][y]
                if xv is None or m["mean"] is None:
                    continue
                pts.append((xv, m["mean"], m["ci95"] or 0.0))
            if not pts:
                continue
            pts.sort()
            fn = os.path.join(d, f"{p['name']}.{gi}.{y}.dat")
            with open(fn, "w", encoding="utf-8") as f:
                f.write(f"# {x} {y}_mean {y}_ci95  ({_label(series, key)})\n")
                for a, b, c in pts:
                    f.write(f"{a} {b} {c}\n")
            title = _label(series, key) if len(p["y"]) == 1 else f"{y} ({_label(series, key)})"
            files.append((fn, title))
    if not files:
        return None
    cmds = [f"set xlabel {_q(p.get('xlabel', x))}", f"set ylabel {_q(p.get('ylabel', ', '.join(p['y'])))}"]
    if p.get("logx"):
        cmds.append("set logscale x 2" if p["logx"] == 2 else "set logscale x")
    if p.get("logy"):
        cmds.append("set logscale y")
    if "yrange" in p:
        lo, hi = p["yrange"]
        cmds.append(f"set yrange [{'' if lo is None else lo}:{'' if hi is None else hi}]")
    # A point on the left or right border of the graph may lose its error bar (gnuplot skips
    # a bar whose x is outside the range by a rounding error; a log axis is autoscaled exactly
    # to the first and last x, a linear one often to a tic at a data point): x autoscaled to
    # the data (no extension to the next tic), plus a margin of 3% of the width on both sides.
    cmds += ["set autoscale xfix", "set offsets graph 0.03, graph 0.03, 0, 0"]
    plots = [f"{_q(_rel(fn, d))} using 1:2:3 with yerrorlines lw 1.5 pt 7 ps 0.6 title {_q(t)}" for fn, t in files]
    if "hline" in p:
        plots.append(f"{float(p['hline'])} with lines dt 2 lc rgb 'black' title {_q(p.get('hline_title', 'target'))}")
    return cmds, plots


def _cdf(p, spec, runs, out, d):
    steps = M.parse_path(p["histogram"])
    scale = float(p.get("scale", 1.0))
    rep = p.get("rep", 0)
    files = []
    for i, sel in enumerate(p["select"]):
        match = [r for r in runs if r["rep"] == rep and _match(dict(r["params"], workload=r["workload"]), sel)]
        hist = None
        for r in match:
            rp = os.path.join(J.point_dir(out, r), "report.json")
            try:
                with open(rp, encoding="utf-8") as f:
                    hist = M.lookup(json.load(f), steps)
            except (OSError, json.JSONDecodeError):
                continue
            if hist:
                break
        if not hist or not isinstance(hist.get("buckets"), list) or not hist["buckets"]:
            print(f"gictlm-sweep: plot {p['name']}: no finished run with histogram {p['histogram']} for {sel}")
            continue
        total = sum(b[2] for b in hist["buckets"])
        fn = os.path.join(d, f"{p['name']}.{i}.dat")
        with open(fn, "w", encoding="utf-8") as f:
            f.write(f"# upper bound of bucket x{scale}, cumulative fraction  ({sel})\n")
            cum = 0
            first = hist["buckets"][0]
            f.write(f"{first[0] * scale} 0\n")
            for lo, hi, c in hist["buckets"]:
                cum += c
                f.write(f"{hi * scale} {cum / total}\n")
        common = {k for k in sel if all(o.get(k) == sel[k] for o in p["select"])}
        files.append((fn, ", ".join(f"{_short(k)}={v}" for k, v in sel.items() if k not in common)
                      or ", ".join(f"{_short(k)}={v}" for k, v in sel.items())))
    if not files:
        return None
    cmds = [f"set xlabel {_q(p.get('xlabel', p['histogram']))}",
            f"set ylabel {_q(p.get('ylabel', 'fraction of samples <= x'))}", "set yrange [0:1.02]"]
    if p.get("logx"):
        cmds.append("set logscale x")
    plots = [f"{_q(_rel(fn, d))} using 1:2 with steps lw 1.5 title {_q(t)}" for fn, t in files]
    return cmds, plots


def make_plots(spec, runs, summary, out, only=None):
    """Write OUT/plots/<name>.png and .svg for every plot of the sweep; returns the files."""
    plots = spec.get("plots", [])
    if not plots:
        return []
    gp = gnuplot_binary()
    if not gp:
        raise RuntimeError("gnuplot not found: install the Debian package 'gnuplot-nox' (scripts/install-deps.sh)")
    png = _terminals(gp)
    d = os.path.join(out, "plots")
    os.makedirs(os.path.join(d, "data"), exist_ok=True)
    written = []
    for p in plots:
        if only and p["name"] not in only:
            continue
        body = (_xy(p, spec, summary, os.path.join(d, "data")) if p["kind"] == "xy"
                else _cdf(p, spec, runs, out, os.path.join(d, "data")))
        if body is None:
            print(f"gictlm-sweep: plot {p['name']}: nothing to plot (no finished points match)")
            continue
        cmds, lines = body
        base = os.path.join(d, p["name"])
        name = p["name"]  # the script names its outputs and data relative to its own folder
        script = [f"set title {_q(p.get('title', p['name']))} noenhanced", "set key below noenhanced",
                  "set grid", "set xlabel noenhanced", "set ylabel noenhanced"] + cmds
        plot = "plot " + ", \\\n     ".join(lines)
        text = "\n".join([f"# gictlm-sweep plot '{name}': re-run by hand in this folder with 'gnuplot {name}.gp'",
                          f"set terminal {png} size 960,540 font ',10'", f"set output {_q(name + '.png')}"]
                         + script + [plot, "set output",
                                     "set terminal svg size 960,540 font 'sans,10' background '#ffffff'",
                                     f"set output {_q(name + '.svg')}", "replot", "set output"]) + "\n"
        with open(base + ".gp", "w", encoding="utf-8") as f:
            f.write(text)
        r = subprocess.run([gp, name + ".gp"], cwd=d, capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"gnuplot failed on {base}.gp: {r.stderr.strip()}")
        written += [base + ".png", base + ".svg"]
    return written

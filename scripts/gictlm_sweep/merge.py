"""Merge the per-point reports of a sweep (docs/sweep.md, "Results").

results.csv  one row per run: point id, workload, repetition, seed, the varied
             parameters, status (ok / failed / missing), exit code, the metrics
results.json the same runs with their full parameters and host time, the summary
summary.csv  one row per point (workload + varied parameters) over its seeds:
             n, and per metric mean, sample standard deviation, 95% CI half-width
"""
import csv
import io
import json
import os

from . import SCHEMA, VERSION
from . import jobs as J
from . import metrics as M
from . import stats as S


def _cell(v):
    if v is None:
        return ""
    if isinstance(v, float):
        return repr(round(v, 9)) if not v.is_integer() else str(int(v)) if abs(v) < 2**53 else repr(v)
    return str(v)


def read_run(out, run, metrics):
    """The merged record of one run."""
    d = J.point_dir(out, run)
    rec = {"id": run["id"], "workload": run["workload"], "rep": run["rep"], "seed": run["seed"],
           "params": run["params"], "status": "missing", "exit_code": None, "host_seconds": None,
           "host": None, "metrics": {k: None for k in metrics}}
    try:
        with open(os.path.join(d, "status"), encoding="utf-8") as f:
            parts = f.read().split()
        rec["exit_code"] = int(parts[0])
        rec["host_seconds"] = round(float(parts[2]) - float(parts[1]), 6)
        rec["host"] = parts[3] if len(parts) > 3 else None
    except (OSError, ValueError, IndexError):
        pass
    rp = os.path.join(d, "report.json")
    if os.path.isfile(rp):
        try:
            with open(rp, encoding="utf-8") as f:
                report = json.load(f)
        except (OSError, json.JSONDecodeError) as e:
            rec["status"] = "failed"
            rec["error"] = f"unreadable report: {e}"
            return rec
        rec["status"] = "ok"
        for k, m in metrics.items():
            rec["metrics"][k] = m.value(report)
    elif rec["exit_code"] is not None:
        rec["status"] = "failed"
    return rec


def merge(spec, runs, out):
    """Write results.csv, results.json and summary.csv; returns (records, summary)."""
    metrics = {k: M.compile_metric(v) for k, v in spec["metrics"].items()}
    pnames = sorted(spec.get("parameters", {}))
    recs = [read_run(out, r, metrics) for r in runs]

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["id", "workload", "rep", "seed"] + pnames + ["status", "exit_code"] + list(metrics))
    for r in recs:
        w.writerow([r["id"], r["workload"], r["rep"], _cell(r["seed"])] + [_cell(r["params"].get(p)) for p in pnames]
                   + [r["status"], _cell(r["exit_code"])] + [_cell(r["metrics"][k]) for k in metrics])
    _write(os.path.join(out, "results.csv"), buf.getvalue())

    groups = {}
    for r in recs:
        key = (r["workload"],) + tuple(json.dumps(r["params"].get(p)) for p in pnames)
        groups.setdefault(key, []).append(r)
    summary = []
    for key, rs in groups.items():
        row = {"workload": rs[0]["workload"], "params": rs[0]["params"], "runs": len(rs),
               "ok": sum(1 for r in rs if r["status"] == "ok"), "metrics": {}}
        for k in metrics:
            n, mean, sd, ci = S.summarize([r["metrics"][k] for r in rs if r["status"] == "ok"])
            row["metrics"][k] = {"n": n, "mean": mean, "stddev": sd, "ci95": ci}
        summary.append(row)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    head = ["workload"] + pnames + ["runs", "ok"]
    for k in metrics:
        head += [f"{k}_mean", f"{k}_stddev", f"{k}_ci95"]
    w.writerow(head)
    for s in summary:
        row = [s["workload"]] + [_cell(s["params"].get(p)) for p in pnames] + [s["runs"], s["ok"]]
        for k in metrics:
            m = s["metrics"][k]
            row += [_cell(m["mean"]), _cell(m["stddev"]), _cell(m["ci95"])]
        w.writerow(row)
    _write(os.path.join(out, "summary.csv"), buf.getvalue())

    doc = {"schema": "gictlm-sweep-results", "version": VERSION, "sweep": spec.get("name", "sweep"),
           "sweep_schema": f"{SCHEMA} v{VERSION}", "parameters": pnames, "metrics": list(metrics),
           "runs": recs, "summary": summary}
    _write(os.path.join(out, "results.json"), json.dumps(doc, indent=1, sort_keys=False) + "\n")
    return recs, summary


def _write(path, text):
    with open(path + ".part", "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(path + ".part", path)

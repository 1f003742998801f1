"""Read, validate and expand a sweep description (schema gictlm-sweep, version 1).

The format is documented in docs/sweep.md. Every error names the offending
key, so that a user can fix the file without reading this code.
"""
import hashlib
import itertools
import json
import math
import os
import random

from . import SCHEMA, VERSION


class SpecError(Exception):
    """A sweep description that cannot be used (message names the key)."""


TOP_KEYS = {"schema", "version", "name", "description", "fixed", "parameters", "sampling",
            "workloads", "repetitions", "seed_parameter", "first_seed", "metrics", "plots"}
WORKLOAD_KEYS = {"name", "config", "trace", "fixed"}


def _is_num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _is_int(v):
    """A JSON integer: not a float (1.0 == 1 in Python) and not a boolean (True == 1)."""
    return isinstance(v, int) and not isinstance(v, bool)


def _fmt(v):
    """Value as written on the command line (-p NAME=VALUE): integers without '.0'."""
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, float):
        if v.is_integer() and abs(v) < 2**53:
            return str(int(v))
        return repr(v)
    return str(v)


def _clean(v):
    """Integral floats become ints (so 16.0 and 16 are the same point)."""
    if isinstance(v, float) and v.is_integer() and abs(v) < 2**53:
        return int(v)
    return v


def _finite_values(name, d):
    """Values of a list, range or geometric form; None for a continuous form."""
    if isinstance(d, list):
        if not d:
            raise SpecError(f"parameters.{name}: empty list")
        for v in d:
            if not (_is_num(v) or isinstance(v, str)):
                raise SpecError(f"parameters.{name}: values must be numbers or strings, got {v!r}")
        return [_clean(v) for v in d]
    if not isinstance(d, dict) or len([k for k in d if k != "integer"]) != 1:
        raise SpecError(f"parameters.{name}: expected a list or one of "
                        "{\"range\": [from, to, step]}, {\"geometric\": [from, to, factor]}, "
                        "{\"uniform\": [lo, hi]}, {\"log_uniform\": [lo, hi]}")
    if "integer" in d and not isinstance(d["integer"], bool):
        raise SpecError(f"parameters.{name}.integer: true or false, got {json.dumps(d['integer'])}")
    kind = next(k for k in d if k != "integer")
    arg = d[kind]
    if kind in ("range", "geometric"):
        if not (isinstance(arg, list) and len(arg) == 3 and all(_is_num(x) for x in arg)):
            raise SpecError(f"parameters.{name}.{kind}: expected [from, to, {'step' if kind == 'range' else 'factor'}]")
        a, b, s = arg
        out = []
        if kind == "range":
            if s <= 0 or b < a:
                raise SpecError(f"parameters.{name}.range: need from <= to and step > 0")
            n = int(math.floor((b - a) / s + 1e-9)) + 1
            out = [a + i * s for i in range(n)]
        else:
            if a <= 0 or s <= 1 or b < a:
                raise SpecError(f"parameters.{name}.geometric: need 0 < from <= to and factor > 1")
            v = a
            while v <= b * (1 + 1e-9):
                out.append(v)
                v *= s
        if len(out) > 100000:
            raise SpecError(f"parameters.{name}: more than 100000 values")
        out = [round(v, 12) for v in out]
        if d.get("integer"):
            out = list(dict.fromkeys(int(round(v)) for v in out))
        return [_clean(v) for v in out]
    if kind in ("uniform", "log_uniform"):
        if not (isinstance(arg, list) and len(arg) == 2 and all(_is_num(x) for x in arg) and arg[0] <= arg[1]):
            raise SpecError(f"parameters.{name}.{kind}: expected [lo, hi] with lo <= hi")
        if kind == "log_uniform" and arg[0] <= 0:
            raise SpecError(f"parameters.{name}.log_uniform: lo must be > 0")
        return None
    raise SpecError(f"parameters.{name}: unknown form '{kind}'")


def _sample(name, d, rng):
    """One random value of a parameter (random sampling)."""
    vals = _finite_values(name, d)
    if vals is not None:
        return vals[rng.randrange(len(vals))]
    kind = next(k for k in d if k != "integer")
    lo, hi = d[kind]
    if kind == "uniform":
        v = lo + (hi - lo) * rng.random()
    else:
        v = math.exp(math.log(lo) + (math.log(hi) - math.log(lo)) * rng.random())
    if d.get("integer"):
        return int(round(v))
    return round(v, 9)


def _check_params(where, d):
    if not isinstance(d, dict):
        raise SpecError(f"{where}: expected an object of NAME: VALUE")
    for k, v in d.items():
        if not (k.startswith("gic.") or k.startswith("platform.")):
            raise SpecError(f"{where}.{k}: parameter names start with 'gic.' or 'platform.'")
        if not (_is_num(v) or isinstance(v, str)):
            raise SpecError(f"{where}.{k}: value must be a number or a string")


def load(path):
    """Parse and validate a sweep file; returns the description as a dict."""
    try:
        with open(path, encoding="utf-8") as f:
            spec = json.load(f)
    except OSError as e:
        raise SpecError(f"cannot read {path}: {e.strerror}")
    except json.JSONDecodeError as e:
        raise SpecError(f"{path}: not JSON: {e}")
    validate(spec)
    spec["_dir"] = os.path.dirname(os.path.abspath(path))
    return spec


def validate(spec):
    if not isinstance(spec, dict):
        raise SpecError("the sweep description must be a JSON object")
    if spec.get("schema") != SCHEMA:
        raise SpecError(f"schema must be \"{SCHEMA}\"")
    if not (_is_int(spec.get("version")) and spec["version"] == VERSION):
        raise SpecError(f"version {json.dumps(spec.get('version'))} not supported "
                        f"(this runner reads the integer version {VERSION})")
    unknown = set(spec) - TOP_KEYS
    if unknown:
        raise SpecError(f"unknown key(s): {', '.join(sorted(unknown))}")
    name = spec.get("name", "sweep")
    if not isinstance(name, str) or not name.replace("-", "").replace("_", "").isalnum():
        raise SpecError("name: letters, digits, '-' and '_' only")
    _check_params("fixed", spec.get("fixed", {}))
    params = spec.get("parameters", {})
    if not isinstance(params, dict):
        raise SpecError("parameters: expected an object")
    for k, d in params.items():
        if not (k.startswith("gic.") or k.startswith("platform.")):
            raise SpecError(f"parameters.{k}: parameter names start with 'gic.' or 'platform.'")
        _finite_values(k, d)
    samp = spec.get("sampling", {"method": "grid"})
    if not isinstance(samp, dict) or samp.get("method") not in ("grid", "random"):
        raise SpecError("sampling.method: 'grid' or 'random'")
    if samp["method"] == "grid":
        for k, d in params.items():
            if _finite_values(k, d) is None:
                raise SpecError(f"parameters.{k}: uniform/log_uniform need sampling.method 'random'")
    else:
        n = samp.get("points")
        if not (_is_int(n) and n > 0):
            raise SpecError("sampling.points: a positive integer")
        if not _is_int(samp.get("seed", 1)):
            raise SpecError("sampling.seed: an integer")
    wls = spec.get("workloads", [{"name": "default"}])
    if not isinstance(wls, list) or not wls:
        raise SpecError("workloads: a non-empty list")
    names = set()
    for i, w in enumerate(wls):
        if not isinstance(w, dict) or not isinstance(w.get("name"), str) or not w["name"]:
            raise SpecError(f"workloads[{i}]: an object with a 'name'")
        if w["name"] in names:
            raise SpecError(f"workloads[{i}]: duplicate name '{w['name']}'")
        names.add(w["name"])
        if set(w) - WORKLOAD_KEYS:
            raise SpecError(f"workloads[{i}]: unknown key(s) {', '.join(sorted(set(w) - WORKLOAD_KEYS))}")
        if "config" in w and "trace" in w:
            raise SpecError(f"workloads[{i}]: 'config' (platform run) or 'trace' (replay), not both")
        _check_params(f"workloads[{i}].fixed", w.get("fixed", {}))
    reps = spec.get("repetitions", 1)
    if not (_is_int(reps) and 1 <= reps <= 10000):
        raise SpecError("repetitions: an integer from 1 to 10000")
    sp = spec.get("seed_parameter", "platform.seed")
    if not isinstance(sp, str) or not (sp.startswith("gic.") or sp.startswith("platform.")):
        raise SpecError("seed_parameter: a parameter name (gic.* or platform.*)")
    if sp in params:
        raise SpecError(f"seed_parameter {sp} is also in parameters (repetitions vary it)")
    if not _is_int(spec.get("first_seed", 1)):
        raise SpecError("first_seed: an integer")
    mets = spec.get("metrics", {})
    if not isinstance(mets, dict) or not mets:
        raise SpecError("metrics: a non-empty object NAME: PATH or NAME: {\"expr\": ..., \"vars\": {...}}")
    from . import metrics as M  # local import: metrics has no dependency on spec
    for k, m in mets.items():
        if not k.replace("_", "").isalnum():
            raise SpecError(f"metrics.{k}: metric names use letters, digits and '_'")
        try:
            M.compile_metric(m)
        except M.MetricError as e:
            raise SpecError(f"metrics.{k}: {e}")
    plots = spec.get("plots", [])
    if not isinstance(plots, list):
        raise SpecError("plots: a list")
    from . import plot as P
    for i, p in enumerate(plots):
        err = P.check_plot(p, set(params) | {"workload"}, set(mets))
        if err:
            raise SpecError(f"plots[{i}]: {err}")


def _combos(spec):
    params = spec.get("parameters", {})
    names = sorted(params)
    samp = spec.get("sampling", {"method": "grid"})
    if samp["method"] == "grid":
        lists = [_finite_values(n, params[n]) for n in names]
        return [dict(zip(names, c)) for c in itertools.product(*lists)]
    rng = random.Random(samp.get("seed", 1))
    out, seen = [], set()
    draws = 0
    # distinct points: a draw equal to an earlier one is drawn again (finite value lists)
    while len(out) < samp["points"] and draws < 100 * samp["points"]:
        draws += 1
        c = {n: _sample(n, params[n], rng) for n in names}
        key = json.dumps(c, sort_keys=True)
        if key not in seen:
            seen.add(key)
            out.append(c)
    if len(out) < samp["points"]:
        raise SpecError(f"sampling.points: only {len(out)} distinct points found in {draws} draws; "
                        "the parameters have fewer combinations than that (use grid sampling)")
    return out


def point_id(workload, allp):
    """Identity of a run: a hash of what determines its result (the workload as written
    in the sweep file and every parameter value), not of paths to binaries, of the
    sweep file's location or of the output folder. Editing a sweep keeps the points it
    still contains; moving the checkout keeps them too."""
    key = [{k: workload[k] for k in sorted(workload)}, sorted((k, _fmt(v)) for k, v in allp.items())]
    h = hashlib.sha1(json.dumps(key, separators=(",", ":")).encode())
    return h.hexdigest()[:12]


def expand(spec):
    """All runs of the sweep, in a fixed order: workload, parameter point, repetition.

    Each run: {id, workload, tool, rep, seed, params (varied), fixed, args}, where args
    are the model arguments without the binary and the output file."""
    runs = []
    reps = spec.get("repetitions", 1)
    seed_p = spec.get("seed_parameter", "platform.seed")
    first = spec.get("first_seed", 1)
    for i, w in enumerate(spec.get("workloads", [{"name": "default"}])):
        tool = "replay" if "trace" in w else "platform"
        for key in ("config", "trace"):
            if key in w and not os.path.isfile(os.path.join(spec["_dir"], w[key])):
                raise SpecError(f"workloads[{i}].{key}: no such file: {os.path.join(spec['_dir'], w[key])} "
                                "(paths are relative to the sweep file)")
        fixed = dict(spec.get("fixed", {}))
        fixed.update(w.get("fixed", {}))
        for combo in _combos(spec):
            # a trace is deterministic and has no seed: one run per point
            nrep = 1 if tool == "replay" else reps
            for r in range(nrep):
                seed = first + r if tool == "platform" else None
                allp = dict(fixed)
                allp.update(combo)
                if seed is not None:
                    allp[seed_p] = seed
                args = []
                if tool == "platform":
                    if "config" in w:
                        args += ["--config", os.path.normpath(os.path.join(spec["_dir"], w["config"]))]
                    for k, v in allp.items():
                        args += ["-p", f"{k}={_fmt(v)}"]
                else:
                    for k, v in allp.items():
                        if not k.startswith("gic."):
                            raise SpecError(f"workload '{w['name']}' replays a trace: parameter {k} "
                                            "is not a GIC parameter (only gic.* apply to a replay)")
                        args += ["-p", f"{k[4:]}={_fmt(v)}"]
                    args.append(os.path.normpath(os.path.join(spec["_dir"], w["trace"])))
                runs.append({"id": point_id(w, allp), "workload": w["name"], "tool": tool,
                             "rep": r, "seed": seed, "params": combo, "args": args})
    seen = {}
    for r in runs:
        if r["id"] in seen:
            raise SpecError(f"two runs are identical (workload {r['workload']}, parameters {r['params']}); "
                            "a parameter value is listed twice?")
        seen[r["id"]] = r
    return runs

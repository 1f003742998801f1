#!/usr/bin/python3
"""Benchmark of gictlm-sweep: sweep throughput on this machine and parallel efficiency.

usage: bench_sweep.py BUILD_DIR [--rounds N] [--points N] [--sim-us US]

One sweep of P identical-cost points (the default platform for SIM = 100 ms, P = 4 x cores,
different seeds) is run through gictlm-sweep and GNU parallel alternately with -j 1 and
-j <all local cores>, ROUNDS (5) times each, in one process. Printed (medians):

  BENCH sweep_points_per_minute <points per minute on all cores> points/min
  BENCH sweep_parallel_efficiency <T(1 job) / (cores x T(all cores)), per round> x

and, to explain a low efficiency, how much CPU time the points got: the CPU time of
the points per wall second of the all-cores run, divided by the cores ("share of the
cores"; below 1 when other processes used them), and the CPU time per point in both
runs (higher with all cores when the points slow each other down: shared caches,
memory bandwidth, frequency).
"""
import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SWEEP = os.path.join(REPO, "scripts", "gictlm-sweep")


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def one(build, spec, tmp, jobs, tag):
    out = os.path.join(tmp, f"out-{tag}")
    shutil.rmtree(out, ignore_errors=True)
    c0, t0 = children_cpu(), time.monotonic()
    r = subprocess.run([sys.executable, SWEEP, "run", spec, "-o", out, "--bin-dir", build, "-j", str(jobs),
                        "--quiet", "--no-plots"], capture_output=True, text=True)
    wall, cpu = time.monotonic() - t0, children_cpu() - c0
    if r.returncode != 0:
        sys.exit(f"bench_sweep: gictlm-sweep failed ({r.returncode}):\n{r.stdout}\n{r.stderr}")
    with open(os.path.join(out, "results.json")) as f:
        in_points = sum(x["host_seconds"] for x in json.load(f)["runs"])
    return wall, cpu, in_points


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--points", type=int, default=0, help="default: 4 x cores")
    ap.add_argument("--sim-us", type=float, default=100000)
    a = ap.parse_args()
    cores = os.cpu_count() or 1
    npts = a.points or 4 * cores
    tmp = tempfile.mkdtemp(prefix="bench-sweep-")
    try:
        spec = os.path.join(tmp, "bench.json")
        with open(spec, "w") as f:
            json.dump({"schema": "gictlm-sweep", "version": 1, "name": "bench",
                       "fixed": {"platform.sim_time_us": a.sim_us}, "parameters": {},
                       "repetitions": npts, "metrics": {"msis": "msi.sent"}}, f)
        os.environ["SYSTEMC_DISABLE_COPYRIGHT_MESSAGE"] = "1"
        load0 = os.getloadavg()
        one(a.build, spec, tmp, cores, "warm")  # page cache, binaries, parallel's first start
        w1, wn, c1, cn, over = [], [], [], [], []
        for i in range(a.rounds):
            w, c, inside = one(a.build, spec, tmp, 1, f"1-{i}")
            w1.append(w)
            c1.append(c)
            over.append((w - inside) / npts)
            w, c, _ = one(a.build, spec, tmp, cores, f"n-{i}")
            wn.append(w)
            cn.append(c)
        load1 = os.getloadavg()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    m1, mn = statistics.median(w1), statistics.median(wn)
    # each round's 1-job and all-jobs runs are next to each other in time: the ratio of a
    # round is less exposed to a change of the machine's load than the ratio of medians
    effs = [a1 / (cores * an) for a1, an in zip(w1, wn)]
    eff = statistics.median(effs)
    share = statistics.median(c / (w * cores) for c, w in zip(cn, wn))
    cpu_ratio = statistics.median(c1) / statistics.median(cn)
    print(f"bench_sweep: {npts} points of {a.sim_us:g} us simulated (default platform), {a.rounds} rounds, "
          f"{cores} cores; load average before {load0[0]:.2f}, after {load1[0]:.2f}")
    print(f"bench_sweep: wall time, 1 job: median {m1:.2f} s {[round(x, 2) for x in w1]}; "
          f"{cores} jobs: median {mn:.2f} s {[round(x, 2) for x in wn]}")
    print(f"bench_sweep: CPU time per point, 1 job: {statistics.median(c1) / npts:.3f} s; "
          f"{cores} jobs: {statistics.median(cn) / npts:.3f} s; "
          f"share of the {cores} cores the points got in the {cores}-job runs: {share:.2f}")
    print(f"bench_sweep: efficiency per round {[round(e, 2) for e in effs]}; CPU time per point 1 job / "
          f"{cores} jobs: {cpu_ratio:.2f} (1.00: running side by side costs the points nothing)")
    print(f"bench_sweep: time of the runner itself (1 job: wall time minus the points' own wall time): "
          f"{statistics.median(over) * npts:.2f} s per sweep, {statistics.median(over) * 1000:.0f} ms per point "
          f"(a point: {(m1 / npts - statistics.median(over)) * 1000:.0f} ms); it is serial, so it bounds the "
          f"efficiency of this sweep to {m1 / (m1 + (cores - 1) * statistics.median(over) * npts):.2f}")
    print(f"BENCH sweep_points_per_minute {npts / mn * 60:.0f} points/min")
    print(f"BENCH sweep_parallel_efficiency {eff:.2f} x")
    if eff < 0.8:
        print(f"bench_sweep: efficiency below the 0.8 target; the points got {share:.2f} of the {cores} cores "
              "(other processes on the machine take the rest; see the load average)")


if __name__ == "__main__":
    main()

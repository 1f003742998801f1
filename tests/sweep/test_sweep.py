#!/usr/bin/python3
"""Tests of gictlm-sweep (docs/sweep.md), run by ctest (tests/sweep/CMakeLists.txt).

usage: test_sweep.py BUILD_DIR [unittest arguments, e.g. TinySweep]

Every test runs tiny sweeps (a few points of 100-300 us of simulated time) through
the real gictlm-platform / gictlm-replay and GNU parallel, in a temporary folder.
"""
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SWEEP = os.path.join(REPO, "scripts", "gictlm-sweep")
sys.path.insert(0, os.path.join(REPO, "scripts"))
sys.dont_write_bytecode = True
from gictlm_sweep import spec as S  # noqa: E402
from gictlm_sweep import metrics as M  # noqa: E402
from gictlm_sweep import stats as ST  # noqa: E402
from gictlm_sweep import threshold as T  # noqa: E402

BUILD = None
EVENT = "gic.its.event_cache.entries"
HITS = 'gic_stats.counters["its0.cache.event.hits"]'
MISSES = 'gic_stats.counters["its0.cache.event.misses"]'


def read(path, mode="r"):
    with open(path, mode) as f:
        return f.read()


def tiny_spec(**over):
    s = {"schema": "gictlm-sweep", "version": 1, "name": "tiny",
         "fixed": {"platform.sim_time_us": 200},
         "parameters": {EVENT: [16, 64], "platform.msi_interval_ns": [2000, 4000]},
         "repetitions": 2,
         "metrics": {"msis": "msi.sent", "delivered": "msi.delivered",
                     "event_hit_rate": {"expr": "h / (h + m)", "vars": {"h": HITS, "m": MISSES}},
                     "iar_p99_ns": {"expr": "x / 1000", "vars": {"x": "latency.msi_to_iar.p99_ps"}}}}
    s.update(over)
    return s


class Base(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="gictlm-sweep-test-")
        self.out = os.path.join(self.tmp, "out")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def write_spec(self, spec, name="sweep.json"):
        p = os.path.join(self.tmp, name)
        with open(p, "w") as f:
            json.dump(spec, f)
        return p

    def sweep(self, *args, expect=0):
        env = dict(os.environ, SYSTEMC_DISABLE_COPYRIGHT_MESSAGE="1")
        r = subprocess.run([sys.executable, SWEEP] + list(args), capture_output=True, text=True, env=env,
                           timeout=120)
        if expect is not None:
            self.assertEqual(r.returncode, expect, f"gictlm-sweep {' '.join(args)}:\n{r.stdout}\n{r.stderr}")
        return r

    def run_sweep(self, spec_path, *extra, expect=0):
        return self.sweep("run", spec_path, "-o", self.out, "--bin-dir", BUILD, "--no-plots", *extra,
                          expect=expect)

    def rows(self, name="results.csv"):
        with open(os.path.join(self.out, name)) as f:
            return list(csv.DictReader(f))


class Spec(unittest.TestCase):
    """Expansion of the description (no binaries needed)."""

    def expand(self, **over):
        s = tiny_spec(**over)
        S.validate(s)
        s["_dir"] = REPO
        return S.expand(s)

    def test_grid_is_the_product_times_repetitions(self):
        runs = self.expand()
        self.assertEqual(len(runs), 2 * 2 * 2)
        self.assertEqual(len({r["id"] for r in runs}), 8)
        self.assertEqual(sorted({r["seed"] for r in runs}), [1, 2])
        self.assertIn("-p", runs[0]["args"])
        self.assertIn("platform.seed=1", runs[0]["args"])

    def test_range_and_geometric(self):
        self.assertEqual(S._finite_values("a", {"range": [500, 2000, 500]}), [500, 1000, 1500, 2000])
        self.assertEqual(S._finite_values("a", {"geometric": [16, 2048, 2]}),
                         [16, 32, 64, 128, 256, 512, 1024, 2048])
        self.assertEqual(S._finite_values("a", {"range": [0.5, 1.0, 0.25]}), [0.5, 0.75, 1])

    def test_random_sampling_is_reproducible_and_in_bounds(self):
        over = {"parameters": {EVENT: [16, 32, 64, 128], "platform.msi_interval_ns": {"uniform": [1000, 3000]}},
                "sampling": {"method": "random", "points": 7, "seed": 42}, "repetitions": 1}
        a, b = self.expand(**over), self.expand(**over)
        self.assertEqual([r["params"] for r in a], [r["params"] for r in b])
        self.assertEqual(len(a), 7)
        for r in a:
            self.assertIn(r["params"][EVENT], [16, 32, 64, 128])
            self.assertTrue(1000 <= r["params"]["platform.msi_interval_ns"] <= 3000)
        over["sampling"]["seed"] = 43
        self.assertNotEqual([r["params"] for r in a], [r["params"] for r in self.expand(**over)])
        # finite lists only: the points are distinct, and asking for more than exist is an error
        fin = {"parameters": {EVENT: [16, 32, 64], "platform.msi_interval_ns": [1000, 2000]},
               "sampling": {"method": "random", "points": 6, "seed": 1}, "repetitions": 1}
        self.assertEqual(len({json.dumps(r["params"], sort_keys=True) for r in self.expand(**fin)}), 6)
        fin["sampling"]["points"] = 7
        with self.assertRaisesRegex(S.SpecError, "only 6 distinct points"):
            self.expand(**fin)

    def test_ids_survive_edits_of_other_points(self):
        a = {r["id"] for r in self.expand()}
        more = tiny_spec()
        more["parameters"][EVENT] = [16, 64, 256]
        b = {r["id"] for r in self.expand(parameters=more["parameters"])}
        self.assertTrue(a < b)

    def test_replay_workload_takes_gic_parameters_only(self):
        runs = self.expand(parameters={EVENT: [16, 64]}, fixed={},
                           workloads=[{"name": "boot", "trace": "traces/its_linux_bringup.trace"}])
        self.assertEqual(len(runs), 2)  # a trace has no seed: one run per point
        self.assertEqual(runs[0]["tool"], "replay")
        self.assertIn("its.event_cache.entries=16", runs[0]["args"])
        with self.assertRaisesRegex(S.SpecError, r"workloads\[0\]\.trace: no such file"):
            self.expand(parameters={EVENT: [16]}, fixed={}, workloads=[{"name": "x", "trace": "traces/nope.trace"}])
        with self.assertRaisesRegex(S.SpecError, "not a GIC parameter"):
            self.expand(workloads=[{"name": "boot", "trace": "traces/its_linux_bringup.trace"}])

    def test_bad_descriptions_name_the_key(self):
        cases = [({"version": 2}, "version 2"),
                 ({"version": 1.0}, "version 1.0 not supported"),  # 1.0 == 1 in Python
                 ({"version": True}, "version true not supported"),  # True == 1 in Python
                 ({"version": "1"}, 'version "1" not supported'),
                 ({"parameters": {EVENT: {"geometric": [4, 64, 2], "integer": "yes"}}},
                  r"parameters\.gic\.its\.event_cache\.entries\.integer: true or false"),
                 ({"parameters": {EVENT: {"range": [4, 64, 4], "integer": 1}}}, r"integer: true or false, got 1"),
                 ({"repetitions": True}, "repetitions"),
                 ({"first_seed": 1.0}, "first_seed"),
                 ({"parameters": {"its.x": [1]}}, r"parameters\.its\.x"),
                 ({"parameters": {EVENT: []}}, "empty list"),
                 ({"parameters": {EVENT: {"uniform": [1, 4]}}}, "need sampling.method 'random'"),
                 ({"metrics": {"m": {"expr": "__import__('os')", "vars": {"a": "msi.sent"}}}}, r"metrics\.m"),
                 ({"metrics": {"m": "msi..sent"}}, "bad path"),
                 ({"repetitions": 0}, "repetitions"),
                 ({"bogus": 1}, "unknown key"),
                 ({"plots": [{"name": "p", "kind": "xy", "x": "nothing", "y": ["msis"]}]}, r"plots\[0\]")]
        for over, msg in cases:
            with self.subTest(over=over):
                with self.assertRaisesRegex(S.SpecError, msg):
                    S.validate(tiny_spec(**over))
        # the boolean flag itself is accepted
        S.validate(tiny_spec(parameters={EVENT: {"geometric": [4, 64, 2], "integer": True}}))
        S.validate(tiny_spec(parameters={EVENT: {"geometric": [4, 64, 2], "integer": False}}))

    def test_metric_paths_and_expressions(self):
        rep = {"a": {"b.c": 6, "d": [1, {"e": 4}]}, "s": "9007199254740993"}
        self.assertEqual(M.compile_metric('a["b.c"]').value(rep), 6)
        self.assertEqual(M.compile_metric("a.d[1].e").value(rep), 4)
        self.assertEqual(M.compile_metric("s").value(rep), 9007199254740993)
        m = M.compile_metric({"expr": "x / (x + y)", "vars": {"x": 'a["b.c"]', "y": "a.d[1].e"}})
        self.assertAlmostEqual(m.value(rep), 0.6)
        self.assertIsNone(M.compile_metric("a.missing").value(rep))
        self.assertIsNone(M.compile_metric({"expr": "x / 0", "vars": {"x": "a.d[0]"}}).value(rep))

    def test_confidence_interval(self):
        n, mean, sd, ci = ST.summarize([1.0, 2.0, 3.0, 4.0, 5.0])
        self.assertEqual((n, mean), (5, 3.0))
        self.assertAlmostEqual(sd, 1.5811388, places=6)
        self.assertAlmostEqual(ci, 2.776 * 1.5811388 / 5 ** 0.5, places=5)
        self.assertEqual(ST.summarize([7.0])[2:], (None, None))

    def test_smallest_needs_the_whole_tail_below_the_limit(self):
        def row(e, mean, ci):
            return {"workload": "w", "params": {EVENT: e}, "metrics": {"p": {"mean": mean, "ci95": ci}}}
        summary = [row(16, 900, 10), row(32, 1200, 10), row(64, 950, 30), row(128, 800, 10)]
        (_, best, _), = T.smallest(summary, EVENT, "p", 1000)
        self.assertEqual(best, 64)  # 16 is below too, but 32 is not
        summary[2]["metrics"]["p"]["ci95"] = 60  # 950 + 60 >= 1000
        (_, best, _), = T.smallest(summary, EVENT, "p", 1000)
        self.assertEqual(best, 128)

    def test_smallest_refuses_what_does_not_exist(self):
        """--where of a parameter that is not varied, or of a value no point has, is an error
        (not an empty table); so are an unknown --param or --metric."""
        summary = [{"workload": "w", "params": {EVENT: e, "gic.lpi.cache.entries": l},
                    "metrics": {"p": {"mean": 900.0, "ci95": 10.0}}} for e in (16, 32) for l in (64, 256)]
        for where, msg in [({"foo": "1"}, r"--where foo=1: 'foo' is not a varied parameter"),
                           ({"platform.sim_time_us": "200"}, "is not a varied parameter"),
                           ({"gic.lpi.cache.entries": "999"},
                            r"--where gic.lpi.cache.entries=999: no point has this value "
                            r"\(gic.lpi.cache.entries has 64, 256\)"),
                           ({"workload": "x"}, r"workload has w")]:
            with self.subTest(where=where):
                with self.assertRaisesRegex(ValueError, msg):
                    T.smallest(summary, EVENT, "p", 1000, where)
        with self.assertRaisesRegex(ValueError, "--param gic.nope: not a varied parameter"):
            T.smallest(summary, "gic.nope", "p", 1000)
        with self.assertRaisesRegex(ValueError, r"--metric q: not a metric of the sweep \(metrics: p\)"):
            T.smallest(summary, EVENT, "q", 1000)
        # an existing value, also written as a float, selects its points
        for v in ("256", "256.0"):
            rows = T.smallest(summary, EVENT, "p", 1000, {"gic.lpi.cache.entries": v})
            self.assertEqual([(o["gic.lpi.cache.entries"], best) for o, best, _ in rows], [(256, 16)])


class Cli(Base):
    """Exit codes of docs/sweep.md: 1 for a usage, sweep-file or tool error (argparse's own
    would be 2), 3 for failed or missing points; smallest refuses an unknown --where."""

    def test_usage_errors_exit_1(self):
        p = self.write_spec(tiny_spec())
        for args in ([], ["bogus"], ["run"], ["run", p], ["run", p, "-o", self.out, "-j", "0"],
                     ["run", p, "-o", self.out, "--no-such-option"],
                     ["smallest", p, "-o", self.out, "--param", EVENT, "--metric", "msis"],
                     ["smallest", p, "-o", self.out, "--param", EVENT, "--metric", "msis", "--below", "x"],
                     ["slurm", p, "-o", self.out, "--per-task", "0"]):
            with self.subTest(args=args):
                r = self.sweep(*args, expect=1)
                self.assertIn("error:", r.stderr)
        self.assertIn("usage:", self.sweep("--help", expect=0).stdout)
        # a sweep-file error, and a sweep that cannot find its binary
        self.sweep("list", self.write_spec(tiny_spec(version=1.0), "v.json"), expect=1)
        r = self.sweep("run", p, "-o", self.out, "--bin-dir", self.tmp, expect=1)
        self.assertIn("not found", r.stderr)
        # nothing merged yet: status says pending (3), smallest has no results (1)
        self.sweep("status", p, "-o", self.out, expect=3)
        self.sweep("smallest", p, "-o", self.out, "--param", EVENT, "--metric", "msis", "--below", "1", expect=1)

    def test_smallest_where_must_exist(self):
        p = self.write_spec(tiny_spec())
        self.run_sweep(p)
        base = ["smallest", p, "-o", self.out, "--param", EVENT, "--metric", "iar_p99_ns", "--below", "100000"]
        r = self.sweep(*base, "--where", "platform.msi_interval_ns=4000")
        self.assertEqual(len(r.stdout.strip().splitlines()), 3)  # head, rule, one row
        for where, msg in [("foo=1", "'foo' is not a varied parameter"),
                           ("platform.sim_time_us=200", "'platform.sim_time_us' is not a varied parameter"),
                           ("platform.msi_interval_ns=999",
                            r"no point has this value \(platform.msi_interval_ns has 2000, 4000\)"),
                           ("platform.msi_interval_ns", "expects NAME=VALUE")]:
            with self.subTest(where=where):
                r = self.sweep(*base, "--where", where, expect=1)
                self.assertRegex(r.stderr, msg)
                self.assertEqual(r.stdout, "")  # no empty table


class TinySweep(Base):
    """A tiny sweep through GNU parallel on all local cores: the merged CSV holds the expected rows."""

    def test_tiny_sweep_merged_rows(self):
        p = self.write_spec(tiny_spec())
        r = self.run_sweep(p)
        self.assertIn("8 to run", r.stdout)
        rows = self.rows()
        self.assertEqual(len(rows), 8)
        got = sorted((int(x[EVENT]), int(x["platform.msi_interval_ns"]), int(x["seed"])) for x in rows)
        self.assertEqual(got, sorted((e, i, s) for e in (16, 64) for i in (2000, 4000) for s in (1, 2)))
        for x in rows:
            self.assertEqual((x["status"], x["exit_code"]), ("ok", "0"))
            self.assertGreater(int(x["msis"]), 0)
            self.assertLessEqual(int(x["delivered"]), int(x["msis"]))
            self.assertTrue(0.0 <= float(x["event_hit_rate"]) <= 1.0)
        # twice the load sends about twice the MSIs; a bigger event cache hits more
        by = {(int(x[EVENT]), int(x["platform.msi_interval_ns"]), int(x["seed"])): x for x in rows}
        self.assertGreater(int(by[(16, 2000, 1)]["msis"]), 1.5 * int(by[(16, 4000, 1)]["msis"]))
        self.assertGreater(float(by[(64, 2000, 1)]["event_hit_rate"]), float(by[(16, 2000, 1)]["event_hit_rate"]))
        # the CSV holds what the point's report says
        x = by[(16, 2000, 1)]
        rep = json.loads(read(os.path.join(self.out, "points", x["id"], "report.json")))
        self.assertEqual(int(x["msis"]), rep["msi"]["sent"])
        self.assertEqual(float(x["iar_p99_ns"]), rep["latency"]["msi_to_iar"]["p99_ps"] / 1000)
        summ = self.rows("summary.csv")
        self.assertEqual(len(summ), 4)
        for s in summ:
            self.assertEqual((s["runs"], s["ok"]), ("2", "2"))
            self.assertNotEqual(s["msis_ci95"], "")
        res = json.loads(read(os.path.join(self.out, "results.json")))
        self.assertEqual((res["schema"], res["version"], len(res["runs"])), ("gictlm-sweep-results", 1, 8))
        self.assertTrue(os.path.isfile(os.path.join(self.out, "joblog")))  # GNU parallel ran it

    def test_replay_workload(self):
        p = self.write_spec(tiny_spec(fixed={}, parameters={EVENT: [0, 16, 256]},
                                      workloads=[{"name": "bringup",
                                                  "trace": os.path.join(REPO, "traces", "its_linux_bringup.trace")}],
                                      metrics={"translated": 'counters["msi.received"]',
                                               "event_misses": 'counters["its0.cache.event.misses"]'}))
        self.run_sweep(p)
        rows = self.rows()
        self.assertEqual(len(rows), 3)
        self.assertEqual({x["status"] for x in rows}, {"ok"})
        self.assertEqual(len({x["translated"] for x in rows}), 1)  # same trace, same MSIs
        self.assertNotEqual(rows[0]["translated"], "")


class Resume(Base):
    def test_resume_skips_finished_points(self):
        p = self.write_spec(tiny_spec())
        self.run_sweep(p)
        rep = {x["id"]: os.path.join(self.out, "points", x["id"], "report.json") for x in self.rows()}
        mtimes = {k: os.stat(v).st_mtime_ns for k, v in rep.items()}
        r = self.run_sweep(p)
        self.assertIn("8 already done, 0 to run", r.stdout)
        self.assertEqual(mtimes, {k: os.stat(v).st_mtime_ns for k, v in rep.items()})
        # lose one point (and make another one look interrupted): only those run again
        victim, cut = sorted(rep)[:2]
        os.remove(rep[victim])
        os.rename(rep[cut], rep[cut] + ".part")
        r = self.run_sweep(p)
        self.assertIn("6 already done, 2 to run", r.stdout)
        for k in rep:
            if k not in (victim, cut):
                self.assertEqual(mtimes[k], os.stat(rep[k]).st_mtime_ns)
        self.assertEqual(len(self.rows()), 8)
        self.assertEqual({x["status"] for x in self.rows()}, {"ok"})
        # a grown sweep keeps what it had
        more = tiny_spec()
        more["parameters"][EVENT] = [16, 64, 256]
        r = self.run_sweep(self.write_spec(more))
        self.assertIn("8 already done, 4 to run", r.stdout)
        self.assertEqual(len(self.rows()), 12)


class FailingPoint(Base):
    def test_failing_point_is_reported_and_the_rest_complete(self):
        s = tiny_spec()
        s["parameters"][EVENT] = [16, 3, 64]  # 3 entries in 2 ways: refused by the configuration check
        p = self.write_spec(s)
        r = self.run_sweep(p, expect=3)
        rows = self.rows()
        self.assertEqual(len(rows), 12)
        bad = [x for x in rows if x[EVENT] == "3"]
        self.assertEqual(len(bad), 4)
        for x in bad:
            self.assertEqual((x["status"], x["exit_code"], x["msis"]), ("failed", "1", ""))
            self.assertIn(f"FAILED point {x['id']}", r.stderr)
        self.assertIn("must be a multiple of ways", r.stderr)
        self.assertEqual({x["status"] for x in rows if x[EVENT] != "3"}, {"ok"})
        st = self.sweep("status", p, "-o", self.out, expect=3)
        self.assertIn("12 runs: 8 done, 4 failed, 0 pending", st.stdout)
        # a run that crashes (killed by a signal) and one that writes no report count as failures
        fake = os.path.join(self.tmp, "bin", "platforms")
        os.makedirs(fake)
        with open(os.path.join(fake, "gictlm-platform"), "w") as f:
            f.write("#!/bin/sh\ncase \"$*\" in *seed=2*) kill -SEGV $$;; esac\nexit 0\n")
        os.chmod(os.path.join(fake, "gictlm-platform"), 0o755)
        out2 = os.path.join(self.tmp, "out2")
        r = self.sweep("run", self.write_spec(tiny_spec(), "s2.json"), "-o", out2, "--bin-dir",
                       os.path.join(self.tmp, "bin"), "--no-plots", expect=3)
        self.assertEqual(r.stderr.count("FAILED point"), 8)
        self.assertIn("wrote no report", r.stderr)


class Cluster(Base):
    def test_sshloginfile_job_list(self):
        """The same job list through GNU parallel's --sshloginfile (':' = this machine, no ssh needed)."""
        p = self.write_spec(tiny_spec())
        logins = os.path.join(self.tmp, "nodes")
        with open(logins, "w") as f:
            f.write("2/:\n")
        r = self.run_sweep(p, "--sshloginfile", logins)
        self.assertIn("machines of", r.stdout)
        self.assertEqual({x["status"] for x in self.rows()}, {"ok"})
        self.assertEqual(len(self.rows()), 8)
        r = self.sweep("jobs", p, "-o", os.path.join(self.tmp, "o2"), "--bin-dir", BUILD, "--sshloginfile", logins)
        self.assertIn("--sshloginfile " + logins, r.stdout)
        self.assertEqual(len(read(os.path.join(self.tmp, "o2", "jobs.txt")).splitlines()), 8)

    def test_slurm_array_script_runs_every_point(self):
        """Write the array script and run its tasks the way SLURM would (SLURM_ARRAY_TASK_ID = 1..N)."""
        p = self.write_spec(tiny_spec())
        self.sweep("slurm", p, "-o", self.out, "--bin-dir", BUILD, "--per-task", "3", "--max-running", "4",
                   "--sbatch=--partition=short")
        script = os.path.join(self.out, "sweep.slurm")
        text = read(script)
        self.assertIn("#SBATCH --array=1-3%4", text)  # 8 points, 3 per task
        self.assertIn("#SBATCH --partition=short", text)
        env = dict(os.environ, SYSTEMC_DISABLE_COPYRIGHT_MESSAGE="1")
        for task in (1, 2, 3):
            r = subprocess.run(["bash", script], env=dict(env, SLURM_ARRAY_TASK_ID=str(task)),
                               capture_output=True, text=True, timeout=60)
            self.assertEqual(r.returncode, 0, r.stderr)
        r = self.sweep("merge", p, "-o", self.out, "--no-plots")
        self.assertEqual(len(self.rows()), 8)
        self.assertEqual({x["status"] for x in self.rows()}, {"ok"})


class Plots(Base):
    def test_plots_are_png_and_svg(self):
        s = tiny_spec()
        s["plots"] = [
            {"name": "hit", "kind": "xy", "x": EVENT, "y": ["event_hit_rate"], "logx": 2},
            {"name": "lat", "kind": "xy", "x": "msis", "y": ["iar_p99_ns"], "series": [EVENT], "hline": 1000},
            {"name": "cdf", "kind": "cdf", "histogram": 'gic_stats.histograms["latency.line_to_iar.lpi"]',
             "scale": 0.001, "select": [{EVENT: 16, "platform.msi_interval_ns": 2000}]}]
        p = self.write_spec(s)
        self.sweep("run", p, "-o", self.out, "--bin-dir", BUILD)
        for name in ("hit", "lat", "cdf"):
            self.assertEqual(read(os.path.join(self.out, "plots", name + ".png"), "rb")[:4], b"\x89PNG")
            self.assertIn("<svg", read(os.path.join(self.out, "plots", name + ".svg"))[:400])
        # the CDF data ends at 1 and never decreases
        data = [tuple(map(float, ln.split())) for ln in read(os.path.join(self.out, "plots", "data", "cdf.0.dat"))
                .splitlines() if not ln.startswith("#")]
        self.assertEqual(data[-1][1], 1.0)
        self.assertEqual([y for _, y in data], sorted(y for _, y in data))

    def test_plot_scripts_run_from_their_own_folder(self):
        """docs/sweep.md: 'cd OUT/plots && gnuplot NAME.gp' re-draws a plot, wherever OUT is
        and whichever folder the sweep was started from (a relative -o here)."""
        s = tiny_spec()
        s["plots"] = [{"name": "hit", "kind": "xy", "x": EVENT, "y": ["event_hit_rate"], "logx": 2},
                      {"name": "cdf", "kind": "cdf", "histogram": 'gic_stats.histograms["latency.line_to_iar.lpi"]',
                       "scale": 0.001, "select": [{EVENT: 16, "platform.msi_interval_ns": 2000}]}]
        p = self.write_spec(s)
        env = dict(os.environ, SYSTEMC_DISABLE_COPYRIGHT_MESSAGE="1")
        r = subprocess.run([sys.executable, SWEEP, "run", p, "-o", "rel-out", "--bin-dir", BUILD],
                           cwd=self.tmp, capture_output=True, text=True, env=env, timeout=120)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        moved = os.path.join(self.tmp, "elsewhere")
        shutil.move(os.path.join(self.tmp, "rel-out"), moved)
        plots = os.path.join(moved, "plots")
        for name in ("hit", "cdf"):
            gp = read(os.path.join(plots, name + ".gp"))
            self.assertNotIn("rel-out", gp)
            self.assertNotIn(self.tmp, gp)
            self.assertIn(f"set output '{name}.png'", gp)
            self.assertIn(f"'data/{name}.0", gp)
            for ext in (".png", ".svg"):
                os.remove(os.path.join(plots, name + ext))
            r = subprocess.run(["gnuplot", name + ".gp"], cwd=plots, capture_output=True, text=True, timeout=60)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(read(os.path.join(plots, name + ".png"), "rb")[:4], b"\x89PNG")
            self.assertIn("<svg", read(os.path.join(plots, name + ".svg"))[:400])
        # error bars at the first and last x: gnuplot drops the bar of a point that rounding puts
        # outside an x range autoscaled exactly to the data (a log axis), so the range has a margin
        gp = read(os.path.join(plots, "hit.gp"))
        self.assertIn("set autoscale xfix", gp)
        self.assertIn("set offsets graph 0.03, graph 0.03", gp)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: test_sweep.py BUILD_DIR [unittest arguments]")
    BUILD = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)

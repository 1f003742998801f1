"""Command line of each point, the job list for GNU parallel, the SLURM array script.

The job list (OUT/jobs.txt) has one shell command line per pending point:

    sh .../point.sh OUT/points/<id> .../gictlm-platform --no-host-time -p ... --json report.json.part

It is the only thing any engine runs: GNU parallel on local cores, GNU parallel
with --sshloginfile on many machines, or a SLURM array task (line N for task N).
Paths are absolute; on many machines OUT, the binaries and the configurations
must be visible under the same paths (a shared file system).
"""
import os
import shlex
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
POINT_SH = os.path.join(HERE, "point.sh")
REPO = os.path.dirname(os.path.dirname(HERE))

TOOLS = {"platform": ("gictlm-platform", "platforms"), "replay": ("gictlm-replay", "")}


class JobError(Exception):
    pass


def find_binary(tool, bin_dir=None):
    """Path of gictlm-platform / gictlm-replay: in bin_dir (a build folder or the folder of
    the binaries), else $GICTLM_BIN_DIR, else build/ and build-run/ of this checkout, else PATH."""
    exe, sub = TOOLS[tool]
    cands = []
    for d in [bin_dir, os.environ.get("GICTLM_BIN_DIR")]:
        if d:
            cands += [os.path.join(d, sub, exe), os.path.join(d, exe)]
            if bin_dir:
                break  # an explicit --bin-dir is not second-guessed
    if not bin_dir:
        for b in ("build", "build-run"):
            cands.append(os.path.join(REPO, b, sub, exe))
    for c in cands:
        if os.path.isfile(c) and os.access(c, os.X_OK):
            return os.path.abspath(c)
    if not bin_dir:
        p = shutil.which(exe)
        if p:
            return os.path.abspath(p)
    raise JobError(f"{exe} not found (looked in {', '.join(cands) or 'PATH'}); build it or pass --bin-dir")


def point_dir(out, run):
    return os.path.join(os.path.abspath(out), "points", run["id"])


def command(run, binary):
    """The model's command line of one run (writes report.json.part in its folder)."""
    if run["tool"] == "platform":
        return [binary, "--no-host-time"] + run["args"] + ["--json", "report.json.part"]
    return [binary, "-q", "-o", "/dev/null", "-s", "report.json.part"] + run["args"]


def job_line(out, run, binary):
    return " ".join(shlex.quote(a) for a in ["sh", POINT_SH, point_dir(out, run)] + command(run, binary))


def is_done(out, run):
    return os.path.isfile(os.path.join(point_dir(out, run), "report.json"))


def write_job_list(out, runs, binaries):
    """OUT/jobs.txt with the pending runs; returns them."""
    pending = [r for r in runs if not is_done(out, r)]
    path = os.path.join(out, "jobs.txt")
    with open(path + ".part", "w", encoding="utf-8") as f:
        for r in pending:
            f.write(job_line(out, r, binaries[r["tool"]]) + "\n")
    os.replace(path + ".part", path)
    return pending


SLURM_TEMPLATE = """#!/bin/bash
# SLURM array job of the gictlm sweep '{name}' (written by gictlm-sweep slurm; docs/sweep.md).
# Task N runs lines (N-1)*{per}+1 .. N*{per} of {jobs} (the points not done when this
# script was written). Points already done are skipped, so the script can be resubmitted.
# Afterwards: {merge}
#SBATCH --job-name=gictlm-{name}
#SBATCH --array=1-{tasks}{throttle}
#SBATCH --cpus-per-task=1
#SBATCH --output={out}/slurm/%A_%a.out
{extra}set -u
jobs={jobs}
per={per}
first=$(( (SLURM_ARRAY_TASK_ID - 1) * per + 1 ))
last=$(( SLURM_ARRAY_TASK_ID * per ))
rc=0
while IFS= read -r line; do
  sh -c "$line" || rc=1
done < <(sed -n "${{first}},${{last}}p" "$jobs")
exit $rc
"""


def slurm_script(out, name, n_jobs, per_task=1, max_running=0, extra_sbatch=()):
    out = os.path.abspath(out)
    tasks = max(1, (n_jobs + per_task - 1) // per_task)
    extra = "".join(f"#SBATCH {x}\n" for x in extra_sbatch)
    merge = f"{shlex.quote(os.path.join(REPO, 'scripts', 'gictlm-sweep'))} merge SWEEP.json -o {shlex.quote(out)}"
    return SLURM_TEMPLATE.format(name=name, per=per_task, jobs=shlex.quote(os.path.join(out, "jobs.txt")),
                                 tasks=tasks, throttle=f"%{max_running}" if max_running else "",
                                 out=out, extra=extra, merge=merge)

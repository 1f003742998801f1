"""Run the pending points of a sweep with GNU parallel.

Local cores by default (-j N, default: all cores), or many machines with
--sshloginfile FILE (GNU parallel's own option; ':' in that file is this
machine). Progress and ETA: a line every few seconds (rewritten in place on a terminal),
counted from the points' status files, so it works the same for local and
remote jobs; GNU parallel's own --eta is available with eta=True.
A failing point does not stop the others (--halt never); its exit code and the
last line of its stderr are reported afterwards.
"""
import os
import shutil
import subprocess
import sys
import threading
import time

from . import jobs as J


class RunError(Exception):
    pass


def parallel_binary():
    p = shutil.which("parallel")
    if not p:
        raise RunError("GNU parallel not found: install the Debian package 'parallel' (scripts/install-deps.sh)")
    try:
        v = subprocess.run([p, "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired) as e:
        raise RunError(f"cannot run {p}: {e}")
    if "GNU parallel" not in v:
        raise RunError(f"{p} is not GNU parallel (moreutils' parallel?): install the Debian package 'parallel'")
    return p


def parallel_command(out, jobs=None, sshloginfile=None, progress="eta"):
    """The GNU parallel command that runs OUT/jobs.txt (also printed for manual use)."""
    cmd = ["parallel", "--halt", "never", "--joblog", os.path.join(os.path.abspath(out), "joblog")]
    if sshloginfile:
        cmd += ["--sshloginfile", os.path.abspath(sshloginfile)]
    if jobs:
        cmd += ["-j", str(jobs)]
    if progress == "eta":
        cmd.append("--eta")
    elif progress == "bar":
        cmd.append("--bar")
    cmd += ["--arg-file", os.path.join(os.path.abspath(out), "jobs.txt")]
    return cmd


class Progress:
    """Counts finished points (status files appear when a point ends) and prints
    done/failed/left, rate and ETA."""

    def __init__(self, out, pending, stream=sys.stderr, period=None):
        self.dirs = [J.point_dir(out, r) for r in pending]
        self.stream = stream
        self.tty = stream.isatty()
        self.period = period or (1.0 if self.tty else 10.0)
        self.t0 = time.monotonic()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def counts(self):
        done = failed = 0
        for d in self.dirs:
            if os.path.isfile(os.path.join(d, "report.json")):
                done += 1
            elif os.path.isfile(os.path.join(d, "status")):
                failed += 1
        return done, failed

    def line(self):
        done, failed = self.counts()
        n = len(self.dirs)
        el = time.monotonic() - self.t0
        fin = done + failed
        eta = f"ETA {(n - fin) * el / fin:.0f} s" if fin else "ETA ?"
        rate = f"{fin / el * 60:.0f} points/min" if el > 0 else ""
        return f"progress: {fin}/{n} ({100 * fin // max(n, 1)}%), {failed} failed, {el:.0f} s, {rate}, {eta}"

    def _loop(self):
        last = None
        while not self.stop.wait(self.period):
            ln = self.line()
            if ln != last:
                self.stream.write(("\r" + ln + "   ") if self.tty else (ln + "\n"))
                self.stream.flush()
                last = ln

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()
        self.stream.write(("\r" if self.tty else "") + self.line() + "\n")
        self.stream.flush()


def run(out, pending, jobs=None, sshloginfile=None, quiet=False, eta=False):
    """Run the job list; returns (seconds, exit code of parallel)."""
    if not pending:
        return 0.0, 0
    pbin = parallel_binary()
    cmd = parallel_command(out, jobs, sshloginfile, "eta" if eta and not quiet else "none")
    cmd[0] = pbin
    # GNU parallel runs each line of the arg file as a command: no replacement strings
    # are interpreted in it (there is no command template on its command line).
    t0 = time.monotonic()
    try:
        if quiet or eta:
            rc = subprocess.run(cmd, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL if quiet else None).returncode
        else:
            with Progress(out, pending):
                rc = subprocess.run(cmd, stdin=subprocess.DEVNULL).returncode
    except KeyboardInterrupt:
        raise RunError("interrupted: finished points are kept; run the same command again to resume")
    return time.monotonic() - t0, rc


def failures(out, runs):
    """[(run, exit code, last stderr line)] of the runs that ran and failed."""
    bad = []
    for r in runs:
        d = J.point_dir(out, r)
        if os.path.isfile(os.path.join(d, "report.json")):
            continue
        st = os.path.join(d, "status")
        if not os.path.isfile(st):
            continue
        try:
            with open(st, encoding="utf-8") as f:
                rc = f.read().split()[0]
        except (OSError, IndexError):
            rc = "?"
        last = ""
        try:
            with open(os.path.join(d, "stderr"), encoding="utf-8", errors="replace") as f:
                lines = [x.strip() for x in f if x.strip()]
                last = lines[-1] if lines else ""
        except OSError:
            pass
        bad.append((r, rc, last))
    return bad

#!/usr/bin/python3
"""Host instructions per MSI under callgrind: the host-cost ratios of the scale and
virtualization targets, independent of the machine's load.

usage: bench_instr.py BUILD_DIR [--msis N] [--sim-us US] [-j JOBS] [--require-valgrind]

The wall-clock benchmarks (bench_msi_scale, bench_platform_virt) measure the same
ratios in host time, which a shared machine moves by 10-30% from one minute to the
next. Instruction counts do not move: they separate the model's own work (the
algorithm) from the host's memory latency, which instructions do not see.

Every figure is a difference of two runs, so that start-up, set-up and warm-up cancel:

  MSI path (bench_msi_scale --case PAIRS CPUS N, callgrind collecting inside
  msi_loop only): (Ir(2N) - Ir(N)) / (MSIs(2N) - MSIs(N)); an MSI here is gic_msi,
  the translation, the delivery, ICC_IAR1_EL1 and ICC_EOIR1_EL1.
  Core paths (bench_core_paths N PATH, whole process; N a multiple of its 9 batches):
  (Ir(2N) - Ir(N)) / N.
  Platform (gictlm-platform, whole process): (Ir(2T) - Ir(T)) / (MSIs(2T) - MSIs(T)),
  with the configurations of bench_platform_virt, which it prints with
  --print-configs (T = --sim-us simulated us).

Printed:
  BENCH msi_instr_1k / _64k / _1m / _512cpu / _1k_uncached / _1m_uncached <per MSI> instr
  BENCH msi_instr_1m_vs_1k <ratio> x            issue 11: within 1.1x means the
                                                growth left is host memory latency
  BENCH msi_instr_1m_vs_1k_uncached <ratio> x   the same with equal modelled work
                                                (no GIC caches)
  BENCH msi_instr_512cpu_vs_4cpu <ratio> x      64K pairs on 512 vs 4 CPUs
  BENCH core_msi_instr / core_platform_instr / core_spi_instr <per round trip> instr
                                                the three paths of bench_core_paths (warm
                                                caches): the regression check of the core
  BENCH platform_physical_instr_per_msi <n> instr
  BENCH platform_v4_instr_per_msi <n> instr
  BENCH platform_v4_instr_vs_physical <ratio> x        (wall clock: platform_v4_msi_vs_physical)
  BENCH platform_v4_instr_vs_physical_busy <ratio> x   (one resident vCPU per CPU)
  BENCH platform_physical_gic_accesses_per_msi / platform_v4_gic_accesses_per_msi <n> count
                                                the modelled work: register and system
                                                register accesses and MSIs per MSI (the
                                                report's "wrapper" counters)
  BENCH platform_v4_instr_per_access_vs_physical <ratio> x
                                                host instructions per GIC access, v4.0
                                                default against physical: the cost of
                                                the same unit of modelled work

Needs valgrind (Debian package `valgrind`); without it the benchmark says so and
exits 0 (exit 1 with --require-valgrind, as in the ctest bench.instr_smoke). About 20 s
on two cores.
"""
import argparse
import concurrent.futures
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# (name, pairs, cpus, uncached)
MSI_CASES = [
    ("1k", 1024, 4, False),
    ("64k", 65536, 4, False),
    ("1m", 1 << 20, 4, False),
    ("512cpu", 65536, 512, False),
    ("1k_uncached", 1024, 4, True),
    ("1m_uncached", 1 << 20, 4, True),
]

CORE_PATHS = ["msi", "platform", "spi"]  # bench_core_paths N PATH

# bench_platform_virt's configurations (bench_platform_virt --print-configs)
PLATFORM_CASES = ["physical", "v4", "v4_busy"]

IR = re.compile(r"^==\d+== (?:I|Collected)\s*refs:\s*([\d,]+)", re.M)


def callgrind(cmd, extra):
    """Instructions counted by callgrind for cmd (its stdout returned too)."""
    r = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"] + extra + cmd,
                       capture_output=True, text=True,
                       env=dict(os.environ, SYSTEMC_DISABLE_COPYRIGHT_MESSAGE="1"))
    m = IR.search(r.stderr)
    if r.returncode != 0 or not m:
        sys.exit(f"bench_instr: {' '.join(cmd)} failed ({r.returncode}):\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}")
    return int(m.group(1).replace(",", "")), r.stdout


def msi_run(exe, pairs, cpus, uncached, n):
    """(Ir inside msi_loop, MSIs made by msi_loop) for one --case run of n MSIs."""
    cmd = [exe, "--case", str(pairs), str(cpus), str(n)] + (["uncached"] if uncached else [])
    ir, out = callgrind(cmd, ["--collect-atstart=no", "--toggle-collect=msi_loop*"])
    m = re.search(r"(\d+) of (\d+) delivered, (\d+) not acknowledged", out)
    if not m or m.group(1) != m.group(2) or m.group(3) != "0":
        sys.exit(f"bench_instr: {' '.join(cmd)}: not every MSI delivered and acknowledged:\n{out}")
    w = re.search(r"warm-up (\d+) MSIs", out)
    if not w:
        sys.exit(f"bench_instr: {' '.join(cmd)}: no warm-up count in its output:\n{out}")
    return ir, n + int(w.group(1))  # the warm-up runs in msi_loop too


def core_run(exe, path, n):
    return callgrind([exe, str(n), path], [])[0], n


def platform_configs(build):
    """name -> gictlm-platform arguments, from bench_platform_virt (one source for both benchmarks)."""
    exe = os.path.join(build, "tests", "bench", "bench_platform_virt")
    r = subprocess.run([exe, "--print-configs"], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"bench_instr: {exe} --print-configs failed ({r.returncode}):\n{r.stderr}")
    cfgs = dict(line.split("\t", 1) for line in r.stdout.splitlines() if "\t" in line)
    missing = [n for n in PLATFORM_CASES if n not in cfgs]
    if missing:
        sys.exit(f"bench_instr: bench_platform_virt has no configuration {missing}")
    return {n: shlex.split(cfgs[n]) for n in PLATFORM_CASES}


def platform_run(exe, args, sim_us, tmp, tag):
    js = os.path.join(tmp, f"{tag}-{sim_us}.json")
    ir, _ = callgrind([exe] + args + ["-p", f"platform.sim_time_us={sim_us}", "--no-progress", "--json", js], [])
    with open(js) as f:
        d = json.load(f)
    if not d["msi"]["conservation_ok"]:
        sys.exit(f"bench_instr: {tag}: MSI conservation violated")
    w = d["wrapper"]  # the GIC accesses the run made: registers, system registers, MSIs
    return ir, d["msi"]["sent"], w["mmio_reads"] + w["mmio_writes"] + w["sysreg_accesses"] + w["msis_posted"]


def per_msi(a, b):
    (ir1, n1), (ir2, n2) = a, b
    if n2 <= n1:
        sys.exit("bench_instr: the longer run made no more MSIs")
    return (ir2 - ir1) / (n2 - n1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--msis", type=int, default=20000)
    ap.add_argument("--sim-us", type=float, default=20000)
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--require-valgrind", action="store_true", help="fail (instead of skipping) without valgrind")
    a = ap.parse_args()
    if a.msis < 1 or a.sim_us <= 0 or a.jobs < 1:
        sys.exit("bench_instr: --msis, --sim-us and -j must be positive")
    if not shutil.which("valgrind"):
        print("bench_instr: valgrind not found (Debian package valgrind): skipped")
        return 1 if a.require_valgrind else 0
    scale = os.path.join(a.build, "tests", "bench", "bench_msi_scale")
    plat = os.path.join(a.build, "platforms", "gictlm-platform")
    core = os.path.join(a.build, "tests", "bench", "bench_core_paths")
    ncore = max(9, a.msis // 9 * 9)
    if not os.path.exists(scale):
        sys.exit(f"bench_instr: {scale} not found")
    with tempfile.TemporaryDirectory() as tmp, concurrent.futures.ThreadPoolExecutor(a.jobs) as ex:
        jobs = {}
        for name, pairs, cpus, unc in MSI_CASES:
            for n in (a.msis, 2 * a.msis):
                jobs[("msi", name, n)] = ex.submit(msi_run, scale, pairs, cpus, unc, n)
        for path in CORE_PATHS:
            for n in (ncore, 2 * ncore):
                jobs[("core", path, n)] = ex.submit(core_run, core, path, n)
        have_platform = os.path.exists(plat)
        if have_platform:
            sim = int(a.sim_us)
            for name, args in platform_configs(a.build).items():
                for t in (sim, 2 * sim):
                    jobs[("plat", name, t)] = ex.submit(platform_run, plat, args, t, tmp, name)
        res = {k: f.result() for k, f in jobs.items()}

    msi = {name: per_msi(res[("msi", name, a.msis)], res[("msi", name, 2 * a.msis)])
           for name, *_ in MSI_CASES}
    for name in ("1k", "64k", "1m", "512cpu", "1k_uncached", "1m_uncached"):
        print(f"BENCH msi_instr_{name} {msi[name]:.0f} instr")
    print(f"BENCH msi_instr_1m_vs_1k {msi['1m'] / msi['1k']:.3f} x")
    print(f"BENCH msi_instr_1m_vs_1k_uncached {msi['1m_uncached'] / msi['1k_uncached']:.3f} x")
    print(f"BENCH msi_instr_512cpu_vs_4cpu {msi['512cpu'] / msi['64k']:.3f} x")
    for path in CORE_PATHS:
        print(f"BENCH core_{path}_instr {per_msi(res[('core', path, ncore)], res[('core', path, 2 * ncore)]):.0f} instr")
    if not have_platform:
        print(f"bench_instr: {plat} not found (built without SystemC?): platform figures skipped")
        return 0
    sim = int(a.sim_us)
    r1 = {name: res[("plat", name, sim)] for name in PLATFORM_CASES}
    r2 = {name: res[("plat", name, 2 * sim)] for name in PLATFORM_CASES}
    p = {name: per_msi(r1[name][:2], r2[name][:2]) for name in PLATFORM_CASES}
    # GIC accesses per MSI (same difference), and instructions per access
    acc = {name: per_msi((r1[name][2], r1[name][1]), (r2[name][2], r2[name][1])) for name in PLATFORM_CASES}
    per_acc = {name: p[name] / acc[name] for name in PLATFORM_CASES}
    print(f"BENCH platform_physical_instr_per_msi {p['physical']:.0f} instr")
    print(f"BENCH platform_v4_instr_per_msi {p['v4']:.0f} instr")
    print(f"BENCH platform_v4_instr_vs_physical {p['v4'] / p['physical']:.3f} x")
    print(f"BENCH platform_v4_instr_vs_physical_busy {p['v4_busy'] / p['physical']:.3f} x")
    print(f"BENCH platform_physical_gic_accesses_per_msi {acc['physical']:.2f} count")
    print(f"BENCH platform_v4_gic_accesses_per_msi {acc['v4']:.2f} count")
    print(f"BENCH platform_v4_instr_per_access_vs_physical {per_acc['v4'] / per_acc['physical']:.3f} x")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Scaling of one environment step with the network size N: runs ecsim_bench for the network
kernels (BM_NetworkStep*/N, one thread, 33 inner steps, Hopper I/O) and for the SystemC chip
(BM_ChipStep, one process per chip config, a network that fills the chip), then writes
scaling.md (the tables), scaling.png (log-log: wall time per env step against N) and the raw
Google Benchmark JSON of each run into --out.

Usage: scripts/bench-scaling.py [--bench PATH] [--out DIR] [--quick] [--min-time S] [--chip PATH]...
See docs/results.md, "Scaling with N". Needs matplotlib (Debian: python3-matplotlib).
"""
import argparse
import json
import math
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_BENCH = os.path.join(ROOT, "build", "bin", "ecsim_bench")
DEFAULT_CHIP = os.path.join(ROOT, "configs", "chip_default.json")
# the chip configs of the full run besides the default chip (4 cores, N = 256)
OTHER_CHIPS = [os.path.join(ROOT, "configs", n) for n in ("chip_16core_1024.json", "chip_64core_4096.json")]
QUICK_N = (256, 512)
QUICK_MIN_TIME = 0.01

# the kernels, BM_NetworkStep<suffix>/N (bench/bench_network.cpp), and their display names; an
# AVX-512 kernel's suffix shows as it is. Left out: the variants measured at N = 256 only
# (FloatArith, FloatEventDenormals).
KERNEL_SUFFIX = "(Portable|Avx2|Avx512[A-Za-z0-9]*|FloatDense|FloatEvent)?"
KERNEL_NAMES = {
    "": "1-bit, auto",
    "Portable": "1-bit, portable",
    "Avx2": "1-bit, AVX2",
    "FloatDense": "float32 dense",
    "FloatEvent": "float32 event-driven",
}
NETWORK_RUN = re.compile(r"^BM_NetworkStep%s/([0-9]+)$" % KERNEL_SUFFIX)


class UsageError(Exception):
    """a bad argument or file the user can fix: exit 2"""


def fail(message, code):
    print("bench-scaling.py: " + message, file=sys.stderr)
    sys.exit(code)


def positive_float(text):
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError("'%s' is not a number of seconds" % text)
    if not math.isfinite(v) or v <= 0:
        raise argparse.ArgumentTypeError("'%s' must be a positive number of seconds" % text)
    return v


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="bench-scaling.py",
        description="Time per environment step against N for every network kernel and the SystemC chip configs "
        "(runs ecsim_bench; writes scaling.md, scaling.png and the raw JSON into --out).")
    p.add_argument("--bench", default=DEFAULT_BENCH, help="the ecsim_bench binary (default: build/bin/ecsim_bench)")
    p.add_argument("--out", default=".", help="folder for scaling.md, scaling.png and the JSON files (default: .)")
    p.add_argument("--quick", action="store_true",
                   help="a smoke run: N = 256 and 512 only, the default chip only, --min-time %g" % QUICK_MIN_TIME)
    p.add_argument("--min-time", type=positive_float, metavar="S",
                   help="Google Benchmark's --benchmark_min_time per benchmark, in s (default: its own, 0.5 s)")
    p.add_argument("--chip", action="append", metavar="PATH",
                   help="a chip config to run besides the default chip (repeatable; default: "
                   "configs/chip_16core_1024.json and configs/chip_64core_4096.json; none with --quick)")
    a = p.parse_args(argv)
    if not os.path.isfile(a.bench) or not os.access(a.bench, os.X_OK):
        raise UsageError("--bench %s: no executable file there\n  fix: build it (cmake --build build --target "
                         "ecsim_bench) or give --bench PATH" % a.bench)
    if os.path.exists(a.out) and not os.path.isdir(a.out):
        raise UsageError("--out %s is a file, not a folder\n  fix: give a folder (it is created if missing)" % a.out)
    chips = a.chip if a.chip is not None else ([] if a.quick else OTHER_CHIPS)
    for c in chips:
        if not os.path.isfile(c):
            raise UsageError("--chip %s: no such chip config file\n  fix: give a path to a chip config, e.g. "
                             "configs/chip_16core_1024.json" % c)
    a.chips = [os.path.abspath(c) for c in chips]
    if a.min_time is None and a.quick:
        a.min_time = QUICK_MIN_TIME
    return a


def run_bench(bench, args, json_path):
    """runs ecsim_bench with --benchmark_format=json (no shell), saves and returns the JSON"""
    cmd = [bench, "--benchmark_format=json"] + args
    print("running: " + " ".join(cmd), file=sys.stderr, flush=True)
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    if r.returncode != 0:
        sys.stderr.write(r.stderr.decode(errors="replace"))
        fail("%s exited with status %d" % (" ".join(cmd), r.returncode), 1)
    try:
        doc = json.loads(r.stdout)
    except ValueError as e:
        fail("%s printed no JSON on stdout (%s)" % (" ".join(cmd), e), 1)
    with open(json_path, "w") as f:
        f.write(r.stdout.decode())
    return doc


def us(b):
    """wall time per iteration in µs"""
    scale = {"ns": 1e-3, "us": 1.0, "ms": 1e3, "s": 1e6}[b.get("time_unit", "ns")]
    return b["real_time"] * scale


def skipped(b):
    return bool(b.get("error_occurred") or b.get("skipped"))


def measured_runs(doc):
    """single runs (or, with repetitions, the medians), and the skipped ones: (ok, skipped)"""
    ok, skip = [], []
    for b in doc.get("benchmarks", []):
        if skipped(b):
            skip.append(b)
        elif b.get("run_type") == "aggregate" and b.get("aggregate_name") == "median":
            ok.append(dict(b, name=b["run_name"]))
        elif b.get("run_type", "iteration") == "iteration" and b.get("repetitions", 1) <= 1:
            ok.append(b)
    return ok, skip


def chip_info(path):
    """(name, cores, N) of a chip config"""
    with open(path) as f:
        c = json.load(f)
    cores = c["cores"]["count"]
    return c.get("name", os.path.basename(path)), cores, cores * c["cores"]["neurons_per_core"]


def fmt_us(v):
    return "%.0f" % v if v >= 100 else "%.1f" % v if v >= 10 else "%.2f" % v


def machine_line(doc):
    ctx = doc.get("context", {})
    load = ctx.get("load_avg", [])
    return "%s; %s CPUs at %s MHz; load average %s" % (
        ctx.get("date", "?"), ctx.get("num_cpus", "?"), ctx.get("mhz_per_cpu", "?"),
        ", ".join("%.2f" % x for x in load) if load else "?")


def write_table(path, kernels, chips, notes, net_doc, min_time):
    lines = ["# Time per environment step against N", ""]
    lines.append("ecsim_bench, one thread, 33 inner steps per env step, Hopper I/O (d_in = 11, d_out = 3); "
                 "wall time per env step in µs. Measured %s; --benchmark_min_time %s."
                 % (machine_line(net_doc), "%g s" % min_time if min_time else "Google Benchmark's default"))
    lines.append("")
    names = list(kernels)
    all_n = sorted({n for k in kernels.values() for n in k})
    lines.append("| N | " + " | ".join(names) + " |")
    lines.append("|---:|" + "---:|" * len(names))
    for n in all_n:
        lines.append("| %d | " % n + " | ".join(fmt_us(kernels[k][n]) if n in kernels[k] else "–" for k in names)
                     + " |")
    lines.append("")
    lines.append("The SystemC chip (BM_ChipStep: one process per chip config, a network that fills the chip):")
    lines.append("")
    lines.append("| chip | cores | N | µs per env step | chip cycles per env step | simulated cycles per wall s |")
    lines.append("|---|---:|---:|---:|---:|---:|")
    for c in chips:
        lines.append("| %s | %d | %d | %s | %.0f | %.2f M |" % (c["name"], c["cores"], c["n"], fmt_us(c["us"]),
                                                              c["cycles_per_step"], c["cycles_per_s"] / 1e6))
    if notes:
        lines.append("")
        lines.extend("Note: " + n for n in notes)
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def write_plot(path, plt, ticker, kernels, chips):
    fig, ax = plt.subplots(figsize=(8, 5.5), dpi=120)
    for name, pts in kernels.items():
        ns = sorted(pts)
        ax.plot(ns, [pts[n] for n in ns], marker="o", markersize=4, linewidth=1.5, label=name)
    if chips:
        cs = sorted(chips, key=lambda c: c["n"])
        ax.plot([c["n"] for c in cs], [c["us"] for c in cs], color="black", linestyle="--", marker="s",
                markersize=7, linewidth=1.2, label="SystemC chip (N = capacity)")
        for c in cs:
            ax.annotate("%d cores\n%.1f M cycles/s" % (c["cores"], c["cycles_per_s"] / 1e6), (c["n"], c["us"]),
                        textcoords="offset points", xytext=(8, -4), fontsize=8, va="top")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    all_n = sorted({n for k in kernels.values() for n in k} | {c["n"] for c in chips})
    ax.set_xticks(all_n)
    ax.set_xticklabels([str(n) for n in all_n])
    ax.xaxis.set_minor_locator(ticker.NullLocator())
    ax.set_xlabel("N (neurons)")
    ax.set_ylabel("wall time per env step (µs, log scale)")
    ax.set_title("One environment step (33 inner steps, Hopper I/O), one thread")
    ax.grid(True, which="major", alpha=0.35)
    ax.grid(True, which="minor", axis="y", alpha=0.12)
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def main(argv):
    try:
        a = parse_args(argv)
    except UsageError as e:
        fail(str(e), 2)
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib import ticker
    except ImportError:
        fail("matplotlib is not importable by %s\n  fix: install it (Debian: apt-get install python3-matplotlib; "
             "scripts/setup-deps.sh does) and run the script with the python3 it is for, e.g. /usr/bin/python3"
             % sys.executable, 1)
    os.makedirs(a.out, exist_ok=True)
    timing = ["--benchmark_min_time=%g" % a.min_time] if a.min_time else []

    n_filter = "(%s)" % "|".join(str(n) for n in QUICK_N) if a.quick else "[0-9]+"
    net = run_bench(a.bench, ["--benchmark_filter=^BM_NetworkStep%s/%s$" % (KERNEL_SUFFIX, n_filter)] + timing,
                    os.path.join(a.out, "network.json"))
    kernels, picked, notes = {}, [], []
    ok, skip = measured_runs(net)
    for b in ok:
        m = NETWORK_RUN.match(b["name"])
        if not m:
            continue
        suffix = m.group(1) or ""
        kernels.setdefault(suffix, {})[int(m.group(2))] = us(b)
        if suffix == "" and b.get("label") and b["label"] not in picked:
            picked.append(b["label"])  # the kernels auto picked on this CPU
    names = {s: KERNEL_NAMES.get(s, "1-bit, " + s) for s in kernels}
    if "" in names and picked:
        names[""] += " (%s)" % ", ".join(picked)
    kernels = {names[s]: pts for s, pts in kernels.items()}
    for b in skip:
        notes.append("%s was skipped on this CPU (%s); left out." % (b["name"], b.get("error_message", "skipped")))

    chips = []
    for path in [None] + a.chips:
        stem = "default" if path is None else os.path.splitext(os.path.basename(path))[0]
        args = ["--benchmark_filter=^BM_ChipStep(/[0-9]+)?$"] + timing + ([] if path is None else ["--chip=" + path])
        doc = run_bench(a.bench, args, os.path.join(a.out, "chip-%s.json" % stem))
        ok, skip = measured_runs(doc)
        for b in skip:
            notes.append("%s (%s) was skipped: %s." % (b["name"], stem, b.get("error_message", "skipped")))
        if not ok:
            continue
        b = ok[0]
        name, cores, n = chip_info(DEFAULT_CHIP if path is None else path)
        chips.append({"name": name, "cores": cores, "n": n, "us": us(b),
                      "cycles_per_step": b["chip_cycles_per_step"], "cycles_per_s": b["sim_cycles_per_s"]})

    write_table(os.path.join(a.out, "scaling.md"), kernels, chips, notes, net, a.min_time)
    write_plot(os.path.join(a.out, "scaling.png"), plt, ticker, kernels, chips)
    print("wrote %s and %s" % (os.path.join(a.out, "scaling.md"), os.path.join(a.out, "scaling.png")),
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

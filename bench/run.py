#!/usr/bin/env python3
"""run.py - times flowaudit against nDPI's own ndpiReader on the benchmark capture.

Runs, alternately and R times each (default 5), on the same capture:

  ndpiReader -q -i CAPTURE                                  (nDPI's reader; one thread on files)
  flowaudit -q -r CAPTURE --json /dev/null                  (default: one worker per CPU)
  flowaudit -q --threads 1 -r CAPTURE --json /dev/null      (single-threaded)

and measures the wall time and peak resident memory (ru_maxrss from wait4) of
each child. The order of the three rotates every round so that none always
runs first on a warm or cold machine. Reports medians, minimum and maximum,
and the ratios flowaudit / ndpiReader taken within each round (the machine
is shared, so a ratio between runs made seconds apart is the figure to
trust, not the absolute rate). Prints a Markdown report; --append also adds
it to a file.

Builds nothing: make the capture with bench/mkbench.py and the binary with a
Release build first (see bench/README.md).
"""
import argparse
import datetime
import os
import platform
import statistics
import struct
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

GNU_TIME = "/usr/bin/time"

# The project's targets, from its issue: throughput ratios at least, memory ratio at most.
TARGET_MT = 2.0
TARGET_ST = 1.2
TARGET_MEM = 1 / 3


def count_packets(path):
    """Counts the records of a classic pcap file (and so reads it into the page cache).

    Reads in blocks rather than whole so that this process stays small."""
    with open(path, "rb") as f:
        head = f.read(24)
        if len(head) < 24:
            raise ValueError(f"{path}: not a pcap file")
        magic = head[:4]
        if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
            endian = "<"
        elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
            endian = ">"
        else:
            raise ValueError(f"{path}: not a classic pcap file (pcapng is not counted)")
        incl = struct.Struct(endian + "I")
        n, size = 0, 24
        buf, off = b"", 0  # off: next record header inside buf
        while True:
            block = f.read(1 << 22)
            if not block:
                break
            buf = buf[off:] + block
            off = 0
            size += len(block)
            while off + 16 <= len(buf):
                nxt = off + 16 + incl.unpack_from(buf, off + 8)[0]
                if nxt > len(buf):
                    break
                off = nxt
                n += 1
    return n, size


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def ndpi_version(ndpireader):
    """The library version ndpiReader announces ('Welcome to nDPI 4.2.0')."""
    try:
        p = subprocess.run([ndpireader, "-h"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    for line in (p.stdout + p.stderr).splitlines():
        if "nDPI" in line and any(c.isdigit() for c in line):
            return line.strip().replace("Welcome to ", "")
    return "unknown"


def tool_version(cmd):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
        return (p.stdout or p.stderr).splitlines()[0].strip()
    except (OSError, subprocess.TimeoutExpired, IndexError):
        return "unknown"


def run_once(cmd):
    """Runs cmd, returns (wall seconds, peak RSS in KiB, CPU seconds). Raises on failure.

    The child is started through GNU time, not measured with os.wait4 here:
    Linux keeps the high-water RSS of the image that called exec, so a child
    forked from this Python process could never report less than this
    process's own RSS. GNU time's image is under 1 MiB."""
    with tempfile.NamedTemporaryFile("w+") as res, tempfile.TemporaryFile() as errf:
        timed = [GNU_TIME, "-f", "%M %U %S", "-o", res.name] + cmd
        start = time.perf_counter()
        # stderr goes to a file, not a pipe: a chatty child must not block on a full pipe.
        rc = subprocess.call(timed, stdout=subprocess.DEVNULL, stderr=errf)
        wall = time.perf_counter() - start
        if rc != 0:
            errf.seek(0)
            err = errf.read()[-4000:].decode(errors="replace")
            raise RuntimeError(f"{' '.join(cmd)} exited with {rc}:\n{err.strip()}")
        res.seek(0)
        fields = res.read().split()
    rss, user, sys_ = int(fields[-3]), float(fields[-2]), float(fields[-1])
    return wall, rss, user + sys_


def fmt_rate(pps):
    return f"{pps / 1e6:.3f} M" if pps >= 1e6 else f"{pps / 1e3:.0f} k"


def summary(values):
    return statistics.median(values), min(values), max(values)


def verdict(ok):
    return "met" if ok else "**missed**"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pcap", default=os.path.join(ROOT, "bench", "work", "bench.pcap"),
                    help="capture to read (default bench/work/bench.pcap)")
    ap.add_argument("--flowaudit", default=os.path.join(ROOT, "build-bench", "src", "flowaudit"),
                    help="flowaudit binary (default build-bench/src/flowaudit)")
    ap.add_argument("--ndpireader", default="ndpiReader", help="ndpiReader binary")
    ap.add_argument("-R", "--rounds", type=int, default=5, help="rounds (default 5)")
    ap.add_argument("--threads", type=int, default=0,
                    help="--threads for the multi-threaded flowaudit run "
                         "(default: flowaudit's own default, one per CPU)")
    ap.add_argument("--geoip", metavar="FILE", action="append", default=[],
                    help="MaxMind DB passed to both flowaudit runs (repeatable; "
                         "default none: GeoIP lookups off)")
    ap.add_argument("--append", metavar="FILE", help="also append the report to FILE")
    a = ap.parse_args()
    if a.rounds < 1:
        ap.error("--rounds must be at least 1")

    pcap = os.path.abspath(a.pcap)
    if not os.access(GNU_TIME, os.X_OK):
        print(f"run.py: {GNU_TIME} missing (Debian package 'time')", file=sys.stderr)
        return 2
    if not os.access(a.flowaudit, os.X_OK):
        print(f"run.py: {a.flowaudit}: no flowaudit binary; build it first (bench/README.md)",
              file=sys.stderr)
        return 2
    try:
        packets, size = count_packets(pcap)
    except (OSError, ValueError) as e:
        print(f"run.py: {e}; make it with bench/mkbench.py", file=sys.stderr)
        return 2

    mt = ["--threads", str(a.threads)] if a.threads else []
    geo = [x for path in a.geoip for x in ("--geoip", os.path.abspath(path))]
    tools = [
        ("ndpiReader", [a.ndpireader, "-q", "-i", pcap]),
        ("flowaudit", [a.flowaudit, "-q"] + mt + geo + ["-r", pcap, "--json", "/dev/null"]),
        ("flowaudit --threads 1",
         [a.flowaudit, "-q", "--threads", "1"] + geo + ["-r", pcap, "--json", "/dev/null"]),
    ]
    results = {name: [] for name, _ in tools}
    for r in range(a.rounds):
        order = tools[r % len(tools):] + tools[:r % len(tools)]
        for name, cmd in order:
            try:
                wall, rss, cpu = run_once(cmd)
            except (OSError, RuntimeError) as e:
                print(f"run.py: {e}", file=sys.stderr)
                return 2
            results[name].append((wall, rss, cpu))
            print(f"round {r + 1}/{a.rounds}  {name:22s} {wall:7.2f} s  "
                  f"{packets / wall / 1e3:8.0f} kpps  {rss / 1024:7.1f} MiB  cpu {cpu:6.2f} s",
                  file=sys.stderr)

    lines = []
    out = lines.append
    now = datetime.datetime.now().astimezone()
    out(f"### Benchmark run {now:%Y-%m-%d %H:%M %Z}")
    out("")
    out(f"- machine: {os.cpu_count()} CPUs ({cpu_model()}), {platform.system()} "
        f"{platform.release()}")
    out(f"- {ndpi_version(a.ndpireader)} (ndpiReader), "
        f"{tool_version([a.flowaudit, '--version'])}")
    out(f"- capture: {os.path.basename(pcap)}, {packets:,} packets, {size / 1e6:.0f} MB; "
        f"{a.rounds} rounds, order rotated each round")
    out("")
    out("| run | packets/s median | min | max | wall s median | peak RSS MiB median | "
        "CPU s median |")
    out("|---|---:|---:|---:|---:|---:|---:|")
    for name, cmd in tools:
        walls = [w for w, _, _ in results[name]]
        rates = [packets / w for w in walls]
        rss = [m / 1024 for _, m, _ in results[name]]
        cpu = [c for _, _, c in results[name]]
        med, lo, hi = summary(rates)
        out(f"| `{name}` | {fmt_rate(med)} | {fmt_rate(lo)} | {fmt_rate(hi)} | "
            f"{statistics.median(walls):.2f} | {statistics.median(rss):.1f} | "
            f"{statistics.median(cpu):.2f} |")
    out("")

    # Ratios paired within a round: both runs saw the same machine load.
    base = results["ndpiReader"]
    out("| flowaudit / ndpiReader (same round) | median | min | max | target | |")
    out("|---|---:|---:|---:|---:|---|")
    rows = [
        ("throughput, default threads", "flowaudit", 0, TARGET_MT, True),
        ("throughput, --threads 1", "flowaudit --threads 1", 0, TARGET_ST, True),
        ("peak RSS, default threads", "flowaudit", 1, TARGET_MEM, False),
        ("peak RSS, --threads 1", "flowaudit --threads 1", 1, TARGET_MEM, False),
    ]
    for label, name, field, target, at_least in rows:
        if field == 0:  # throughput: inverse ratio of wall times
            ratios = [b[0] / f[0] for b, f in zip(base, results[name])]
        else:
            ratios = [f[1] / b[1] for b, f in zip(base, results[name])]
        med, lo, hi = summary(ratios)
        ok = med >= target if at_least else med <= target
        sign = ">=" if at_least else "<="
        out(f"| {label} | {med:.2f} | {lo:.2f} | {hi:.2f} | {sign} {target:.2f} | {verdict(ok)} |")
    out("")
    out("Commands (CAPTURE = the capture above):")
    out("")
    for name, cmd in tools:
        shown = " ".join(os.path.basename(c) if c == cmd[0] else c for c in cmd)
        for path in a.geoip:
            shown = shown.replace(os.path.abspath(path), os.path.basename(path))
        out(f"    {shown.replace(pcap, 'CAPTURE')}")
    out("")

    report = "\n".join(lines)
    print(report)
    if a.append:
        with open(a.append, "a") as f:
            f.write(report + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Runs a command and prints, every INTERVAL seconds, the CPU each of its
threads used in that interval (from /proc/PID/task/*/stat, in clock ticks,
100 a second: INTERVAL x 100 is one whole core), threads of the same name
added up (unnamed threads, such as a worker pool's, carry the program's name); then the wall time and each thread name's total CPU seconds.
A benchmark aid, not a test: it shows which thread sets a run's pace
(docs/performance.md, "Competence checks at a province's size").

    bench/thread_cpu.py [--interval S] -- zfcli --db DB --json audit verify
"""
import argparse
import os
import subprocess
import sys
import time

TICKS = os.sysconf("SC_CLK_TCK")


def thread_ticks(pid):
    """{(tid, name): utime + stime} of the process's threads now."""
    out = {}
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except FileNotFoundError:
        return out
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                stat = f.read()
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                name = f.read().strip()
        except (FileNotFoundError, ProcessLookupError):
            continue  # the thread ended between the listing and the read
        fields = stat[stat.rfind(")") + 2:].split()
        out[(tid, name)] = int(fields[11]) + int(fields[12])
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--interval", type=float, default=10.0)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command to run")
    start = time.monotonic()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    last, seen = {}, {}
    print(f"ticks per interval of {args.interval:g} s; {int(args.interval * TICKS)} = one core")
    while child.poll() is None:
        time.sleep(args.interval)
        now = thread_ticks(child.pid)
        row = {}
        for key, ticks in now.items():
            row[key[1]] = row.get(key[1], 0) + ticks - last.get(key, 0)
        seen.update(now)
        last = now
        busy = " ".join(f"{name}:{t}" for name, t in sorted(row.items()) if t > 0)
        print(f"{time.monotonic() - start:7.1f} {busy}", flush=True)
    totals = {}
    for (tid, name), ticks in seen.items():
        totals[name] = totals.get(name, 0) + ticks
    print(f"wall {time.monotonic() - start:.1f} s; exit {child.returncode}")
    print("CPU s by thread name (to the last sample): " +
          ", ".join(f"{n} {t / TICKS:.1f}" for n, t in sorted(totals.items(), key=lambda x: -x[1])))
    return child.returncode


if __name__ == "__main__":
    sys.exit(main())

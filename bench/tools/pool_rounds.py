#!/usr/bin/env python3
"""
pool_rounds.py: pools the per-round scores of one JmhRounds workload over several runs, and prints
each allocator's median [min, max] over all of them and netty-hakmem's ratio to the faster peer.

A single JmhRounds run of 3-7 rounds reads whichever allocator this machine's slow stretches hit
(docs/BENCHMARKS.md, session 29); the rounds of every run of the same build, pooled, are the least
chosen figure there is. docs/BENCHMARKS.md (session 30) quotes its output.

Input: JmhRounds output as printed (a "-- <workload>, round i/n, <allocator>" line, then
"   <score> ops/us ..."), or the docs/results files that hold it. A file may hold runs on several JDKs
under "## " headings; --section keeps only the headings that contain the given text (a file without
such headings is kept whole).

usage: bench/tools/pool_rounds.py "mixed-ws400 (event loop)" [--section "JDK 17"] FILE...
"""
import argparse
import re
import statistics
import sys

ROUND = re.compile(r"^-- (.*), round \d+/\d+, (\S+)$")
SCORE = re.compile(r"^\s+([0-9.]+) ops/us")


def sections(text, wanted):
    """The parts of text under '## ' headings that contain wanted (all of it if it has no heading)."""
    parts = re.split(r"^## ", text, flags=re.M)
    if wanted is None or len(parts) == 1:
        return [text]
    return [p for p in parts[1:] if wanted in p.splitlines()[0]]


def scores(text, workload):
    """allocator -> the scores of its rounds of workload, in the order they ran."""
    out = {}
    current = None
    for line in text.splitlines():
        m = ROUND.match(line)
        if m:
            current = (m.group(1), m.group(2))
            continue
        m = SCORE.match(line)
        if m and current is not None:
            if current[0] == workload:
                out.setdefault(current[1], []).append(float(m.group(1)))
            current = None
    return out


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    ap.add_argument("workload")
    ap.add_argument("files", nargs="+")
    ap.add_argument("--section", default=None)
    args = ap.parse_args(argv)
    pooled = {}
    for path in args.files:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for part in sections(text, args.section):
            for allocator, values in scores(part, args.workload).items():
                pooled.setdefault(allocator, []).extend(values)
    if "hakmem" not in pooled:
        sys.exit("no round of hakmem on '%s' in %s" % (args.workload, ", ".join(args.files)))
    medians = {}
    for allocator, values in pooled.items():
        medians[allocator] = statistics.median(values)
        print("%-22s %3d rounds  median %7.2f  [%.2f, %.2f]" % (allocator, len(values), medians[allocator],
                                                              min(values), max(values)))
    peers = {a: m for a, m in medians.items() if not a.startswith("hakmem")}
    if peers:
        faster = max(peers, key=peers.get)
        print("hakmem / %s: %.2fx" % (faster, medians["hakmem"] / peers[faster]))


if __name__ == "__main__":
    main(sys.argv[1:])

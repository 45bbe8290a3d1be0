#!/usr/bin/env bash
# The main job: build everything, then compare netty-hakmem with Netty's Pooled and Adaptive
# allocators on mixed-ws400, mixed-ws400-32k and cross-thread (event-loop and plain threads).
# Each allocator runs in a fresh JVM per round, in alternation; the output is a Markdown table
# (median, min, max, CV, bytes allocated per op, hakmem's ratio to the faster peer).
#
#   bench/compare.sh                 # 3 rounds, 2 s iterations (about 15 minutes)
#   bench/compare.sh --rounds 5      # more rounds
#   bench/compare.sh --quick         # 1 s iterations
#   JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 bench/compare.sh   # on JDK 25
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  mvn -q -B -ntp -DskipTests install
fi
mkdir -p results
out="results/compare-$(date -u +%Y%m%dT%H%M%SZ).md"
"$JAVA" --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar org.hakmem.bench.JmhRounds "$@" | tee "$out"
echo "written: $out"

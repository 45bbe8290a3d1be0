#!/usr/bin/env bash
# The main job: build everything, then run the comparison tool (org.hakmem.bench.compare.CompareTool,
# docs/COMPARE.md). All arguments pass through to the tool.
#
#   bench/compare.sh                  # compare: every workload x every allocator, 3 rounds (~25 min)
#   bench/compare.sh --quick          # the same in seconds-long runs (~2 min; proves it runs)
#   bench/compare.sh ab               # FAST against LEAN: GO / NO-GO / NEUTRAL (~10 min)
#   bench/compare.sh soak --duration 5m
#   bench/compare.sh --help           # every mode and option
#   JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 bench/compare.sh   # on JDK 25 (build and children)
#
# Results go to results/<UTC timestamp>-<mode>/ (report.md, charts, CSV). SKIP_BUILD=1 skips the build.
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  mvn -q -B -ntp -DskipTests install
fi
exec "$JAVA" --enable-native-access=ALL-UNNAMED -Djava.awt.headless=true \
  -cp bench/target/benchmarks.jar org.hakmem.bench.compare.CompareTool "$@"

#!/usr/bin/env bash
# Builds the benchmarks jar and runs JMH with the given arguments, e.g.
#   bench/run-jmh.sh MixedWs400 -prof gc -f 1
#   bench/run-jmh.sh CrossThread -p allocator=hakmem,pooled -p thread=eventloop
# Set JAVA_HOME to choose the JDK that runs the benchmarks (and Maven); SKIP_BUILD=1 skips the build.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

if [[ "${SKIP_BUILD:-0}" != "1" ]]; then
  mvn -q -B -DskipTests package -pl bench -am
fi

JAVA="java"
if [[ -n "${JAVA_HOME:-}" ]]; then
  JAVA="$JAVA_HOME/bin/java"
fi

exec "$JAVA" --enable-native-access=ALL-UNNAMED -jar bench/target/benchmarks.jar "$@"

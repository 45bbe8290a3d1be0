#!/usr/bin/env bash
# Builds the project and runs the echo benchmark launcher (org.hakmem.examples.bench.EchoBenchmark)
# with the runtime classpath of the examples module. All arguments are passed to the launcher, e.g.
#   examples/run-echo-bench.sh --allocators hakmem,pooled,adaptive --rounds 3 --duration 10 --warmup 8
# JAVA (or JAVA_HOME) picks the JDK; the launcher starts its child JVMs with the same java binary.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"

mvn -q -B -ntp -DskipTests install

cpfile="$(mktemp "${TMPDIR:-/tmp}/echo-bench-cp.XXXXXX")"
trap 'rm -f "$cpfile"' EXIT
mvn -q -B -ntp -pl examples dependency:build-classpath -Dmdep.outputFile="$cpfile" -Dmdep.includeScope=runtime

if [[ -n "${JAVA:-}" ]]; then
  java_bin="$JAVA"
elif [[ -n "${JAVA_HOME:-}" ]]; then
  java_bin="$JAVA_HOME/bin/java"
else
  java_bin="java"
fi

cp="$here/target/classes:$(cat "$cpfile")"
exec "$java_bin" --enable-native-access=ALL-UNNAMED -Xms64m -Xmx256m \
  -cp "$cp" org.hakmem.examples.bench.EchoBenchmark "$@"

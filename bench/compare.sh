#!/usr/bin/env bash
# The main job: build everything, then run the comparison tool (org.hakmem.bench.compare.CompareTool,
# docs/COMPARE.md). All arguments pass through to the tool.
#
#   bench/compare.sh                  # compare: every workload x every allocator, 3 rounds (~10 min)
#   bench/compare.sh --quick          # the same in seconds-long runs (under a minute; proves it runs)
#   bench/compare.sh ab               # FAST against LEAN: GO / NO-GO / NEUTRAL (~10 min)
#   bench/compare.sh soak --duration 5m
#   bench/compare.sh --help           # the modes (bench/compare.sh ab --help: that mode's options)
#   JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 bench/compare.sh   # on JDK 25 (build and children)
#
# Results go to results/<UTC timestamp>-<mode>/ (report.md, charts, CSV). SKIP_BUILD=1 skips the build.
set -euo pipefail
# The tool runs from the repository root (its default results/ folder, the commit in the header), so
# paths given relative to the caller's directory are made absolute first: --out, --results, --java.
caller="$PWD"
absolute() { # $1: the option, $2: its value
  case "$2" in
    "") ;; # empty: left for the tool to refuse, not turned into the caller's folder
    /*) printf '%s' "$2" ;;
    */*) printf '%s/%s' "$caller" "$2" ;;
    *) if [ "$1" = --java ]; then printf '%s' "$2"; else printf '%s/%s' "$caller" "$2"; fi ;; # --java java: PATH
  esac
}
args=()
pending=""
for a in "$@"; do
  if [ -n "$pending" ]; then
    args+=("$(absolute "$pending" "$a")")
    pending=""
    continue
  fi
  case "$a" in
    --out|--results|--java) pending="$a"; args+=("$a") ;;
    --out=*|--results=*|--java=*) args+=("${a%%=*}=$(absolute "${a%%=*}" "${a#*=}")") ;;
    *) args+=("$a") ;;
  esac
done
cd "$(dirname "$0")/.."
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  mvn -q -B -ntp -DskipTests install
fi
exec "$JAVA" --enable-native-access=ALL-UNNAMED -Djava.awt.headless=true \
  -cp bench/target/benchmarks.jar org.hakmem.bench.compare.CompareTool ${args[@]+"${args[@]}"}

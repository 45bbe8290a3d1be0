#!/usr/bin/env bash
# Builds hsdis-amd64.so from hsdis-llvm.c against the system's LLVM (Debian: llvm-14-dev; set
# LLVM_DIR for another), and says where to put it. Usage: bench/tools/hsdis/build.sh [output dir]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
llvm=${LLVM_DIR:-$(ls -d /usr/lib/llvm-* 2>/dev/null | sort -V | tail -1)}
if [ -z "$llvm" ] || [ ! -f "$llvm/include/llvm-c/Disassembler.h" ]; then
    echo "error: no LLVM C headers found (install llvm-dev, or set LLVM_DIR to an LLVM prefix)" >&2
    exit 2
fi
out=${1:-$here/target}
mkdir -p "$out"
lib=$(ls "$llvm"/lib/libLLVM-*.so 2>/dev/null | head -1)
cc -O2 -shared -fPIC -I"$llvm/include" "$here/hsdis-llvm.c" -o "$out/hsdis-amd64.so" \
    -L"$llvm/lib" -l"$(basename "$lib" .so | sed 's/^lib//')" -Wl,-rpath,"$llvm/lib"
echo "built $out/hsdis-amd64.so"
echo "use it: copy it to \$JAVA_HOME/lib/server/, or run java with LD_LIBRARY_PATH=$out"

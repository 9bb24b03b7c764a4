#!/usr/bin/env bash
# Instructions per point of the race's compiled reverse gradients, counted by callgrind (noise-free,
# unlike times on a shared machine), and one-thread times, for the strict kernel as adviz builds it
# and for the same source at 256-bit vectors (clang's default on AVX-512) and with fused multiply-adds;
# and the same kernels on two threads that spin, each with half the points (harness-two-threads.c).
# valgrind cannot run AVX-512 code, so the count is of the same source built for AVX2
# (-mno-avx512f, 4 doubles per vector): it shows what the rewrites and the guard save.
#   Benchmarks/kernels/count-instructions.sh [path/to/adviz]     (default .build/release/adviz)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
adviz=${1:-.build/release/adviz}
cc=${ADVIZ_CC:-$(dirname "$(readlink -f "$(command -v swift)")")/clang}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
base="-std=c99 -O3 -march=native -fno-math-errno -fno-trapping-math -w"
points=100000
printf '%-6s %-34s %12s  %s\n' case build "instr/point (AVX2)" "one-thread time; two spinning threads (10^6 points)"
for case in square poly3; do
  if [ $case = square ]; then program='y = x^2'; else program=$'p1 = 2*x^3 - 3*x^2 + 5\np2 = 2*p1^3 - 3*p1^2 + 5\ny = 2*p2^3 - 3*p2^2 + 5'; fi
  printf '%s\n' "$program" > "$work/$case.adviz"
  "$adviz" codegen --file "$work/$case.adviz" --kernel > "$work/$case.c"
  for build in "strict 512:-ffp-contract=off -mprefer-vector-width=512" "strict 256:-ffp-contract=off -mprefer-vector-width=256" "fma 512:-ffp-contract=fast -mprefer-vector-width=512"; do
    name=${build%%:*}; flags=${build#*:}
    "$cc" $base $flags -o "$work/run" "$here/harness.c" "$work/$case.c" -lm
    time=$("$work/run" 1000000 30)
    "$cc" $base $flags -o "$work/run2" "$here/harness-two-threads.c" "$work/$case.c" -lm -lpthread
    time="$time; $("$work/run2" 100)"
    "$cc" $base $flags -mno-avx512f -mprefer-vector-width=256 -o "$work/count" "$here/harness.c" "$work/$case.c" -lm
    valgrind --tool=callgrind --callgrind-out-file="$work/cg" "$work/count" $points 1 >/dev/null 2>&1
    # Instructions of adviz_reverse alone (two calls: the warm-up and the timed one).
    instr=$(callgrind_annotate "$work/cg" 2>/dev/null | awk '/adviz_reverse/ {gsub(",", "", $1); print $1; exit}')
    printf '%-6s %-34s %12.2f  %s\n' $case "$name" "$(echo "$instr / (2 * $points)" | bc -l)" "$time"
  done
done

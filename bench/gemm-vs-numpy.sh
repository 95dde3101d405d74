#!/usr/bin/env bash
# Our SGEMM (jdiffusion.bench.cpu.GemmTiming) and numpy's `a @ b` (OpenBLAS) on the same shapes,
# interleaved shape by shape in one run so both see the same machine load; prints GFLOP/s and the
# ratio ours/numpy. Both use the same thread count. Each measurement is the median of R timed runs
# after warm-up; the whole comparison is repeated for --rounds (default 3) and each side's best
# round is reported, so a burst of load from another process on a shared machine does not decide
# the ratio (the per-round figures are printed too).
#
#   bench/gemm-vs-numpy.sh [--threads=N] [--reps=R] [--rounds=K] [--transB] [MxKxN ...]
#
# Needs: JDK 25 (scripts/jdk25.sh), python3 with numpy, and bench/target/benchmarks.jar
# (mvn -B -ntp -o install -DskipTests -pl tensor,bench -am). Our GEMM is timed with B as a row-major
# [K,N] array like numpy's; add --transB to time ours with B as an [N,K] weight (linear layers).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/jdk25.sh"
threads=$(nproc)
reps=7
rounds=3
extra=()
shapes=()
for arg in "$@"; do
  case "$arg" in
    --threads=*) threads=${arg#*=} ;;
    --reps=*) reps=${arg#*=} ;;
    --rounds=*) rounds=${arg#*=} ;;
    --transB) extra+=(--transB) ;;
    *) shapes+=("$arg") ;;
  esac
done
[ ${#shapes[@]} -gt 0 ] || shapes=(2048x2048x2048 4096x320x320 4096x320x1280 1024x640x640 64x1280x1280)
jar="$root/bench/target/benchmarks.jar"
[ -f "$jar" ] || { echo "missing $jar: run 'mvn -B -ntp -o install -DskipTests -pl tensor,bench -am' first" >&2; exit 1; }
python3 -c 'import numpy' 2>/dev/null || { echo "python3 with numpy is needed for the comparison" >&2; exit 1; }

echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; threads: $threads; java $(java -version 2>&1 | head -1)"
echo "numpy $(python3 -c 'import numpy; print(numpy.__version__)')"
declare -A best_ours best_np
for ((r = 1; r <= rounds; r++)); do
  for s in "${shapes[@]}"; do
    ours=$(java --add-modules jdk.incubator.vector -Djdiffusion.threads="$threads" -cp "$jar" \
             jdiffusion.bench.cpu.GemmTiming --reps="$reps" "${extra[@]}" "$s" 2>/dev/null | awk '{print $4}')
    np=$(OPENBLAS_NUM_THREADS="$threads" OMP_NUM_THREADS="$threads" python3 "$root/bench/gemm-vs-numpy.py" --reps="$reps" "$s" | awk '{print $4}')
    echo "round $r  $s  ours $ours  numpy $np"
    best_ours[$s]=$(awk -v a="$ours" -v b="${best_ours[$s]:-0}" 'BEGIN { print (a > b ? a : b) }')
    best_np[$s]=$(awk -v a="$np" -v b="${best_np[$s]:-0}" 'BEGIN { print (a > b ? a : b) }')
  done
done
echo
printf '%-18s %12s %12s %7s\n' "M x K x N" "ours GF/s" "numpy GF/s" "ratio"
for s in "${shapes[@]}"; do
  ratio=$(awk -v a="${best_ours[$s]}" -v b="${best_np[$s]}" 'BEGIN { printf "%.2f", a / b }')
  printf '%-18s %12s %12s %7s\n' "$s" "${best_ours[$s]}" "${best_np[$s]}" "$ratio"
done

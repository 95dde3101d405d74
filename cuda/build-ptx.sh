#!/usr/bin/env bash
# Regenerates the PTX the CUDA backend ships in its jar from the CUDA C++ sources.
# Needs nvcc (CUDA 12.x/13.x); the Maven build does not: the .ptx files are committed.
#   cuda/build-ptx.sh            # writes src/main/resources/jdiffusion/cuda/*.ptx
#   cuda/build-ptx.sh --check    # also assembles each for sm_90 with ptxas and prints register/spill use
# compute_80 PTX runs on every GPU with mma.sync m16n8k16 and cp.async (Ampere, Ada, Hopper);
# the driver JIT-compiles it for the card at module load. For sm_90 (H100/H200) the same PTX is
# also assembled ahead of time with ptxas (<name>.sm_90.cubin, with the SHA-256 of the PTX it came
# from beside it), which the backend loads instead of paying the JIT on every start.
set -euo pipefail
cd "$(dirname "$0")"
NVCC=${NVCC:-nvcc}
OUT=src/main/resources/jdiffusion/cuda
mkdir -p "$OUT"
for src in src/main/cuda/*.cu; do
  name=$(basename "$src" .cu)
  "$NVCC" -ptx -arch=compute_80 -O3 -std=c++17 "$src" -o "$OUT/$name.ptx"
  # Drop the compiler's build-stamp comment lines so regenerating is reproducible across machines.
  sed -i '/^\/\/ Compiler Build ID/d; /^\/\/ Cuda compilation tools/d; /^\/\/ Based on NVVM/d' "$OUT/$name.ptx"
  # Declare the oldest PTX ISA the code needs (cp.async: 7.0; the driver entry points we bind need
  # CUDA 11.4), not the compiler's own (9.0 = CUDA 13), so drivers from 470 on can JIT it. ptxas
  # rejects any instruction newer than the declared ISA, which the assembly below checks.
  sed -i -E 's/^\.version [0-9]+\.[0-9]+$/.version 7.4/' "$OUT/$name.ptx"
  echo "wrote $OUT/$name.ptx"
  ptxas -arch=sm_80 "$OUT/$name.ptx" -o /dev/null
  ptxas -arch=sm_90 -O3 "$OUT/$name.ptx" -o "$OUT/$name.sm_90.cubin"
  sha256sum "$OUT/$name.ptx" | cut -d' ' -f1 > "$OUT/$name.sm_90.cubin.src-sha256"
  echo "wrote $OUT/$name.sm_90.cubin"
  if [ "${1:-}" = "--check" ]; then
    ptxas -arch=sm_90 -v "$OUT/$name.ptx" -o /dev/null 2>&1 | grep -E "Compiling entry|registers|spill" | paste - - - \
      | sed -E "s/.*entry function '([^']*)'.* ([0-9]+) bytes spill stores.*Used ([0-9]+) registers.*/  \\1: \\3 regs, \\2 bytes spilled/"
  fi
done

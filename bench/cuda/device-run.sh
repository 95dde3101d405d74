#!/usr/bin/env bash
# jdiffusion CUDA backend on the device machine: parity self-test (GPU vs CPU backend, same JVM),
# then kernel benchmarks side by side with PyTorch. Logs go to $OUT.
set -o pipefail
cd "$(dirname "$0")"
J=$PWD/jre/bin/java
CP=$PWD/jars/jdiffusion-tensor.jar:$PWD/jars/jdiffusion-cuda.jar:$PWD/jars/jdiffusion-bench.jar
FLAGS="--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx24g -Xss4m"
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,temperature.gpu,power.draw,memory.used --format=csv 2>&1 | tee "$OUT/gpu.txt"
ldconfig -p | grep -i 'libcuda\.so' | head -3
echo "== self-test =="
timeout ${SELFTEST_TIMEOUT:-200} "$J" $FLAGS -Djdiffusion.cuda.poison=true -cp "$CP" jdiffusion.cuda.SelfTest > "$OUT/selftest.txt" 2>&1
echo "selftest rc=$?"
grep -v ' ok$' "$OUT/selftest.txt" | head -60
echo "== bench =="
PYTHONUNBUFFERED=1 timeout ${BENCH_TIMEOUT:-240} python3 cuda_vs_torch.py --java "$J $FLAGS -cp $CP jdiffusion.bench.cuda.GpuBench" \
  --json "$OUT/bench.json" > "$OUT/bench.txt" 2>&1
echo "bench rc=$?"
cat "$OUT/bench.txt"

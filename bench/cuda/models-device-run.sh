#!/usr/bin/env bash
# Whole-model comparison on the GPU machine (staged by bench/cuda/stage-models.sh): the backend
# self-test (GPU vs CPU backend, op by op), then models_vs_torch.py, which validates the PyTorch
# reference on the tiny goldens, runs jdiffusion.bench.cuda.GpuModelBench (writes the synthetic
# SD1.5 and SDXL checkpoints under $GPUBENCH_WORK on first use) and PyTorch on the same inputs.
# Logs and the JSON go to $OUT.   Environment: ITERS (10), WARMUP (5), MODELS ("sd15 sdxl"),
# SELFTEST (1 runs it), GPUBENCH_WORK (/tmp/gpubench), BENCH_TIMEOUT (seconds, 400), SELFTEST_TIMEOUT (120).
set -o pipefail
cd "$(dirname "$0")"
here=$PWD
OUT=${OUT:-/tmp/out}
WORK=${GPUBENCH_WORK:-/tmp/gpubench}
mkdir -p "$OUT" "$WORK"
[ -x "$WORK/jre/bin/java" ] || tar -C "$WORK" -xJf jre.tar.xz
J="$WORK/jre/bin/java"
FLAGS="--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx32g -Xss4m"
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,memory.total --format=csv 2>&1 | tee "$OUT/gpu.txt"
if [ "${SELFTEST:-1}" = 1 ]; then
  echo "== backend self-test =="
  timeout ${SELFTEST_TIMEOUT:-120} "$J" $FLAGS -Djdiffusion.cuda.poison=true -cp benchmarks.jar jdiffusion.cuda.SelfTest > "$OUT/selftest.txt" 2>&1
  echo "selftest rc=$?"
  grep -v ' ok$' "$OUT/selftest.txt" | head -40
  grep -i 'matmul+softmax' "$OUT/selftest.txt"
fi
models=""
for m in ${MODELS:-sd15 sdxl}; do models="$models --model $m=$WORK/$m.safetensors"; done
echo "== models =="
PYTHONUNBUFFERED=1 timeout ${BENCH_TIMEOUT:-400} python3 models_vs_torch.py \
  --java "$J $FLAGS -cp $here/benchmarks.jar jdiffusion.bench.cuda.GpuModelBench --manifests $here/manifests --io $WORK/io $models --iters ${ITERS:-10} --warmup ${WARMUP:-5}" \
  --testdata "$here/testdata" --iters "${ITERS:-10}" --warmup "${WARMUP:-5}" --channels-last --json "$OUT/models.json" 2>&1 | tee "$OUT/models.txt"
echo "models rc=$?"

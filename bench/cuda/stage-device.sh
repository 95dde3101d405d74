#!/usr/bin/env bash
# Prepares build/cuda/ in a checkout for a run on a GPU machine that has no Java: a jlinked JDK 25
# runtime (~45 MB), the tensor/cuda/bench jars, the PyTorch comparison script and device-run.sh.
#   bench/cuda/stage-device.sh [TARGET_CHECKOUT]     (default: this checkout)
# Then, on the GPU machine, from the target checkout's root: bash build/cuda/device-run.sh
# (needs python3 with torch for the comparison; the self-test needs only the NVIDIA driver).
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
target=${1:-$here}
cd "$here"
. scripts/jdk25.sh
mvn -B -ntp -q -pl bench -am package -DskipTests
out="$target/build/cuda"
rm -rf "$out" && mkdir -p "$out/jars"
"$JAVA_HOME/bin/jlink" --add-modules java.base,jdk.incubator.vector,java.logging,jdk.unsupported \
  --strip-debug --no-man-pages --no-header-files --compress=zip-9 --output "$out/jre"
cp tensor/target/jdiffusion-tensor-*.jar "$out/jars/jdiffusion-tensor.jar"
cp cuda/target/jdiffusion-cuda-*.jar "$out/jars/jdiffusion-cuda.jar"
cp bench/target/jdiffusion-bench-*.jar "$out/jars/jdiffusion-bench.jar"
cp bench/cuda/cuda_vs_torch.py bench/cuda/device-run.sh "$out/"
du -sh "$out"

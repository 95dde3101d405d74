#!/usr/bin/env bash
# Prepares build/gpubench/ in a checkout for the whole-model comparison on a GPU machine that has
# no Java: a jlinked JDK 25 runtime (xz-compressed, ~20 MB), the shaded benchmarks jar, the
# PyTorch reference and driver, the manifests of the synthetic SD1.5/SDXL checkpoints (the
# checkpoints themselves are written ON the GPU machine), and the tiny-sd15 fixture (UNet and VAE
# tensors only) with its goldens, on which the PyTorch reference is validated before it judges us.
#   bench/cuda/stage-models.sh [TARGET_CHECKOUT]     (default: this checkout)
# Then, on the GPU machine, from the target checkout's root: bash build/gpubench/models-device-run.sh
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
target=${1:-$here}
cd "$here"
. scripts/jdk25.sh
mvn -B -ntp -q -pl bench -am package -DskipTests
out="$target/build/gpubench"
rm -rf "$out" && mkdir -p "$out/manifests" "$out/testdata/models" "$out/testdata/goldens/tiny-sd15"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$JAVA_HOME/bin/jlink" --add-modules java.base,jdk.incubator.vector,java.logging,jdk.unsupported \
  --strip-debug --no-man-pages --no-header-files --compress=zip-9 --output "$tmp/jre"
tar -C "$tmp" -cf - jre | xz -T2 -6 > "$out/jre.tar.xz"
cp bench/target/benchmarks.jar "$out/"
cp bench/cuda/ldm_torch.py bench/cuda/models_vs_torch.py bench/cuda/models-device-run.sh "$out/"
cp testdata/manifests/sd15.json testdata/manifests/sdxl.json "$out/manifests/"
for c in unet.case0 unet.case1 unet.trace vae_decode.case0 vae_decode.case1; do
  cp "testdata/goldens/tiny-sd15/$c.safetensors" "$out/testdata/goldens/tiny-sd15/"
done
# The tiny-sd15 checkpoint without its text encoder (the device run's upload is size-limited).
python3 - testdata/models/tiny-sd15.safetensors "$out/testdata/models/tiny-sd15.safetensors" <<'PY'
import json, struct, sys
src, dst = sys.argv[1], sys.argv[2]
with open(src, "rb") as f:
    n = struct.unpack("<Q", f.read(8))[0]
    header = json.loads(f.read(n))
    base = 8 + n
    keep = sorted(k for k in header if k.startswith(("model.diffusion_model.", "first_stage_model.")))
    out, blobs, off = {}, [], 0
    for k in keep:
        b, e = header[k]["data_offsets"]
        f.seek(base + b)
        blobs.append(f.read(e - b))
        out[k] = dict(header[k], data_offsets=[off, off + e - b])
        off += e - b
h = json.dumps(out).encode()
h += b" " * (-len(h) % 8)
with open(dst, "wb") as f:
    f.write(struct.pack("<Q", len(h)) + h)
    for b in blobs:
        f.write(b)
PY
du -sh "$out"

#!/usr/bin/env python3
"""Whole UNet / VAE-decode steps: jdiffusion (jdiffusion.bench.cuda.GpuModelBench) against PyTorch
running the same checkpoint on the same inputs, on the same GPU, one after the other.

1. Validates the PyTorch reference (ldm_torch.py) on the tiny fixtures first: it must reproduce
   the golden outputs of testdata/goldens/tiny-*/ (float32) within their tolerances.
2. Runs the Java harness (it writes the synthetic checkpoints when missing, times our backend and
   saves inputs/outputs), then for each model times PyTorch's eager float16 forward on the same
   inputs (CUDA events, median) and compares outputs: ours vs PyTorch float32 (TF32 off; the
   reference) and ours vs PyTorch float16, ‖a − b‖/‖b‖, next to PyTorch float16 vs float32.

    python3 models_vs_torch.py --java "java ... jdiffusion.bench.cuda.GpuModelBench --model sd15=... --io DIR" \
        --testdata testdata --iters 10 --json out.json
"""
import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ldm_torch as L  # noqa: E402

TOL = 5e-3  # ‖ours − torch f32‖ / ‖torch f32‖ with f16 tensor-core operands


def rel(a, b):
    a, b = a.double().cpu(), b.double().cpu()
    return ((a - b).norm() / b.norm()).item()


def validate(testdata, device):
    """The reference against the diffusers goldens (float32): returns True when every case passes."""
    ok = True
    for model in ["tiny-sd15", "tiny-sdxl"]:
        if not os.path.exists(f"{testdata}/models/{model}.safetensors"):
            print(f"reference check {model}: not staged, skipped", flush=True)
            continue
        raw, _ = L.read_safetensors(f"{testdata}/models/{model}.safetensors")
        pu = L.Params(raw, L.UNET, device, torch.float32)
        pv = L.Params(raw, L.VAE, device, torch.float32)
        for case in ["unet.case0", "unet.case1", "unet.trace", "vae_decode.case0", "vae_decode.case1"]:
            path = f"{testdata}/goldens/{model}/{case}.safetensors"
            g = {k: v.to(device) for k, v in L.load_tensors(path).items()}
            tol = json.loads(L.read_safetensors(path)[1]["tolerance_abs"])
            with torch.no_grad():
                if case.startswith("unet"):
                    out, key = L.unet_forward(pu, g["x"], g["timesteps"], g["context"], g.get("y")), "out"
                else:
                    out, key = L.vae_decode(pv, g["latent"]), "decoded"
            err = (out.float() - g[key]).abs().max().item()
            good = err <= tol[key]
            ok &= good
            print(f"reference check {model} {case}: max|err| {err:.2e} (tolerance {tol[key]:.2e}) "
                  f"{'ok' if good else 'FAIL'}", flush=True)
    return ok


def time_ms(fn, iters, warmup, device):
    """Median wall time of one call between synchronisations (eager: launch cost included)."""
    with torch.no_grad():
        out = None
        for _ in range(warmup):
            out = fn()
        ms = []
        for _ in range(iters):
            if device == "cuda":
                torch.cuda.synchronize()
                s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
                s.record()
                out = fn()
                e.record()
                e.synchronize()
                ms.append(s.elapsed_time(e))
            else:
                t0 = time.perf_counter()
                out = fn()
                ms.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(ms), min(ms), out


def graph_ms(fn, iters):
    """Median time of one replay of fn captured in a CUDA graph: PyTorch's kernels without its
    Python and dispatcher cost (a lower bound for any eager framework on these kernels)."""
    with torch.no_grad():
        s = torch.cuda.Stream()
        s.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(s):
            for _ in range(2):
                fn()
        torch.cuda.current_stream().wait_stream(s)
        g = torch.cuda.CUDAGraph()
        with torch.cuda.graph(g):
            fn()
        g.replay()
        torch.cuda.synchronize()
        ms = []
        for _ in range(iters):
            st, en = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            st.record()
            g.replay()
            en.record()
            en.synchronize()
            ms.append(st.elapsed_time(en))
    del g
    return statistics.median(ms)


def compare(r, args):
    """Times PyTorch on the harness's inputs and compares outputs; returns a table row (dict)."""
    dev = args.device
    raw, _ = L.read_safetensors(r["checkpoint"])
    io = {k: v.to(dev) for k, v in L.load_tensors(r["io"]).items()}
    unet = r["component"] == "unet"
    prefix = L.UNET if unet else L.VAE
    dt = getattr(torch, args.dtype)
    p16 = L.Params(raw, prefix, dev, dt, cache=dev == "cuda").preload() if dev == "cuda" else \
        L.Params(raw, prefix, dev, dt, cache=False)
    if unet:
        spec = L.UNetSpec(p16)
        run = lambda p: L.unet_forward(p, io["x"], io["timesteps"], io["context"], io.get("y"), spec)  # noqa: E731
        ours = io["out"]
    else:
        run = lambda p: L.vae_decode(p, io["latent"])  # noqa: E731
        ours = io["decoded"]
    row = dict(model=r["model"], component=r["component"], shape=r["shape"], ours_ms=r["ms"], ours_first_s=r["first_s"])
    ms, mn, out16 = time_ms(lambda: run(p16), args.iters, args.warmup, dev)
    row.update(torch_ms=ms, torch_min_ms=mn, ratio=r["ms"] / ms)
    if dev == "cuda":
        try:
            row["torch_graph_ms"] = graph_ms(lambda: run(p16), args.iters)
            row["ratio_graph"] = r["ms"] / row["torch_graph_ms"]
        except Exception as e:  # keep the eager numbers
            print(f"CUDA-graph timing of {r['model']} {r['component']} failed: {e!r}", flush=True)
        torch.cuda.empty_cache()
    if args.channels_last and dev == "cuda":
        # the same weights in channels-last memory format (4-D convolution weights only)
        for k, v in p16.store.items():
            if v.dim() == 4:
                p16.store[k] = v.contiguous(memory_format=torch.channels_last)
        cl = lambda: run(p16)  # noqa: E731
        row["torch_cl_ms"] = time_ms(cl, args.iters, args.warmup, dev)[0]
    row["ours_vs_torch16"] = rel(ours, out16.float())
    if dt != torch.float32:
        # float32 copies of the same (float16) weights, converted on the device
        p32 = L.Params(raw, prefix, dev, torch.float32, cache=dev == "cuda", base=p16)
        with torch.no_grad():
            out32 = run(p32).float()
        row["ours_vs_torch32"] = rel(ours, out32)
        row["torch16_vs_torch32"] = rel(out16.float(), out32)
        del p32
    else:
        row["ours_vs_torch32"] = row["ours_vs_torch16"]
        row["torch16_vs_torch32"] = 0.0
    row["parity_ok"] = row["ours_vs_torch32"] <= TOL
    del p16
    if dev == "cuda":
        torch.cuda.empty_cache()
    return row


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--java", required=True, help="command line of jdiffusion.bench.cuda.GpuModelBench")
    ap.add_argument("--testdata", help="testdata/ folder: validate the reference on the tiny goldens first")
    ap.add_argument("--iters", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--dtype", default="float16", help="PyTorch's timed compute type (float32 on a CPU)")
    ap.add_argument("--channels-last", action="store_true", help="also time PyTorch with channels-last weights")
    ap.add_argument("--json", help="write every number here")
    args = ap.parse_args()

    # Float32 means float32 here (the reference and the golden check): cuDNN would otherwise run
    # float32 convolutions in TF32 by default (10-bit mantissa), which fails the goldens' tolerances.
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    name = torch.cuda.get_device_name(0) if args.device == "cuda" else "cpu"
    print(f"torch {torch.__version__} on {name}", flush=True)
    valid = validate(args.testdata, args.device) if args.testdata else None
    if valid is False:
        print("THE PYTORCH REFERENCE FAILS THE GOLDENS: parity below is not meaningful", flush=True)

    t0 = time.time()
    proc = subprocess.Popen(shlex.split(args.java), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    results = []
    for line in proc.stdout:
        if line.startswith("RESULT "):
            results.append(json.loads(line[7:]))
        else:
            print("  java| " + line, end="", flush=True)
    if proc.wait() != 0:
        print(f"GpuModelBench failed with exit code {proc.returncode} after {time.time() - t0:.0f} s", flush=True)
    rows = []
    for r in results:
        try:
            rows.append(compare(r, args))
        except Exception as e:  # keep the other rows
            print(f"torch comparison of {r['model']} {r['component']} failed: {e!r}", flush=True)

    print()
    hdr = f"{'model':<8} {'component':<11} {'input':<40} {'ours ms':>9} {'torch ms':>9} {'ours/torch':>10} " \
          f"{'graph ms':>9} {'ours/graph':>10} {'torch CL ms':>11} {'vs f32':>8} {'vs f16':>8} {'t16 vs f32':>10} parity"
    print(hdr)
    for w in rows:
        cl = f"{w['torch_cl_ms']:11.2f}" if "torch_cl_ms" in w else f"{'-':>11}"
        gr = f"{w['torch_graph_ms']:9.2f} {w['ratio_graph']:10.2f}" if "torch_graph_ms" in w else f"{'-':>9} {'-':>10}"
        print(f"{w['model']:<8} {w['component']:<11} {w['shape']:<40} {w['ours_ms']:9.2f} {w['torch_ms']:9.2f} "
              f"{w['ratio']:10.2f} {gr} {cl} {w['ours_vs_torch32']:8.1e} {w['ours_vs_torch16']:8.1e} "
              f"{w['torch16_vs_torch32']:10.1e} {'ok' if w['parity_ok'] else 'FAIL'} (tol {TOL:.0e})")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"device": name, "torch": torch.__version__, "reference_valid": valid, "java": results,
                       "rows": rows}, f, indent=1)
    sys.exit(0 if rows and len(rows) == len(results) and valid is not False and proc.returncode == 0 else 1)


if __name__ == "__main__":
    main()

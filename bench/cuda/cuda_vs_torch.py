#!/usr/bin/env python3
"""Times PyTorch (cuBLAS / cuDNN / SDPA, f16) and jdiffusion's CUDA kernels on the same GPU, in one
run, and prints a side-by-side table with ratios (ours / torch, in TFLOP/s). Kernel times on both
sides come from CUDA-graph replays, so per-call host overhead is excluded from the comparison.

    python3 bench/cuda_vs_torch.py --java "java --enable-native-access=ALL-UNNAMED -cp JARS jdiffusion.bench.cuda.GpuBench"

The Java harness prints `RESULT {json}` lines; this script measures torch the same way.
"""
import argparse
import json
import shlex
import subprocess
import sys

import torch
import torch.nn.functional as F


def time_ms(fn, iters, replays=5):
    """Kernel time per call: `iters` calls captured in a CUDA graph, replayed `replays` times
    between CUDA events (no Python/dispatcher cost, like the Java side's graph replay)."""
    s = torch.cuda.Stream()
    s.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(s):
        for _ in range(3):
            fn()
    torch.cuda.current_stream().wait_stream(s)
    torch.cuda.synchronize()
    g = torch.cuda.CUDAGraph()
    with torch.cuda.graph(g):
        for _ in range(iters):
            fn()
    for _ in range(2):
        g.replay()
    torch.cuda.synchronize()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(replays):
        g.replay()
    end.record()
    end.synchronize()
    return start.elapsed_time(end) / (replays * iters)


def torch_results(iters):
    dev = "cuda"
    out = {}
    gen = torch.Generator(device=dev).manual_seed(0)
    for m, k, n in [(4096, 320, 320), (4096, 320, 1280), (4096, 1280, 320), (1024, 640, 640), (64, 1280, 1280),
                    (8192, 8192, 8192)]:
        a = torch.rand(m, k, device=dev, generator=gen, dtype=torch.float16) * 2 - 1
        w = torch.rand(n, k, device=dev, generator=gen, dtype=torch.float16) * 2 - 1
        ms = time_ms(lambda: torch.matmul(a, w.t()), iters)
        out[("gemm", m, k, n)] = ms
    for name, b, lq, lk, h, d in [("self", 2, 4096, 4096, 8, 40), ("cross", 2, 4096, 77, 8, 40),
                                  ("self", 2, 1024, 1024, 8, 80), ("self", 2, 4096, 4096, 10, 64)]:
        q = torch.rand(b, h, lq, d, device=dev, generator=gen, dtype=torch.float16) * 2 - 1
        kk = torch.rand(b, h, lk, d, device=dev, generator=gen, dtype=torch.float16) * 2 - 1
        v = torch.rand(b, h, lk, d, device=dev, generator=gen, dtype=torch.float16) * 2 - 1
        ms = time_ms(lambda: F.scaled_dot_product_attention(q, kk, v), iters)
        out[("attention", name, b, lq, lk, h, d)] = ms
    for b, c, hh, ww, o in [(1, 320, 64, 64, 320), (2, 320, 64, 64, 320)]:
        x = torch.rand(b, c, hh, ww, device=dev, generator=gen, dtype=torch.float16) * 2 - 1
        wt = (torch.rand(o, c, 3, 3, device=dev, generator=gen, dtype=torch.float16) * 2 - 1) * 0.05
        torch.backends.cudnn.benchmark = True
        ms_nchw = time_ms(lambda: F.conv2d(x, wt, padding=1), iters)
        xc = x.to(memory_format=torch.channels_last)
        wc = wt.to(memory_format=torch.channels_last)
        ms_nhwc = time_ms(lambda: F.conv2d(xc, wc, padding=1), iters)
        out[("conv", b, c, hh, ww, o)] = min(ms_nchw, ms_nhwc)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--java", required=True, help="command line that runs jdiffusion.bench.cuda.GpuBench")
    ap.add_argument("--iters", type=int, default=20)
    ap.add_argument("--json", help="write all numbers here")
    args = ap.parse_args()

    print(f"torch {torch.__version__}, {torch.cuda.get_device_name(0)}", flush=True)
    # Bring the GPU out of idle clocks before timing (the Java harness does the same).
    x = torch.rand(4096, 4096, device="cuda", dtype=torch.float16)
    torch.cuda.synchronize()
    import time
    t0 = time.time()
    while time.time() - t0 < 1.0:
        for _ in range(20):
            x @ x
        torch.cuda.synchronize()
    theirs = torch_results(args.iters)
    torch.cuda.empty_cache()

    proc = subprocess.run(shlex.split(args.java) + [str(args.iters)], capture_output=True, text=True)
    sys.stdout.write("".join(l + "\n" for l in proc.stdout.splitlines() if not l.startswith("RESULT ")))
    if proc.returncode != 0:
        sys.stdout.write(proc.stderr)
        sys.exit(f"GpuBench failed with exit code {proc.returncode}")
    ours = [json.loads(l[7:]) for l in proc.stdout.splitlines() if l.startswith("RESULT ")]

    rows = []
    for r in ours:
        if r["kind"] == "gemm":
            key = ("gemm", r["m"], r["k"], r["n"])
            shape = f"M={r['m']} K={r['k']} N={r['n']}"
            flops = 2.0 * r["m"] * r["k"] * r["n"]
            label = f"gemm tile {r['tile']}" + (" (auto)" if r["auto"] else "")
        elif r["kind"] == "attention":
            key = ("attention", r["name"], r["b"], r["lq"], r["lk"], r["h"], r["d"])
            shape = f"B={r['b']} {r['lq']}x{r['lk']} H={r['h']} D={r['d']}"
            flops = 4.0 * r["b"] * r["h"] * r["lq"] * r["lk"] * r["d"]
            label = f"attention {r['name']} q{r['rows']}" + (" (auto)" if r["auto"] else "")
        elif r["kind"] == "conv":
            key = ("conv", r["b"], r["c"], r["h"], r["w"], r["o"])
            shape = f"B={r['b']} {r['c']}->{r['o']} {r['h']}x{r['w']} 3x3"
            flops = 2.0 * r["b"] * r["h"] * r["w"] * r["o"] * r["c"] * 9
            label = f"conv tile {r['tile']}" + (" (auto)" if r["auto"] else "")
        elif r["kind"] == "gemm_check":
            print(f"gemm check M={r['m']} K={r['k']} N={r['n']}: max |err| / sum|a*b| = {r['max_err_over_sum_abs']:.2e}")
            continue
        else:
            rows.append((f"backend {r['name']}", "", None, None, r["ms"], r["tflops"] or None, None))
            continue
        t_ms = theirs.get(key)
        t_tf = flops / t_ms / 1e9 if t_ms else None
        rows.append((label, shape, t_ms, t_tf, r["ms"], r["tflops"], r["tflops"] / t_tf if t_tf else None))

    fmt = lambda v, f: ("-" if v is None else format(v, f))
    print()
    print(f"{'op':<28} {'shape':<30} {'torch ms':>9} {'torch TF/s':>10} {'ours ms':>9} {'ours TF/s':>9} {'ours/torch':>10}")
    for label, shape, tm, tt, om, ot, ratio in rows:
        print(f"{label:<28} {shape:<30} {fmt(tm, '9.4f')} {fmt(tt, '10.1f')} {fmt(om, '9.4f')} {fmt(ot, '9.1f')} {fmt(ratio, '10.2f')}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"torch_ms": {" ".join(map(str, k)): v for k, v in theirs.items()}, "ours": ours}, f, indent=1)


if __name__ == "__main__":
    main()

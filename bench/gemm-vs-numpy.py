"""numpy (OpenBLAS) side of bench/gemm-vs-numpy.sh: median GFLOP/s of `a @ b` for each MxKxN shape."""
import sys
import time

import numpy as np


def measure(m, k, n, reps):
    rng = np.random.default_rng(1)
    a = (rng.random((m, k), dtype=np.float32) - 0.5)
    b = (rng.random((k, n), dtype=np.float32) - 0.5)
    end = time.perf_counter() + 1.5
    warm = 0
    while warm < 3 or time.perf_counter() < end:
        a @ b
        warm += 1
    inner = max(1, int(2e9 / (2.0 * m * n * k * 20)))
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        for _ in range(inner):
            a @ b
        times.append((time.perf_counter() - t0) / inner)
    times.sort()
    return 2.0 * m * n * k / times[reps // 2] / 1e9


if __name__ == "__main__":
    reps = 7
    for s in sys.argv[1:]:
        if s.startswith("--reps="):
            reps = int(s[7:])
            continue
        m, k, n = (int(x) for x in s.split("x"))
        print(f"{m} {k} {n} {measure(m, k, n, reps):.1f}", flush=True)

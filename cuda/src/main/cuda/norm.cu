// Normalisations and softmax over float32 activations. Statistics are accumulated in double in a
// fixed order (so a result never depends on scheduling), applied in float, mirroring the CPU
// kernels' arithmetic.
#include "common.cuh"

// ---- GroupNorm in three parallel steps: chunk statistics, merge, apply ---------------------------

// Chunk c of group bg (the contiguous run of cpg * spatial elements at bg * n): count, mean and
// M2 = sum (x - mean)^2 in double, written to part[(bg * chunks + c) * 3 ...].
extern "C" __global__ void gn_partial_f32(const float* __restrict__ x, double* __restrict__ part, long long n,
                                          int chunks) {
    __shared__ double scratch[32];
    int bg = blockIdx.x, c = blockIdx.y;
    long long len = (n + chunks - 1) / chunks;
    long long from = (long long)c * len, to = min(n, from + len);
    const float* xg = x + (long long)bg * n;
    double s = 0;
    for (long long i = from + threadIdx.x; i < to; i += blockDim.x) s += xg[i];
    double cnt = (double)max(0LL, to - from);
    double total = block_sum(s, scratch);  // every thread takes part in the reduction
    double mean = cnt > 0 ? total / cnt : 0.0;
    double m2 = 0;
    for (long long i = from + threadIdx.x; i < to; i += blockDim.x) {
        double d = (double)xg[i] - mean;
        m2 += d * d;
    }
    m2 = block_sum(m2, scratch);
    if (threadIdx.x == 0) {
        double* p = part + ((long long)bg * chunks + c) * 3;
        p[0] = cnt;
        p[1] = mean;
        p[2] = m2;
    }
}

// One thread per group: merges the chunk statistics in chunk order (Chan et al.) and writes
// stats[bg] = {mean hi, mean lo, rstd} as floats (hi + lo is the double mean to ~2^-48).
extern "C" __global__ void gn_finalize(const double* __restrict__ part, float* __restrict__ stats, int groupsTotal,
                                       int chunks, float eps) {
    int bg = blockIdx.x * blockDim.x + threadIdx.x;
    if (bg >= groupsTotal) return;
    const double* p = part + (long long)bg * chunks * 3;
    double n = p[0], mean = p[1], m2 = p[2];
    for (int c = 1; c < chunks; c++) {
        double nb = p[3 * c], mb = p[3 * c + 1], m2b = p[3 * c + 2];
        if (nb == 0) continue;
        double nab = n + nb, delta = mb - mean;
        mean += delta * (nb / nab);
        m2 += m2b + delta * delta * (n * nb / nab);
        n = nab;
    }
    double var = m2 / n;
    float hi = (float)mean;
    stats[3 * bg] = hi;
    stats[3 * bg + 1] = (float)(mean - (double)hi);
    stats[3 * bg + 2] = (float)(1.0 / sqrt(var + (double)eps));
}

// y = (x - mean) * rstd * gamma[c] + beta[c] (+ SiLU). grid: (blocks over the plane, planes);
// plane p = plane0 + blockIdx.y is channel p % C of image p / C.
extern "C" __global__ void gn_apply_f32(const float* __restrict__ x, float* __restrict__ y,
                                        const float* __restrict__ stats, const float* __restrict__ gamma,
                                        const float* __restrict__ beta, int C, int groups, long long spatial,
                                        int plane0, int silu) {
    long long p = (long long)plane0 + blockIdx.y;
    int c = (int)(p % C);
    long long bg = (p / C) * groups + c / (C / groups);
    float mHi = stats[3 * bg], mLo = stats[3 * bg + 1];
    float sc = stats[3 * bg + 2] * (gamma ? gamma[c] : 1.f), sh = beta ? beta[c] : 0.f;
    const float* xp = x + p * spatial;
    float* yp = y + p * spatial;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < spatial; i += (long long)gridDim.x * blockDim.x) {
        float t = fmaf(xp[i] - mHi - mLo, sc, sh);
        yp[i] = silu ? silu_f(t) : t;
    }
}

// ---- row-wise ops: one warp per row (rows of 77..4096 elements stay in L1 between passes) -------

__device__ __forceinline__ double warp_sum(double v) {
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}

// LayerNorm over rows of n elements; gamma/beta may be null. 8 rows per 256-thread block.
extern "C" __global__ void layer_norm_f32(const float* __restrict__ x, float* __restrict__ y,
                                          const float* __restrict__ gamma, const float* __restrict__ beta,
                                          long long rows, int n, float eps) {
    long long row = (long long)blockIdx.x * 8 + (threadIdx.x >> 5);
    int lane = threadIdx.x & 31;
    if (row >= rows) return;
    const float* xr = x + row * n;
    float* yr = y + row * n;
    double s = 0;
    for (int i = lane; i < n; i += 32) s += xr[i];
    double mean = warp_sum(s) / n;
    double v = 0;
    for (int i = lane; i < n; i += 32) {
        double d = (double)xr[i] - mean;
        v += d * d;
    }
    double var = warp_sum(v) / n;
    float rstd = (float)(1.0 / sqrt(var + (double)eps));
    float mHi = (float)mean, mLo = (float)(mean - (double)mHi);
    for (int i = lane; i < n; i += 32) {
        float t = (xr[i] - mHi - mLo) * rstd;
        if (gamma) t *= gamma[i];
        if (beta) t += beta[i];
        yr[i] = t;
    }
}

// Softmax over rows of n elements, 8 rows per 256-thread block.
extern "C" __global__ void softmax_f32(const float* __restrict__ x, float* __restrict__ y, long long rows, int n) {
    long long row = (long long)blockIdx.x * 8 + (threadIdx.x >> 5);
    int lane = threadIdx.x & 31;
    if (row >= rows) return;
    const float* xr = x + row * n;
    float* yr = y + row * n;
    float m = -INFINITY;
    for (int i = lane; i < n; i += 32) m = fmaxf(m, xr[i]);
    for (int o = 16; o > 0; o >>= 1) m = fmaxf(m, __shfl_xor_sync(0xffffffffu, m, o));
    double s = 0;
    for (int i = lane; i < n; i += 32) s += expf(xr[i] - m);
    float inv = (float)(1.0 / warp_sum(s));
    for (int i = lane; i < n; i += 32) yr[i] = expf(xr[i] - m) * inv;
}

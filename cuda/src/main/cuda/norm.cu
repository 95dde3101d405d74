// Normalisations and softmax over float32 activations. Statistics are accumulated in double in a
// fixed order (thread-strided partial sums, then a fixed-order block reduction), applied in float,
// mirroring the CPU kernels' arithmetic.
#include "common.cuh"

// GroupNorm (+SiLU): one block per (batch, group); the group is the contiguous run of
// cpg * spatial elements starting at blockIdx.x * cpg * spatial. gamma/beta may be null.
extern "C" __global__ void group_norm_f32(const float* __restrict__ x, float* __restrict__ y,
                                          const float* __restrict__ gamma, const float* __restrict__ beta,
                                          int C, int groups, long long spatial, float eps, int silu) {
    __shared__ double scratch[32];
    int cpg = C / groups;
    int g = blockIdx.x % groups;
    long long n = (long long)cpg * spatial;
    const float* xg = x + (long long)blockIdx.x * n;
    float* yg = y + (long long)blockIdx.x * n;
    double s = 0;
    for (long long i = threadIdx.x; i < n; i += blockDim.x) s += xg[i];
    double mean = block_sum(s, scratch) / (double)n;
    double v = 0;
    for (long long i = threadIdx.x; i < n; i += blockDim.x) {
        double d = (double)xg[i] - mean;
        v += d * d;
    }
    double var = block_sum(v, scratch) / (double)n;
    float rstd = (float)(1.0 / sqrt(var + (double)eps));
    float mHi = (float)mean, mLo = (float)(mean - (double)mHi);
    for (int c = 0; c < cpg; c++) {
        int ch = g * cpg + c;
        float sc = rstd * (gamma ? gamma[ch] : 1.f), sh = beta ? beta[ch] : 0.f;
        const float* xc = xg + (long long)c * spatial;
        float* yc = yg + (long long)c * spatial;
        for (long long i = threadIdx.x; i < spatial; i += blockDim.x) {
            float t = fmaf(xc[i] - mHi - mLo, sc, sh);
            yc[i] = silu ? silu_f(t) : t;
        }
    }
}

// LayerNorm over rows of n elements, one block per row.
extern "C" __global__ void layer_norm_f32(const float* __restrict__ x, float* __restrict__ y,
                                          const float* __restrict__ gamma, const float* __restrict__ beta,
                                          int n, float eps) {
    __shared__ double scratch[32];
    const float* xr = x + (long long)blockIdx.x * n;
    float* yr = y + (long long)blockIdx.x * n;
    double s = 0;
    for (int i = threadIdx.x; i < n; i += blockDim.x) s += xr[i];
    double mean = block_sum(s, scratch) / n;
    double v = 0;
    for (int i = threadIdx.x; i < n; i += blockDim.x) {
        double d = (double)xr[i] - mean;
        v += d * d;
    }
    double var = block_sum(v, scratch) / n;
    float rstd = (float)(1.0 / sqrt(var + (double)eps));
    float mHi = (float)mean, mLo = (float)(mean - (double)mHi);
    for (int i = threadIdx.x; i < n; i += blockDim.x) {
        float t = (xr[i] - mHi - mLo) * rstd;
        if (gamma) t *= gamma[i];
        if (beta) t += beta[i];
        yr[i] = t;
    }
}

// Softmax over rows of n elements, one block per row.
extern "C" __global__ void softmax_f32(const float* __restrict__ x, float* __restrict__ y, int n) {
    __shared__ double scratch[32];
    __shared__ float fscratch[32];
    const float* xr = x + (long long)blockIdx.x * n;
    float* yr = y + (long long)blockIdx.x * n;
    float m = -INFINITY;
    for (int i = threadIdx.x; i < n; i += blockDim.x) m = fmaxf(m, xr[i]);
    m = block_max(m, fscratch);
    double s = 0;
    for (int i = threadIdx.x; i < n; i += blockDim.x) s += expf(xr[i] - m);
    float inv = (float)(1.0 / block_sum(s, scratch));
    for (int i = threadIdx.x; i < n; i += blockDim.x) yr[i] = expf(xr[i] - m) * inv;
}

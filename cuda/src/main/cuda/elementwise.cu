// Pointwise, layout and conversion kernels. All index arithmetic is 64-bit where a tensor's
// element count can exceed 2^31 bytes; grid-stride loops let the host cap the grid size.
#include "common.cuh"

#define GRID_STRIDE(i, n) for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < (n); \
                               i += (long long)gridDim.x * blockDim.x)

// Activation codes shared with jdiffusion.cuda (Activation.ordinal()): SILU, GELU, GELU_TANH, QUICK_GELU.
__device__ __forceinline__ float activate(float v, int act) {
    switch (act) {
        case 0: return silu_f(v);
        case 1: return 0.5f * v * (1.f + erff(v * 0.70710678118654752f));
        case 2: return 0.5f * v * (1.f + tanhf(0.7978845608028654f * (v + 0.044715f * v * v * v)));
        default: return v / (1.f + expf(-1.702f * v));
    }
}

extern "C" __global__ void act_f32(const float* __restrict__ x, float* y, long long n, int act) {
    GRID_STRIDE(i, n) y[i] = activate(x[i], act);
}

extern "C" __global__ void scale_f32(const float* __restrict__ x, float* y, long long n, float s) {
    GRID_STRIDE(i, n) y[i] = x[i] * s;
}

// NaN stays NaN (both comparisons are false), as in PyTorch.
extern "C" __global__ void clamp_f32(const float* __restrict__ x, float* y, long long n, float lo, float hi) {
    GRID_STRIDE(i, n) {
        float v = x[i];
        y[i] = v < lo ? lo : (v > hi ? hi : v);
    }
}

// x: [rows, 2n] -> y: [rows, n] = x[:, :n] * gelu(x[:, n:]); blocks walk rows, threads columns.
extern "C" __global__ void geglu_f32(const float* __restrict__ x, float* __restrict__ y, long long rows, int n) {
    for (long long r = blockIdx.x; r < rows; r += gridDim.x) {
        const float* xr = x + r * 2 * n;
        float* yr = y + r * n;
        for (int c = threadIdx.x; c < n; c += blockDim.x) yr[c] = xr[c] * activate(xr[n + c], 1);
    }
}

// y = a op b (op 0: add, 1: mul) over an output of shape [d0, d1, d2, d3]; sa*/sb* are the element
// strides of a and b per output dimension (0 where broadcast). y may alias a.
extern "C" __global__ void binary_f32(const float* a, const float* b, float* y, long long n, int op,
                                      int d1, int d2, int d3, int sa0, int sa1, int sa2, int sa3,
                                      int sb0, int sb1, int sb2, int sb3) {
    GRID_STRIDE(i, n) {
        long long t = i;
        int i3 = (int)(t % d3); t /= d3;
        int i2 = (int)(t % d2); t /= d2;
        int i1 = (int)(t % d1);
        long long i0 = t / d1;
        float va = a[i0 * sa0 + (long long)i1 * sa1 + (long long)i2 * sa2 + (long long)i3 * sa3];
        float vb = b[i0 * sb0 + (long long)i1 * sb1 + (long long)i2 * sb2 + (long long)i3 * sb3];
        y[i] = op == 0 ? va + vb : va * vb;
    }
}

// Same-shape fast path of binary_f32.
extern "C" __global__ void binary_same_f32(const float* a, const float* b, float* y, long long n, int op) {
    GRID_STRIDE(i, n) y[i] = op == 0 ? a[i] + b[i] : a[i] * b[i];
}

// y (shape [d0..d5], contiguous) = x viewed through strides s0..s5 (a permutation's gather).
extern "C" __global__ void permute_f32(const float* __restrict__ x, float* __restrict__ y, long long n,
                                       int d1, int d2, int d3, int d4, int d5,
                                       long long s0, long long s1, long long s2, long long s3, long long s4, long long s5) {
    GRID_STRIDE(i, n) {
        long long t = i;
        long long off = (t % d5) * s5; t /= d5;
        off += (t % d4) * s4; t /= d4;
        off += (t % d3) * s3; t /= d3;
        off += (t % d2) * s2; t /= d2;
        off += (t % d1) * s1; t /= d1;
        off += t * s0;
        y[i] = x[off];
    }
}

// rows x cols block copy between pitched buffers (concat, narrow).
extern "C" __global__ void copy2d_f32(const float* __restrict__ src, long long srcPitch, float* __restrict__ dst,
                                      long long dstPitch, long long rows, long long cols) {
    GRID_STRIDE(i, rows * cols) {
        long long r = i / cols, c = i - r * cols;
        dst[r * dstPitch + c] = src[r * srcPitch + c];
    }
}

// [planes, h, w] -> [planes, 2h, 2w], nearest.
extern "C" __global__ void upsample2x_f32(const float* __restrict__ x, float* __restrict__ y, long long planes, int h, int w) {
    long long wo = 2LL * w, ho = 2LL * h;
    GRID_STRIDE(i, planes * ho * wo) {
        long long p = i / (ho * wo);
        long long r = i - p * ho * wo;
        long long oy = r / wo, ox = r - oy * wo;
        y[i] = x[(p * h + oy / 2) * w + ox / 2];
    }
}

// [planes, h, w] -> [planes, ho, wo] with the input at (top, left), zeros elsewhere.
extern "C" __global__ void pad2d_f32(const float* __restrict__ x, float* __restrict__ y, long long planes, int h, int w,
                                     int top, int left, int ho, int wo) {
    GRID_STRIDE(i, planes * ho * wo) {
        long long p = i / ((long long)ho * wo);
        long long r = i - p * ho * wo;
        int oy = (int)(r / wo), ox = (int)(r - (long long)oy * wo);
        int iy = oy - top, ix = ox - left;
        y[i] = (iy >= 0 && iy < h && ix >= 0 && ix < w) ? x[(p * h + iy) * w + ix] : 0.f;
    }
}

// y[i, :] = table[ids[i], :] (ids checked on the host).
extern "C" __global__ void embedding_f32(const void* __restrict__ table, int dt, const int* __restrict__ ids,
                                         float* __restrict__ y, long long n, int D) {
    GRID_STRIDE(i, n * D) {
        long long r = i / D;
        int c = (int)(i - r * D);
        y[i] = load_as_float(table, dt, (long long)ids[r] * D + c);
    }
}

// ---- conversions (weights once, activations before tensor-core kernels) ------------------------

// dst[r][c] = src[r][c] for c < cols, 0 for cols <= c < dcols (row padding to a multiple of 8).
extern "C" __global__ void cvt_rows(const void* __restrict__ src, int sdt, long long srcPitch, void* __restrict__ dst,
                                    int ddt, long long dstPitch, long long rows, int cols, int dcols) {
    GRID_STRIDE(i, rows * dcols) {
        long long r = i / dcols;
        int c = (int)(i - r * dcols);
        float v = c < cols ? load_as_float(src, sdt, r * srcPitch + c) : 0.f;
        store_from_float(dst, ddt, r * dstPitch + c, v);
    }
}

// src [batch][R][Cc] -> dst [batch][Cc][dstPitch], dst[b][c][r] = src[b][r][c], zeros for r >= R.
// 32x32 tiles through shared memory keep both sides coalesced. grid: (ceil(dstPitch/32), ceil(Cc/32), batch),
// block: (32, 8). Used for NCHW -> NHWC (R = C, Cc = H*W) and for [K][N] -> [N][K] operands.
extern "C" __global__ void cvt_transpose(const void* __restrict__ src, int sdt, void* __restrict__ dst, int ddt,
                                         int R, int Cc, int dstPitch) {
    __shared__ float tile[32][33];
    int r0 = blockIdx.x * 32, c0 = blockIdx.y * 32;
    long long sb = (long long)blockIdx.z * R * Cc, db = (long long)blockIdx.z * Cc * dstPitch;
    for (int k = threadIdx.y; k < 32; k += 8) {
        int r = r0 + k, c = c0 + threadIdx.x;
        tile[k][threadIdx.x] = (r < R && c < Cc) ? load_as_float(src, sdt, sb + (long long)r * Cc + c) : 0.f;
    }
    __syncthreads();
    for (int k = threadIdx.y; k < 32; k += 8) {
        int c = c0 + k, r = r0 + threadIdx.x;
        if (c < Cc && r < dstPitch) store_from_float(dst, ddt, db + (long long)c * dstPitch + r, tile[threadIdx.x][k]);
    }
}

// Conv weight [O][C][taps] (any dtype) -> [O][taps][Cp] (compute dtype), zeros for c >= C.
extern "C" __global__ void cvt_conv_weight(const void* __restrict__ src, int sdt, void* __restrict__ dst, int ddt,
                                           int O, int C, int taps, int Cp) {
    GRID_STRIDE(i, (long long)O * taps * Cp) {
        int c = (int)(i % Cp);
        long long t = i / Cp;
        int tap = (int)(t % taps);
        long long o = t / taps;
        float v = c < C ? load_as_float(src, sdt, (o * C + c) * taps + tap) : 0.f;
        store_from_float(dst, ddt, i, v);
    }
}

// q/k/v [B][L][H*D] f32 -> [B*H][L][DP] (compute dtype), zero-padded head dim.
extern "C" __global__ void attn_pack(const float* __restrict__ src, void* __restrict__ dst, int ddt, int Bn, int L,
                                     int H, int D, int DP) {
    GRID_STRIDE(i, (long long)Bn * H * L * DP) {
        int d = (int)(i % DP);
        long long t = i / DP;
        int l = (int)(t % L);
        t /= L;
        int h = (int)(t % H);
        long long b = t / H;
        float v = d < D ? src[(b * L + l) * H * D + (long long)h * D + d] : 0.f;
        store_from_float(dst, ddt, i, v);
    }
}

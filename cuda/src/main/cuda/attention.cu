// FlashAttention-2-style attention on tensor cores: one block = 64 queries of one (batch, head),
// 4 warps of 16 query rows; key/value tiles of 64 stream through shared memory (cp.async, two
// stages) while each warp keeps its scores, running max/sum and output in registers. The full
// [Lq, Lk] score matrix never exists.
//
// Inputs are packed by attn_pack (elementwise.cu) as [B*H][L][DP] in f16/bf16 with the head dim
// zero-padded to DP (a multiple of 16: 40 -> 48); rows past L are zero-filled by the copies and
// their scores masked to -inf, so Lk = 77 needs no padding in memory.
#include "common.cuh"

template <typename T, int DP>
__device__ __forceinline__ void flash_body(const T* __restrict__ Q, const T* __restrict__ K, const T* __restrict__ V,
                                           float* __restrict__ O, int Lq, int Lk, int heads, int D, float scale_log2,
                                           int causal) {
    constexpr int BQ = 64, BKV = 64, RS = DP + 8;  // row stride in elements: +16 bytes breaks bank conflicts
    constexpr int ROWB = RS * 2;                    // row stride in bytes
    constexpr int CPR = DP / 8;                     // 16-byte chunks per row
    constexpr int KS = DP / 16;                     // k16 steps over the head dim
    constexpr int DT = DP / 8;                      // n8 output tiles over the head dim
    extern __shared__ __align__(128) char smem[];
    char* Qs = smem;
    char* Ks = Qs + BQ * ROWB;             // [2][BKV] rows
    char* Vs = Ks + 2 * BKV * ROWB;        // [2][BKV] rows
    int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
    int bh = blockIdx.y, b = bh / heads, h = bh - b * heads;
    int q0 = blockIdx.x * BQ;
    const T* Qb = Q + (long long)bh * Lq * DP;
    const T* Kb = K + (long long)bh * Lk * DP;
    const T* Vb = V + (long long)bh * Lk * DP;

    // Copies rows [l0, l0 + 64) of a [L][DP] matrix into smem rows; rows >= L become zeros.
    auto load_tile = [&](char* dst, const T* src, int l0, int L) {
#pragma unroll
        for (int i = 0; i < BQ * CPR / 128; i++) {
            int idx = tid + i * 128;
            int r = idx / CPR, c = idx - r * CPR;
            bool ok = l0 + r < L;
            const T* p = ok ? src + (long long)(l0 + r) * DP + c * 8 : src;
            cp_async16(smem_addr(dst + r * ROWB + c * 16), p, ok ? 16 : 0);
        }
    };

    int nkv = (Lk + BKV - 1) / BKV;
    if (causal) {
        int lastQ = min(q0 + BQ, Lq) - 1;
        nkv = min(nkv, lastQ / BKV + 1);
    }
    load_tile(Qs, Qb, q0, Lq);
    cp_async_commit();
    if (nkv > 0) {
        load_tile(Ks, Kb, 0, Lk);
        load_tile(Vs, Vb, 0, Lk);
    }
    cp_async_commit();

    uint32_t qf[KS][4];
    float o[DT][4];
#pragma unroll
    for (int t = 0; t < DT; t++) o[t][0] = o[t][1] = o[t][2] = o[t][3] = 0.f;
    float mrow[2] = {-INFINITY, -INFINITY}, lrow[2] = {0.f, 0.f};
    int qrow0 = q0 + warp * 16 + (lane >> 2);  // this thread's rows: qrow0 and qrow0 + 8

    for (int j = 0; j < nkv; j++) {
        if (j + 1 < nkv) {
            int s = (j + 1) & 1;
            load_tile(Ks + s * BKV * ROWB, Kb, (j + 1) * BKV, Lk);
            load_tile(Vs + s * BKV * ROWB, Vb, (j + 1) * BKV, Lk);
        }
        cp_async_commit();
        cp_async_wait<1>();  // everything but the tile just requested has landed
        __syncthreads();
        if (j == 0) {
#pragma unroll
            for (int ks = 0; ks < KS; ks++) {
                int row = warp * 16 + (lane & 7) + ((lane >> 3) & 1) * 8;
                int chunk = ks * 2 + (lane >> 4);
                ldmatrix_x4(qf[ks][0], qf[ks][1], qf[ks][2], qf[ks][3], smem_addr(Qs + row * ROWB + chunk * 16));
            }
        }
        const char* Kt = Ks + (j & 1) * BKV * ROWB;
        const char* Vt = Vs + (j & 1) * BKV * ROWB;

        // S = Q K^T for this warp's 16 rows x 64 keys.
        float s[8][4];
#pragma unroll
        for (int t = 0; t < 8; t++) s[t][0] = s[t][1] = s[t][2] = s[t][3] = 0.f;
#pragma unroll
        for (int ks = 0; ks < KS; ks++) {
#pragma unroll
            for (int np = 0; np < 4; np++) {
                int jj = lane >> 3;
                int row = np * 16 + (lane & 7) + (jj >> 1) * 8;
                int chunk = ks * 2 + (jj & 1);
                uint32_t b0[2], b1[2];
                ldmatrix_x4(b0[0], b0[1], b1[0], b1[1], smem_addr(Kt + row * ROWB + chunk * 16));
                mma16816<T>(s[2 * np], qf[ks], b0);
                mma16816<T>(s[2 * np + 1], qf[ks], b1);
            }
        }

        // Mask, then the online softmax update (base-2 exponent, scale folded in).
        float mx[2] = {-INFINITY, -INFINITY};
#pragma unroll
        for (int t = 0; t < 8; t++) {
#pragma unroll
            for (int e = 0; e < 4; e++) {
                int key = j * BKV + t * 8 + (lane & 3) * 2 + (e & 1);
                int qr = qrow0 + (e >> 1) * 8;
                bool masked = key >= Lk || (causal && key > qr);
                float v = masked ? -INFINITY : s[t][e] * scale_log2;
                s[t][e] = v;
                mx[e >> 1] = fmaxf(mx[e >> 1], v);
            }
        }
        float alpha[2], mref[2];
#pragma unroll
        for (int r = 0; r < 2; r++) {
            mx[r] = fmaxf(mx[r], __shfl_xor_sync(0xffffffffu, mx[r], 1));
            mx[r] = fmaxf(mx[r], __shfl_xor_sync(0xffffffffu, mx[r], 2));
            float mnew = fmaxf(mrow[r], mx[r]);
            mref[r] = mnew == -INFINITY ? 0.f : mnew;  // a fully masked row so far: exp2(-inf) = 0
            alpha[r] = exp2f(mrow[r] - mref[r]);
            mrow[r] = mnew;
            lrow[r] *= alpha[r];
        }
#pragma unroll
        for (int t = 0; t < 8; t++) {
#pragma unroll
            for (int e = 0; e < 4; e++) {
                float p = exp2f(s[t][e] - mref[e >> 1]);
                s[t][e] = p;
                lrow[e >> 1] += p;
            }
        }
#pragma unroll
        for (int t = 0; t < DT; t++) {
            o[t][0] *= alpha[0]; o[t][1] *= alpha[0];
            o[t][2] *= alpha[1]; o[t][3] *= alpha[1];
        }

        // O += P V: the score accumulators of two adjacent n8 tiles are exactly the A fragment
        // of one k16 step, so P goes from registers to the tensor cores without shared memory.
#pragma unroll
        for (int kk = 0; kk < 4; kk++) {
            uint32_t pa[4];
            pa[0] = pack2<T>(s[2 * kk][0], s[2 * kk][1]);
            pa[1] = pack2<T>(s[2 * kk][2], s[2 * kk][3]);
            pa[2] = pack2<T>(s[2 * kk + 1][0], s[2 * kk + 1][1]);
            pa[3] = pack2<T>(s[2 * kk + 1][2], s[2 * kk + 1][3]);
#pragma unroll
            for (int dp = 0; dp < DT / 2; dp++) {
                int jj = lane >> 3;
                int row = kk * 16 + (lane & 7) + (jj & 1) * 8;
                int chunk = dp * 2 + (jj >> 1);
                uint32_t b0[2], b1[2];
                ldmatrix_x4_trans(b0[0], b0[1], b1[0], b1[1], smem_addr(Vt + row * ROWB + chunk * 16));
                mma16816<T>(o[2 * dp], pa, b0);
                mma16816<T>(o[2 * dp + 1], pa, b1);
            }
        }
        __syncthreads();  // this stage is refilled by the next iteration's copies
    }
    cp_async_wait<0>();

    float inv[2];
#pragma unroll
    for (int r = 0; r < 2; r++) {
        float l = lrow[r];
        l += __shfl_xor_sync(0xffffffffu, l, 1);
        l += __shfl_xor_sync(0xffffffffu, l, 2);
        inv[r] = l > 0.f ? 1.f / l : 0.f;
    }
    int oStride = heads * D;
#pragma unroll
    for (int t = 0; t < DT; t++) {
#pragma unroll
        for (int e = 0; e < 4; e++) {
            int qr = qrow0 + (e >> 1) * 8;
            int d = t * 8 + (lane & 3) * 2 + (e & 1);
            if (qr < Lq && d < D) O[((long long)b * Lq + qr) * oStride + h * D + d] = o[t][e] * inv[e >> 1];
        }
    }
}

#define FLASH_ENTRY(NAME, T, DP)                                                                          \
    extern "C" __global__ void __launch_bounds__(128) NAME(const T* Q, const T* K, const T* V, float* O,   \
                                                           int Lq, int Lk, int heads, int D,              \
                                                           float scale_log2, int causal) {                \
        flash_body<T, DP>(Q, K, V, O, Lq, Lk, heads, D, scale_log2, causal);                              \
    }

FLASH_ENTRY(flash_f16_d16, __half, 16)
FLASH_ENTRY(flash_f16_d32, __half, 32)
FLASH_ENTRY(flash_f16_d48, __half, 48)
FLASH_ENTRY(flash_f16_d64, __half, 64)
FLASH_ENTRY(flash_f16_d80, __half, 80)
FLASH_ENTRY(flash_f16_d96, __half, 96)
FLASH_ENTRY(flash_f16_d128, __half, 128)
FLASH_ENTRY(flash_f16_d160, __half, 160)
FLASH_ENTRY(flash_bf16_d16, __nv_bfloat16, 16)
FLASH_ENTRY(flash_bf16_d32, __nv_bfloat16, 32)
FLASH_ENTRY(flash_bf16_d48, __nv_bfloat16, 48)
FLASH_ENTRY(flash_bf16_d64, __nv_bfloat16, 64)
FLASH_ENTRY(flash_bf16_d80, __nv_bfloat16, 80)
FLASH_ENTRY(flash_bf16_d96, __nv_bfloat16, 96)
FLASH_ENTRY(flash_bf16_d128, __nv_bfloat16, 128)
FLASH_ENTRY(flash_bf16_d160, __nv_bfloat16, 160)

// Any head size up to 256 (and Dv != D), float32 throughout: one warp per (batch, head, query),
// lanes own the head dimensions d = lane + 32 i. Slow but exact; used where the tensor-core
// kernel has no variant.
extern "C" __global__ void attn_generic_f32(const float* __restrict__ Q, const float* __restrict__ K,
                                            const float* __restrict__ V, float* __restrict__ O, int Bn, int Lq,
                                            int Lk, int heads, int D, int Dv, float scale, int causal) {
    long long wid = ((long long)blockIdx.x * blockDim.x + threadIdx.x) >> 5;
    int lane = threadIdx.x & 31;
    if (wid >= (long long)Bn * heads * Lq) return;
    int i = (int)(wid % Lq);
    int h = (int)((wid / Lq) % heads);
    int b = (int)(wid / ((long long)Lq * heads));
    float q[8], acc[8];
    const float* qp = Q + ((long long)b * Lq + i) * heads * D + h * D;
#pragma unroll
    for (int t = 0; t < 8; t++) {
        int d = lane + 32 * t;
        q[t] = d < D ? qp[d] : 0.f;
        acc[t] = 0.f;
    }
    float m = -INFINITY, l = 0.f;
    int keys = causal ? min(Lk, i + 1) : Lk;
    for (int j = 0; j < keys; j++) {
        const float* kp = K + ((long long)b * Lk + j) * heads * D + h * D;
        float dot = 0.f;
#pragma unroll
        for (int t = 0; t < 8; t++) {
            int d = lane + 32 * t;
            if (d < D) dot = fmaf(q[t], kp[d], dot);
        }
        for (int off = 16; off > 0; off >>= 1) dot += __shfl_xor_sync(0xffffffffu, dot, off);
        float sc = dot * scale;
        float mn = fmaxf(m, sc);
        float a = expf(m - mn), p = expf(sc - mn);
        l = l * a + p;
        const float* vp = V + ((long long)b * Lk + j) * heads * Dv + h * Dv;
#pragma unroll
        for (int t = 0; t < 8; t++) {
            int d = lane + 32 * t;
            acc[t] = acc[t] * a + (d < Dv ? p * vp[d] : 0.f);
        }
        m = mn;
    }
    float* op = O + ((long long)b * Lq + i) * heads * Dv + h * Dv;
    float inv = l > 0.f ? 1.f / l : 0.f;
#pragma unroll
    for (int t = 0; t < 8; t++) {
        int d = lane + 32 * t;
        if (d < Dv) op[d] = acc[t] * inv;
    }
}

// FlashAttention-2-style attention on tensor cores: one block = 64·MT queries of one (batch,
// head), 4 warps of 16·MT query rows (MT = 2 for head dims up to 96: entries *_q128; else 1:
// *_q64); key/value tiles of 64 stream through shared memory (cp.async, two stages) while each warp
// keeps its scores, running max/sum and output in registers. The full [Lq, Lk] score matrix never
// exists.
//
// Inputs are packed by attn_pack (elementwise.cu) as [B*H][L][DP] in f16/bf16 with the head dim
// zero-padded to DP (a multiple of 16: 40 -> 48); rows past L are zero-filled by the copies and
// their scores masked to -inf, so Lk = 77 needs no padding in memory.
#include "common.cuh"

// 2^x on the special-function unit (flush-to-zero: probabilities below 2^-126 are 0 anyway).
__device__ __forceinline__ float ex2_approx(float x) {
    float y;
    asm("ex2.approx.ftz.f32 %0, %1;" : "=f"(y) : "f"(x));
    return y;
}

// Copies rows [l0, l0 + ROWS) of a [L][DP] matrix into shared memory (row stride ROWB bytes);
// rows >= L become zeros.
template <typename T, int DP, int ROWS, int ROWB>
__device__ __forceinline__ void load_rows(char* dst, const T* src, int l0, int L) {
    constexpr int CPR = DP / 8;  // 16-byte chunks per row
#pragma unroll
    for (int i = 0; i < ROWS * CPR / 128; i++) {
        int idx = threadIdx.x + i * 128;
        int r = idx / CPR, c = idx - r * CPR;
        bool ok = l0 + r < L;
        const T* p = ok ? src + (long long)(l0 + r) * DP + c * 8 : src;
        cp_async16(smem_addr(dst + r * ROWB + c * 16), p, ok ? 16 : 0);
    }
}

// MT = m16 row tiles per warp: with 2, every K/V fragment read from shared memory feeds two MMAs,
// halving shared-memory traffic per FLOP (used while the registers allow: DP <= 96).
template <typename T, int DP, int MT>
__device__ __forceinline__ void flash_body(const T* __restrict__ Q, const T* __restrict__ K, const T* __restrict__ V,
                                           float* __restrict__ O, int Lq, int Lk, int heads, int D, float scale_log2,
                                           int causal) {
    constexpr int BQ = 64 * MT, BKV = 64, RS = DP + 8;  // row stride in elements: +16 bytes breaks bank conflicts
    constexpr int ROWB = RS * 2;                         // row stride in bytes
    constexpr int KS = DP / 16;                          // k16 steps over the head dim
    constexpr int DT = DP / 8;                           // n8 output tiles over the head dim
    extern __shared__ __align__(128) char smem[];
    char* Qs = smem;
    char* Ks = Qs + BQ * ROWB;       // [2][BKV] rows
    char* Vs = Ks + 2 * BKV * ROWB;  // [2][BKV] rows
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    int bh = blockIdx.y, b = bh / heads, h = bh - b * heads;
    int q0 = blockIdx.x * BQ;
    const T* Qb = Q + (long long)bh * Lq * DP;
    const T* Kb = K + (long long)bh * Lk * DP;
    const T* Vb = V + (long long)bh * Lk * DP;

    int nkv = (Lk + BKV - 1) / BKV;
    if (causal) {
        int lastQ = min(q0 + BQ, Lq) - 1;
        nkv = min(nkv, lastQ / BKV + 1);
    }
    load_rows<T, DP, BQ, ROWB>(Qs, Qb, q0, Lq);
    cp_async_commit();
    if (nkv > 0) {
        load_rows<T, DP, BKV, ROWB>(Ks, Kb, 0, Lk);
        load_rows<T, DP, BKV, ROWB>(Vs, Vb, 0, Lk);
    }
    cp_async_commit();

    uint32_t qf[MT][KS][4];
    float o[MT][DT][4];
    float mrow[MT][2], lrow[MT][2];
#pragma unroll
    for (int mt = 0; mt < MT; mt++) {
#pragma unroll
        for (int t = 0; t < DT; t++) o[mt][t][0] = o[mt][t][1] = o[mt][t][2] = o[mt][t][3] = 0.f;
        mrow[mt][0] = mrow[mt][1] = -INFINITY;
        lrow[mt][0] = lrow[mt][1] = 0.f;
    }
    int qbase = q0 + warp * 16 * MT + (lane >> 2);  // row of accumulator element (mt, e): qbase + mt*16 + (e>>1)*8

    for (int j = 0; j < nkv; j++) {
        if (j + 1 < nkv) {
            int st = (j + 1) & 1;
            load_rows<T, DP, BKV, ROWB>(Ks + st * BKV * ROWB, Kb, (j + 1) * BKV, Lk);
            load_rows<T, DP, BKV, ROWB>(Vs + st * BKV * ROWB, Vb, (j + 1) * BKV, Lk);
        }
        cp_async_commit();
        cp_async_wait<1>();  // everything but the tile just requested has landed
        __syncthreads();
        if (j == 0) {
#pragma unroll
            for (int mt = 0; mt < MT; mt++)
#pragma unroll
                for (int ks = 0; ks < KS; ks++) {
                    int row = warp * 16 * MT + mt * 16 + (lane & 7) + ((lane >> 3) & 1) * 8;
                    int chunk = ks * 2 + (lane >> 4);
                    ldmatrix_x4(qf[mt][ks][0], qf[mt][ks][1], qf[mt][ks][2], qf[mt][ks][3],
                                smem_addr(Qs + row * ROWB + chunk * 16));
                }
        }
        const char* Kt = Ks + (j & 1) * BKV * ROWB;
        const char* Vt = Vs + (j & 1) * BKV * ROWB;

        // S = Q K^T for this warp's 16·MT rows x 64 keys.
        float s[MT][8][4];
#pragma unroll
        for (int mt = 0; mt < MT; mt++)
#pragma unroll
            for (int t = 0; t < 8; t++) s[mt][t][0] = s[mt][t][1] = s[mt][t][2] = s[mt][t][3] = 0.f;
#pragma unroll
        for (int ks = 0; ks < KS; ks++) {
#pragma unroll
            for (int np = 0; np < 4; np++) {
                int jj = lane >> 3;
                int row = np * 16 + (lane & 7) + (jj >> 1) * 8;
                int chunk = ks * 2 + (jj & 1);
                uint32_t b0[2], b1[2];
                ldmatrix_x4(b0[0], b0[1], b1[0], b1[1], smem_addr(Kt + row * ROWB + chunk * 16));
#pragma unroll
                for (int mt = 0; mt < MT; mt++) {
                    mma16816<T>(s[mt][2 * np], qf[mt][ks], b0);
                    mma16816<T>(s[mt][2 * np + 1], qf[mt][ks], b1);
                }
            }
        }

        // Mask (only tiles that reach past Lk or cross the causal diagonal need it), then the online
        // softmax update on raw scores: p = 2^(s·c − m·c) is one FFMA and one ex2 per element.
        bool full = (j + 1) * BKV <= Lk && (!causal || (j + 1) * BKV - 1 <= q0);
        if (!full) {
#pragma unroll
            for (int mt = 0; mt < MT; mt++)
#pragma unroll
                for (int t = 0; t < 8; t++)
#pragma unroll
                    for (int e = 0; e < 4; e++) {
                        int key = j * BKV + t * 8 + (lane & 3) * 2 + (e & 1);
                        int qr = qbase + mt * 16 + (e >> 1) * 8;
                        if (key >= Lk || (causal && key > qr)) s[mt][t][e] = -INFINITY;
                    }
        }
#pragma unroll
        for (int mt = 0; mt < MT; mt++) {
            float mx[2] = {-INFINITY, -INFINITY};
#pragma unroll
            for (int t = 0; t < 8; t++) {
                mx[0] = fmaxf(mx[0], fmaxf(s[mt][t][0], s[mt][t][1]));
                mx[1] = fmaxf(mx[1], fmaxf(s[mt][t][2], s[mt][t][3]));
            }
            float alpha[2], msc[2];
#pragma unroll
            for (int r = 0; r < 2; r++) {
                mx[r] = fmaxf(mx[r], __shfl_xor_sync(0xffffffffu, mx[r], 1));
                mx[r] = fmaxf(mx[r], __shfl_xor_sync(0xffffffffu, mx[r], 2));
                float mnew = fmaxf(mrow[mt][r], mx[r]);
                // A row with every key so far masked keeps m = -inf: use 0 so exp2(-inf - 0) = 0, not NaN.
                msc[r] = mnew == -INFINITY ? 0.f : mnew * scale_log2;
                alpha[r] = mrow[mt][r] == -INFINITY ? 0.f : ex2_approx((mrow[mt][r] - mnew) * scale_log2);
                mrow[mt][r] = mnew;
                lrow[mt][r] *= alpha[r];
            }
#pragma unroll
            for (int t = 0; t < 8; t++)
#pragma unroll
                for (int e = 0; e < 4; e++) {
                    float p = ex2_approx(fmaf(s[mt][t][e], scale_log2, -msc[e >> 1]));
                    s[mt][t][e] = p;
                    lrow[mt][e >> 1] += p;
                }
#pragma unroll
            for (int t = 0; t < DT; t++) {
                o[mt][t][0] *= alpha[0]; o[mt][t][1] *= alpha[0];
                o[mt][t][2] *= alpha[1]; o[mt][t][3] *= alpha[1];
            }
        }

        // O += P V: the score accumulators of two adjacent n8 tiles are exactly the A fragment
        // of one k16 step, so P goes from registers to the tensor cores without shared memory.
#pragma unroll
        for (int kk = 0; kk < 4; kk++) {
            uint32_t pa[MT][4];
#pragma unroll
            for (int mt = 0; mt < MT; mt++) {
                pa[mt][0] = pack2<T>(s[mt][2 * kk][0], s[mt][2 * kk][1]);
                pa[mt][1] = pack2<T>(s[mt][2 * kk][2], s[mt][2 * kk][3]);
                pa[mt][2] = pack2<T>(s[mt][2 * kk + 1][0], s[mt][2 * kk + 1][1]);
                pa[mt][3] = pack2<T>(s[mt][2 * kk + 1][2], s[mt][2 * kk + 1][3]);
            }
#pragma unroll
            for (int dp = 0; dp < DT / 2; dp++) {
                int jj = lane >> 3;
                int row = kk * 16 + (lane & 7) + (jj & 1) * 8;
                int chunk = dp * 2 + (jj >> 1);
                uint32_t b0[2], b1[2];
                ldmatrix_x4_trans(b0[0], b0[1], b1[0], b1[1], smem_addr(Vt + row * ROWB + chunk * 16));
#pragma unroll
                for (int mt = 0; mt < MT; mt++) {
                    mma16816<T>(o[mt][2 * dp], pa[mt], b0);
                    mma16816<T>(o[mt][2 * dp + 1], pa[mt], b1);
                }
            }
        }
        __syncthreads();  // this stage is refilled by the next iteration's copies
    }
    cp_async_wait<0>();

    int oStride = heads * D;
#pragma unroll
    for (int mt = 0; mt < MT; mt++) {
        float inv[2];
#pragma unroll
        for (int r = 0; r < 2; r++) {
            float l = lrow[mt][r];
            l += __shfl_xor_sync(0xffffffffu, l, 1);
            l += __shfl_xor_sync(0xffffffffu, l, 2);
            inv[r] = l > 0.f ? 1.f / l : 0.f;
        }
#pragma unroll
        for (int t = 0; t < DT; t++)
#pragma unroll
            for (int e = 0; e < 4; e++) {
                int qr = qbase + mt * 16 + (e >> 1) * 8;
                int d = t * 8 + (lane & 3) * 2 + (e & 1);
                if (qr < Lq && d < D) O[((long long)b * Lq + qr) * oStride + h * D + d] = o[mt][t][e] * inv[e >> 1];
            }
    }
}

// Entry names carry the query rows per block (q64 / q128), which the host needs for the grid.
#define FLASH_ENTRY(NAME, T, DP, MT)                                                                      \
    extern "C" __global__ void __launch_bounds__(128) NAME(const T* Q, const T* K, const T* V, float* O,   \
                                                           int Lq, int Lk, int heads, int D,              \
                                                           float scale_log2, int causal) {                \
        flash_body<T, DP, MT>(Q, K, V, O, Lq, Lk, heads, D, scale_log2, causal);                          \
    }

FLASH_ENTRY(flash_f16_d16_q64, __half, 16, 1)
FLASH_ENTRY(flash_f16_d16_q128, __half, 16, 2)
FLASH_ENTRY(flash_f16_d32_q64, __half, 32, 1)
FLASH_ENTRY(flash_f16_d32_q128, __half, 32, 2)
FLASH_ENTRY(flash_f16_d48_q64, __half, 48, 1)
FLASH_ENTRY(flash_f16_d48_q128, __half, 48, 2)
FLASH_ENTRY(flash_f16_d64_q64, __half, 64, 1)
FLASH_ENTRY(flash_f16_d64_q128, __half, 64, 2)
FLASH_ENTRY(flash_f16_d80_q64, __half, 80, 1)
FLASH_ENTRY(flash_f16_d80_q128, __half, 80, 2)
FLASH_ENTRY(flash_f16_d96_q64, __half, 96, 1)
FLASH_ENTRY(flash_f16_d96_q128, __half, 96, 2)
FLASH_ENTRY(flash_f16_d128_q64, __half, 128, 1)
FLASH_ENTRY(flash_f16_d160_q64, __half, 160, 1)
FLASH_ENTRY(flash_bf16_d16_q64, __nv_bfloat16, 16, 1)
FLASH_ENTRY(flash_bf16_d16_q128, __nv_bfloat16, 16, 2)
FLASH_ENTRY(flash_bf16_d32_q64, __nv_bfloat16, 32, 1)
FLASH_ENTRY(flash_bf16_d32_q128, __nv_bfloat16, 32, 2)
FLASH_ENTRY(flash_bf16_d48_q64, __nv_bfloat16, 48, 1)
FLASH_ENTRY(flash_bf16_d48_q128, __nv_bfloat16, 48, 2)
FLASH_ENTRY(flash_bf16_d64_q64, __nv_bfloat16, 64, 1)
FLASH_ENTRY(flash_bf16_d64_q128, __nv_bfloat16, 64, 2)
FLASH_ENTRY(flash_bf16_d80_q64, __nv_bfloat16, 80, 1)
FLASH_ENTRY(flash_bf16_d80_q128, __nv_bfloat16, 80, 2)
FLASH_ENTRY(flash_bf16_d96_q64, __nv_bfloat16, 96, 1)
FLASH_ENTRY(flash_bf16_d96_q128, __nv_bfloat16, 96, 2)
FLASH_ENTRY(flash_bf16_d128_q64, __nv_bfloat16, 128, 1)
FLASH_ENTRY(flash_bf16_d160_q64, __nv_bfloat16, 160, 1)

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

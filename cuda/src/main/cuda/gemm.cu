// Tensor-core GEMM and implicit-GEMM convolution: f16/bf16 operands, f32 accumulation.
// mma.sync m16n8k16 fed by ldmatrix from a swizzled shared-memory tile, tiles brought in with
// cp.async in a STAGES-deep ring (the copy of tile k+STAGES-1 overlaps the math of tile k).
//
// Both kernels compute C[m][n] = sum_k A[m][k] * B[n][k] (+ bias[n]); B is the weight in PyTorch's
// [out, in] layout, so both operands are K-contiguous. They differ only in how an A row is found:
//   gemm:  A is a row-major [M][lda] matrix (lda % 8 == 0, K % 8 == 0; the host pads).
//   conv:  A is gathered from an NHWC input (channels padded to Cp % 8 == 0): row m is an output
//          pixel, column k = tap * Cp + c is channel c of the input pixel under kernel tap `tap`.
#include "common.cuh"

template <int BM_, int BN_, int WARPS_M_, int WARPS_N_, int STAGES_, int BK_, bool PIPE_>
struct Cfg {
    static constexpr int BM = BM_, BN = BN_, WARPS_M = WARPS_M_, WARPS_N = WARPS_N_, STAGES = STAGES_;
    static constexpr int BK = BK_;                     // halfs per tile row (32 or 64)
    static constexpr bool PIPE = PIPE_;                // fragments double-buffered across k16 steps
    static constexpr int CPR = BK / 8;                 // 16-byte chunks per tile row
    static constexpr int ROWB = BK * 2;                // bytes per tile row
    static constexpr int THREADS = WARPS_M * WARPS_N * 32;
    static constexpr int WTM = BM / WARPS_M, WTN = BN / WARPS_N;
    static constexpr int MT = WTM / 16, NT = WTN / 8;  // mma tiles per warp
    static constexpr int A_CHUNKS = BM * CPR / THREADS;  // 16-byte copies per thread per tile
    static constexpr int B_CHUNKS = BN * CPR / THREADS;
    static constexpr int STAGE_BYTES = (BM + BN) * ROWB;
    static constexpr int SMEM = STAGES * STAGE_BYTES;
    static_assert(NT % 2 == 0, "B fragments are loaded two n8 tiles at a time");
    static_assert(A_CHUNKS * THREADS == BM * CPR && B_CHUNKS * THREADS == BN * CPR, "tile not divisible");
    static_assert(CPR == 4 || CPR == 8, "BK must be 32 or 64");
};
// Large tiles keep the plain loop: fragment double-buffering would take them past 128 registers
// and one block per SM (measured slower); the small ones, latency-bound, use it.
using CfgL = Cfg<128, 128, 2, 4, 4, 32, false>;   // 256 threads, warp tile 64x32
using CfgLP = Cfg<128, 128, 2, 4, 4, 32, true>;   // L with double-buffered fragments (1 block/SM)
using CfgM = Cfg<128, 64, 2, 2, 4, 32, true>;     // 128 threads, warp tile 64x32
using CfgS = Cfg<64, 64, 2, 2, 4, 32, true>;      // 128 threads, warp tile 32x32
using CfgL64 = Cfg<128, 128, 2, 4, 3, 64, false>; // as L with 64-deep k-tiles: half the barriers per FLOP
using CfgS64 = Cfg<64, 64, 2, 2, 4, 64, true>;
using CfgW = Cfg<128, 128, 2, 2, 4, 32, false>;   // 128 threads, warp tile 64x64 (8 ldmatrix per 32 mma)

// Byte offset of 16-byte chunk `chunk` of tile row `row`. XOR-swizzling the chunk with the row
// makes the 8 row addresses of one ldmatrix phase hit 8 distinct 4-bank groups (64-byte rows:
// bits 1..2 of the row; 128-byte rows: bits 0..2).
template <class C>
__device__ __forceinline__ int swz(int row, int chunk) {
    if constexpr (C::CPR == 4) return row * 64 + ((chunk ^ ((row >> 1) & 3)) << 4);
    else return row * 128 + ((chunk ^ (row & 7)) << 4);
}

// ---- A/B row sources ---------------------------------------------------------------------------

// Rows of a plain K-contiguous matrix: `ptr` points at the row start or is null past the last row.
template <typename T> struct PlainRows {
    const T* ptr;
    int K;
    __device__ __forceinline__ void init(const T* base, int row, int rows, long long ld, int k) {
        ptr = row < rows ? base + (long long)row * ld : nullptr;
        K = k;
    }
    // Source of the 8 halfs at chunk q of k-tile kt; bytes = 0 asks cp.async for zeros.
    template <int BK>
    __device__ __forceinline__ const T* src(int kt, int q, int& bytes, const T* fallback) const {
        int k = kt * BK + q * 8;
        bool ok = ptr != nullptr && k < K;
        bytes = ok ? 16 : 0;
        return ok ? ptr + k : fallback;
    }
};

struct ConvGeom {
    int H, W, Cp, CT, kw, stride, pad, HoWo, Wo;  // CT = ceil(Cp / BK) k-tiles per tap
};

// An output pixel's receptive field in an NHWC input.
template <typename T> struct ConvRows {
    const T* img;  // start of this pixel's image, or null past the last pixel
    int iy0, ix0;
    __device__ __forceinline__ void init(const T* x, int m, int M, const ConvGeom& g) {
        if (m < M) {
            int b = m / g.HoWo, p = m - b * g.HoWo;
            int oy = p / g.Wo, ox = p - oy * g.Wo;
            img = x + (long long)b * g.H * g.W * g.Cp;
            iy0 = oy * g.stride - g.pad;
            ix0 = ox * g.stride - g.pad;
        } else {
            img = nullptr;
            iy0 = ix0 = 0;
        }
    }
    template <int BK>
    __device__ __forceinline__ const T* src(int kt, int q, int& bytes, const T* fallback, const ConvGeom& g) const {
        int tap = kt / g.CT;
        int c = (kt - tap * g.CT) * BK + q * 8;
        int ky = tap / g.kw, kx = tap - ky * g.kw;
        int iy = iy0 + ky, ix = ix0 + kx;
        bool ok = img != nullptr && c < g.Cp && iy >= 0 && iy < g.H && ix >= 0 && ix < g.W;
        bytes = ok ? 16 : 0;
        return ok ? img + ((long long)iy * g.W + ix) * g.Cp + c : fallback;
    }
};

// Conv weight rows [O][taps][Cp]: row n, k-tile kt -> tap kt / CT, channels of chunk q.
template <typename T> struct ConvWeightRows {
    const T* ptr;
    __device__ __forceinline__ void init(const T* w, int n, int N, long long rowLen) {
        ptr = n < N ? w + (long long)n * rowLen : nullptr;
    }
    template <int BK>
    __device__ __forceinline__ const T* src(int kt, int q, int& bytes, const T* fallback, const ConvGeom& g) const {
        int tap = kt / g.CT;
        int c = (kt - tap * g.CT) * BK + q * 8;
        bool ok = ptr != nullptr && c < g.Cp;
        bytes = ok ? 16 : 0;
        return ok ? ptr + (long long)tap * g.Cp + c : fallback;
    }
};

// ---- the shared main loop ----------------------------------------------------------------------

// Tile coordinates (pid_m, pid_n) of this block: groups of 8 row-tiles walk the columns together
// so the A rows and B columns they share stay in L2.
__device__ __forceinline__ void tile_coords(int tilesM, int tilesN, int& pm, int& pn) {
    int pid = blockIdx.x;
    int inGroup = 8 * tilesN;
    int first = (pid / inGroup) * 8;
    int gsz = min(tilesM - first, 8);
    int r = pid % inGroup;
    pm = first + r % gsz;
    pn = r / gsz;
}

// Fills stage `s` with k-tile kt from the row sources; `getA(i, kt, q, bytes)` gives chunk i's source.
template <class C, typename T, class GA, class GB>
__device__ __forceinline__ void load_stage(char* smem, int s, int kt, GA getA, GB getB) {
    int tid = threadIdx.x, q = tid % C::CPR;
    char* As = smem + s * C::STAGE_BYTES;
    char* Bs = As + C::BM * C::ROWB;
#pragma unroll
    for (int i = 0; i < C::A_CHUNKS; i++) {
        int r = tid / C::CPR + i * (C::THREADS / C::CPR), bytes;
        const T* p = getA(i, kt, q, bytes);
        cp_async16(smem_addr(As + swz<C>(r, q)), p, bytes);
    }
#pragma unroll
    for (int i = 0; i < C::B_CHUNKS; i++) {
        int r = tid / C::CPR + i * (C::THREADS / C::CPR), bytes;
        const T* p = getB(i, kt, q, bytes);
        cp_async16(smem_addr(Bs + swz<C>(r, q)), p, bytes);
    }
}

// Fragments of k16 step kk of the tile at As/Bs for this warp.
template <class C>
__device__ __forceinline__ void load_frags(uint32_t (&a)[C::MT][4], uint32_t (&b)[C::NT][2], const char* As,
                                           const char* Bs, int kk, int wm, int wn, int lane) {
#pragma unroll
    for (int mt = 0; mt < C::MT; mt++) {
        int row = wm * C::WTM + mt * 16 + (lane & 7) + ((lane >> 3) & 1) * 8;
        int chunk = kk * 2 + (lane >> 4);
        ldmatrix_x4(a[mt][0], a[mt][1], a[mt][2], a[mt][3], smem_addr(As + swz<C>(row, chunk)));
    }
#pragma unroll
    for (int np = 0; np < C::NT / 2; np++) {
        int j = lane >> 3;
        int row = wn * C::WTN + np * 16 + (lane & 7) + (j >> 1) * 8;
        int chunk = kk * 2 + (j & 1);
        ldmatrix_x4(b[2 * np][0], b[2 * np][1], b[2 * np + 1][0], b[2 * np + 1][1], smem_addr(Bs + swz<C>(row, chunk)));
    }
}

// acc += A_tile * B_tile^T over KT k-tiles of BK. Fragments are double-buffered in registers: the
// ldmatrix of the next k16 step (including the first step of the next tile, after the barrier
// that publishes it) is issued before the MMAs of the current one, so shared-memory latency hides
// behind tensor-core work instead of stalling every tile.
template <class C, typename T, class GA, class GB>
__device__ __forceinline__ void mainloop_pipe(float (&acc)[C::MT][C::NT][4], char* smem, int KT, GA getA, GB getB) {
    constexpr int KSTEPS = C::BK / 16;
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    int wm = warp / C::WARPS_N, wn = warp % C::WARPS_N;
#pragma unroll
    for (int s = 0; s < C::STAGES - 1; s++) {
        if (s < KT) load_stage<C, T>(smem, s, s, getA, getB);
        cp_async_commit();
    }
    if (KT <= 0) {
        cp_async_wait<0>();
        return;
    }
    cp_async_wait<C::STAGES - 2>();
    __syncthreads();
    uint32_t a[2][C::MT][4], b[2][C::NT][2];
    load_frags<C>(a[0], b[0], smem, smem + C::BM * C::ROWB, 0, wm, wn, lane);
    for (int kt = 0; kt < KT; kt++) {
        const char* As = smem + (kt % C::STAGES) * C::STAGE_BYTES;
        const char* Bs = As + C::BM * C::ROWB;
#pragma unroll
        for (int kk = 0; kk < KSTEPS; kk++) {
            if (kk == KSTEPS - 1) {
                // Tile kt+1 must have landed and be visible before its first fragments are read;
                // the barrier also tells every warp that tile kt-1's stage is free.
                cp_async_wait<C::STAGES - 2>();
                __syncthreads();
                const char* An = smem + ((kt + 1) % C::STAGES) * C::STAGE_BYTES;
                if (kt + 1 < KT) load_frags<C>(a[(kk + 1) & 1], b[(kk + 1) & 1], An, An + C::BM * C::ROWB, 0, wm, wn, lane);
            } else {
                load_frags<C>(a[(kk + 1) & 1], b[(kk + 1) & 1], As, Bs, kk + 1, wm, wn, lane);
            }
            if (kk == 0) {
                // Refill the stage tile kt-1 used (free since the barrier above, one step earlier).
                int next = kt + C::STAGES - 1;
                if (next < KT) load_stage<C, T>(smem, next % C::STAGES, next, getA, getB);
                cp_async_commit();
            }
#pragma unroll
            for (int mt = 0; mt < C::MT; mt++)
#pragma unroll
                for (int nt = 0; nt < C::NT; nt++) mma16816<T>(acc[mt][nt], a[kk & 1][mt], b[kk & 1][nt]);
        }
    }
    cp_async_wait<0>();
}

// acc += A_tile * B_tile^T over KT k-tiles of BK: wait for tile kt, refill the stage freed by
// tile kt-1, then ldmatrix + mma over the tile's k16 steps.
template <class C, typename T, class GA, class GB>
__device__ __forceinline__ void mainloop_plain(float (&acc)[C::MT][C::NT][4], char* smem, int KT, GA getA, GB getB) {
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    int wm = warp / C::WARPS_N, wn = warp % C::WARPS_N;
#pragma unroll
    for (int s = 0; s < C::STAGES - 1; s++) {
        if (s < KT) load_stage<C, T>(smem, s, s, getA, getB);
        cp_async_commit();
    }
    for (int kt = 0; kt < KT; kt++) {
        cp_async_wait<C::STAGES - 2>();
        __syncthreads();  // tile kt visible to all; every warp is done with the stage refilled next
        int next = kt + C::STAGES - 1;
        if (next < KT) load_stage<C, T>(smem, next % C::STAGES, next, getA, getB);
        cp_async_commit();
        const char* As = smem + (kt % C::STAGES) * C::STAGE_BYTES;
        const char* Bs = As + C::BM * C::ROWB;
#pragma unroll
        for (int kk = 0; kk < C::BK / 16; kk++) {
            uint32_t a[C::MT][4], b[C::NT][2];
            load_frags<C>(a, b, As, Bs, kk, wm, wn, lane);
#pragma unroll
            for (int mt = 0; mt < C::MT; mt++)
#pragma unroll
                for (int nt = 0; nt < C::NT; nt++) mma16816<T>(acc[mt][nt], a[mt], b[nt]);
        }
    }
    cp_async_wait<0>();
}

template <class C, typename T, class GA, class GB>
__device__ __forceinline__ void mainloop(float (&acc)[C::MT][C::NT][4], char* smem, int KT, GA getA, GB getB) {
    if constexpr (C::PIPE) mainloop_pipe<C, T>(acc, smem, KT, getA, getB);
    else mainloop_plain<C, T>(acc, smem, KT, getA, getB);
}

// ---- GEMM: C[z][m][n] = sum_k A[z][m][k] B[z][n][k] + bias[n] ----------------------------------

template <class C, typename T>
__device__ __forceinline__ void gemm_body(const T* __restrict__ A, const T* __restrict__ B, float* __restrict__ Cm,
                                          const float* __restrict__ bias, int M, int N, int K, int lda, int ldb, int ldc,
                                          long long sA, long long sB, long long sC) {
    extern __shared__ __align__(128) char smem[];
    int tilesM = (M + C::BM - 1) / C::BM, tilesN = (N + C::BN - 1) / C::BN;
    int pm, pn;
    tile_coords(tilesM, tilesN, pm, pn);
    int m0 = pm * C::BM, n0 = pn * C::BN;
    A += blockIdx.z * sA;
    B += blockIdx.z * sB;
    Cm += blockIdx.z * sC;
    int tid = threadIdx.x;
    PlainRows<T> ra[C::A_CHUNKS], rb[C::B_CHUNKS];
#pragma unroll
    for (int i = 0; i < C::A_CHUNKS; i++) ra[i].init(A, m0 + tid / C::CPR + i * (C::THREADS / C::CPR), M, lda, K);
#pragma unroll
    for (int i = 0; i < C::B_CHUNKS; i++) rb[i].init(B, n0 + tid / C::CPR + i * (C::THREADS / C::CPR), N, ldb, K);
    float acc[C::MT][C::NT][4];
#pragma unroll
    for (int mt = 0; mt < C::MT; mt++)
#pragma unroll
        for (int nt = 0; nt < C::NT; nt++)
#pragma unroll
            for (int e = 0; e < 4; e++) acc[mt][nt][e] = 0.f;
    int KT = (K + C::BK - 1) / C::BK;
    mainloop<C, T>(acc, smem, KT,
        [&](int i, int kt, int q, int& bytes) { return ra[i].template src<C::BK>(kt, q, bytes, A); },
        [&](int i, int kt, int q, int& bytes) { return rb[i].template src<C::BK>(kt, q, bytes, B); });
    int lane = tid & 31, warp = tid >> 5;
    int wm = warp / C::WARPS_N, wn = warp % C::WARPS_N;
#pragma unroll
    for (int mt = 0; mt < C::MT; mt++) {
#pragma unroll
        for (int nt = 0; nt < C::NT; nt++) {
            int col = n0 + wn * C::WTN + nt * 8 + (lane & 3) * 2;
#pragma unroll
            for (int h = 0; h < 2; h++) {
                int row = m0 + wm * C::WTM + mt * 16 + (lane >> 2) + h * 8;
                if (row >= M) continue;
                float* out = Cm + (long long)row * ldc;
                if (col < N) out[col] = acc[mt][nt][2 * h] + (bias ? bias[col] : 0.f);
                if (col + 1 < N) out[col + 1] = acc[mt][nt][2 * h + 1] + (bias ? bias[col + 1] : 0.f);
            }
        }
    }
}

// ---- implicit-GEMM convolution: NHWC input, [O][taps][Cp] weight, NCHW f32 output --------------

template <class C, typename T>
__device__ __forceinline__ void conv_body(const T* __restrict__ X, const T* __restrict__ Wt, float* __restrict__ Y,
                                          const float* __restrict__ bias, int Bn, int H, int W, int Cp, int O,
                                          int Ho, int Wo, int kh, int kw, int stride, int pad) {
    extern __shared__ __align__(128) char smem[];
    ConvGeom g;
    g.H = H; g.W = W; g.Cp = Cp; g.CT = (Cp + C::BK - 1) / C::BK; g.kw = kw; g.stride = stride; g.pad = pad;
    g.HoWo = Ho * Wo; g.Wo = Wo;
    int M = Bn * g.HoWo, N = O;
    int tilesM = (M + C::BM - 1) / C::BM, tilesN = (N + C::BN - 1) / C::BN;
    int pm, pn;
    tile_coords(tilesM, tilesN, pm, pn);
    int m0 = pm * C::BM, n0 = pn * C::BN;
    int tid = threadIdx.x;
    ConvRows<T> ra[C::A_CHUNKS];
    ConvWeightRows<T> rb[C::B_CHUNKS];
#pragma unroll
    for (int i = 0; i < C::A_CHUNKS; i++) ra[i].init(X, m0 + tid / C::CPR + i * (C::THREADS / C::CPR), M, g);
#pragma unroll
    for (int i = 0; i < C::B_CHUNKS; i++) rb[i].init(Wt, n0 + tid / C::CPR + i * (C::THREADS / C::CPR), N, (long long)kh * kw * Cp);
    float acc[C::MT][C::NT][4];
#pragma unroll
    for (int mt = 0; mt < C::MT; mt++)
#pragma unroll
        for (int nt = 0; nt < C::NT; nt++)
#pragma unroll
            for (int e = 0; e < 4; e++) acc[mt][nt][e] = 0.f;
    int KT = kh * kw * g.CT;
    mainloop<C, T>(acc, smem, KT,
        [&](int i, int kt, int q, int& bytes) { return ra[i].template src<C::BK>(kt, q, bytes, X, g); },
        [&](int i, int kt, int q, int& bytes) { return rb[i].template src<C::BK>(kt, q, bytes, Wt, g); });
    int lane = tid & 31, warp = tid >> 5;
    int wm = warp / C::WARPS_N, wn = warp % C::WARPS_N;
#pragma unroll
    for (int mt = 0; mt < C::MT; mt++) {
#pragma unroll
        for (int h = 0; h < 2; h++) {
            int m = m0 + wm * C::WTM + mt * 16 + (lane >> 2) + h * 8;
            if (m >= M) continue;
            int b = m / g.HoWo, p = m - b * g.HoWo;
            float* out = Y + (long long)b * O * g.HoWo + p;
#pragma unroll
            for (int nt = 0; nt < C::NT; nt++) {
                int n = n0 + wn * C::WTN + nt * 8 + (lane & 3) * 2;
                // Lanes with equal (lane & 3) write 8 consecutive pixels: full 32-byte sectors.
                if (n < N) out[(long long)n * g.HoWo] = acc[mt][nt][2 * h] + (bias ? bias[n] : 0.f);
                if (n + 1 < N) out[(long long)(n + 1) * g.HoWo] = acc[mt][nt][2 * h + 1] + (bias ? bias[n + 1] : 0.f);
            }
        }
    }
}

#define GEMM_ENTRY(NAME, CFG, T)                                                                          \
    extern "C" __global__ void __launch_bounds__(CFG::THREADS) NAME(                                      \
        const T* A, const T* B, float* C, const float* bias, int M, int N, int K, int lda, int ldb, int ldc, \
        long long sA, long long sB, long long sC) {                                                       \
        gemm_body<CFG, T>(A, B, C, bias, M, N, K, lda, ldb, ldc, sA, sB, sC);                             \
    }
#define CONV_ENTRY(NAME, CFG, T)                                                                          \
    extern "C" __global__ void __launch_bounds__(CFG::THREADS) NAME(                                      \
        const T* X, const T* Wt, float* Y, const float* bias, int Bn, int H, int W, int Cp, int O, int Ho,   \
        int Wo, int kh, int kw, int stride, int pad) {                                                    \
        conv_body<CFG, T>(X, Wt, Y, bias, Bn, H, W, Cp, O, Ho, Wo, kh, kw, stride, pad);                  \
    }

GEMM_ENTRY(gemm_f16_l, CfgL, __half)
GEMM_ENTRY(gemm_f16_lp, CfgLP, __half)
GEMM_ENTRY(gemm_f16_m, CfgM, __half)
GEMM_ENTRY(gemm_f16_s, CfgS, __half)
GEMM_ENTRY(gemm_bf16_l, CfgL, __nv_bfloat16)
GEMM_ENTRY(gemm_bf16_lp, CfgLP, __nv_bfloat16)
GEMM_ENTRY(gemm_bf16_m, CfgM, __nv_bfloat16)
GEMM_ENTRY(gemm_bf16_s, CfgS, __nv_bfloat16)
CONV_ENTRY(conv_f16_l, CfgL, __half)
CONV_ENTRY(conv_f16_lp, CfgLP, __half)
CONV_ENTRY(conv_f16_m, CfgM, __half)
CONV_ENTRY(conv_f16_s, CfgS, __half)
CONV_ENTRY(conv_bf16_l, CfgL, __nv_bfloat16)
CONV_ENTRY(conv_bf16_lp, CfgLP, __nv_bfloat16)
CONV_ENTRY(conv_bf16_m, CfgM, __nv_bfloat16)
CONV_ENTRY(conv_bf16_s, CfgS, __nv_bfloat16)
GEMM_ENTRY(gemm_f16_l64, CfgL64, __half)
GEMM_ENTRY(gemm_f16_s64, CfgS64, __half)
GEMM_ENTRY(gemm_bf16_l64, CfgL64, __nv_bfloat16)
GEMM_ENTRY(gemm_bf16_s64, CfgS64, __nv_bfloat16)
CONV_ENTRY(conv_f16_l64, CfgL64, __half)
CONV_ENTRY(conv_f16_s64, CfgS64, __half)
CONV_ENTRY(conv_bf16_l64, CfgL64, __nv_bfloat16)
CONV_ENTRY(conv_bf16_s64, CfgS64, __nv_bfloat16)
GEMM_ENTRY(gemm_f16_w, CfgW, __half)
GEMM_ENTRY(gemm_bf16_w, CfgW, __nv_bfloat16)
CONV_ENTRY(conv_f16_w, CfgW, __half)
CONV_ENTRY(conv_bf16_w, CfgW, __nv_bfloat16)

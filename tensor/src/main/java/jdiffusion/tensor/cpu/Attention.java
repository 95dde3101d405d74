package jdiffusion.tensor.cpu;

import java.util.Arrays;
import jdiffusion.tensor.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Multi-head scaled dot-product attention over [B, L, H·D] layouts (heads interleaved in the
 * channel dimension, as the projections produce them), blockwise with an online softmax
 * ("flash attention"): a block of BQ query rows meets the keys BK at a time; scores exist only for
 * one BQ x BK block, the running max / sum / output are rescaled as each key block arrives. Memory
 * is O(BQ·BK) per thread instead of the O(Lq·Lk) score matrix.
 *
 * <p>Both products are register-blocked like a small GEMM: S = Q·Kᵀ with keys along the vector lanes
 * (K block packed transposed), O += P·V with the value dimension along the lanes (V block padded to
 * whole vectors). 256-bit vectors: head sizes of 40/64/80/160 are whole multiples of 8.
 *
 * <p>Determinism: a query row's result depends only on its own (fixed) key-block sequence and
 * lanewise arithmetic; row sums are added lane by lane in a fixed order (no reduceLanes, whose
 * order may differ between JIT tiers), exp is {@link Exp}. So any thread count gives the same bits.
 */
public final class Attention {
    private Attention() {
    }

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    private static final int L = S.length();
    /** Scores and softmax run along keys, where any width divides BK: the widest vectors. */
    private static final VectorSpecies<Float> SK = FloatVector.SPECIES_PREFERRED;
    private static final int LK = SK.length();
    /** Query rows per work item (a multiple of the 4-row register block). */
    static final int BQ = 32;
    /** Keys per block (a multiple of 2 vectors). */
    static final int BK = 128;
    /** Largest per-thread copy of one head's keys and values (floats). */
    static final int HEAD_CACHE_FLOATS = 1 << 22;

    /**
     * out[b, i, h·dv ..] = softmax_j(q[b,i,h]·k[b,j,h]·scale) · v[b,j,h] (j ≤ i when causal).
     * q: [B, Lq, H·D], k: [B, Lk, H·D], v: [B, Lk, H·Dv], out: [B, Lq, H·Dv] (all offset 0).
     */
    public static void attention(Parallel par, int batch, int lq, int lk, int heads, int d, int dv,
                                 float[] q, float[] k, float[] v, float scale, boolean causal, float[] out) {
        attention(par, batch, lq, lk, heads, d, dv, q, k, v, scale, causal, out, HEAD_CACHE_FLOATS);
    }

    /** As above, caching a head's packed keys/values per thread only up to {@code headCacheFloats}. */
    static void attention(Parallel par, int batch, int lq, int lk, int heads, int d, int dv,
                          float[] q, float[] k, float[] v, float scale, boolean causal, float[] out,
                          long headCacheFloats) {
        int qBlocks = Gemm.ceilDiv(lq, BQ);
        int items = batch * heads * qBlocks;
        int lkp = Gemm.ceilDiv(lk, BK) * BK;
        int dvp = Gemm.ceilDiv(dv, L) * L;
        // A task's items are consecutive, so it mostly stays on one head: its keys (transposed) and
        // values (padded) are packed once per head instead of once per query block, unless that
        // copy would be large (long sequences with wide heads, e.g. a VAE at high resolution).
        boolean cacheHead = (long) lkp * (d + dvp) <= headCacheFloats;
        par.forRange(items, 1, (t0, t1) -> {
            Block blk = new Block(d, dv);
            Workspace ws = Workspace.get();
            float[] buf = ws.take(Workspace.Slot.ATTN, blk.size);
            float[] head = cacheHead ? ws.take(Workspace.Slot.ATTN_HEAD, lkp * (d + dvp)) : null;
            try {
                int cached = -1;
                for (int t = t0; t < t1; t++) {
                    int qb = t % qBlocks;
                    int bh = t / qBlocks;
                    int h = bh % heads;
                    int b = bh / heads;
                    if (cacheHead && bh != cached) {
                        blk.packHead(head, b, h, lk, lkp, heads, k, v);
                        cached = bh;
                    }
                    blk.run(buf, head, lkp, b, h, qb * BQ, Math.min(BQ, lq - qb * BQ), lq, lk, heads, q, k, v,
                            scale, causal, out);
                }
            } finally {
                if (head != null) {
                    ws.give(Workspace.Slot.ATTN_HEAD, head);
                }
                ws.give(Workspace.Slot.ATTN, buf);
            }
        });
    }

    /** Buffer layout and the per-block steps for one head size. */
    private static final class Block {
        final int d;
        final int dv;
        /** dv rounded up to whole vectors. */
        final int dvp;
        final int qs;
        final int kt;
        final int vp;
        final int sc;
        final int o;
        final int mx;
        final int sum;
        final int lanes;
        final int size;

        Block(int d, int dv) {
            this.d = d;
            this.dv = dv;
            this.dvp = Gemm.ceilDiv(dv, L) * L;
            qs = 0;
            kt = qs + BQ * d;
            vp = kt + d * BK;
            sc = vp + BK * dvp;
            o = sc + BQ * BK;
            mx = o + BQ * dvp;
            sum = mx + BQ;
            lanes = sum + BQ;
            size = lanes + LK;
        }

        /** head: null, or this (b, h)'s keys as [d][lkp] then values as [lk][dvp] (see packHead). */
        void run(float[] w, float[] head, int lkp, int b, int h, int q0, int rows, int lq, int lk, int heads,
                 float[] q, float[] k, float[] v, float scale, boolean causal, float[] out) {
            int qStride = heads * d;
            int vStride = heads * dv;
            // Scaled queries; rows past the end stay zero (computed, never written out).
            Arrays.fill(w, qs, qs + BQ * d, 0f);
            for (int i = 0; i < rows; i++) {
                int src = (b * lq + q0 + i) * qStride + h * d;
                for (int c = 0; c < d; c++) {
                    w[qs + i * d + c] = q[src + c] * scale;
                }
            }
            Arrays.fill(w, o, o + BQ * dvp, 0f);
            Arrays.fill(w, mx, mx + BQ, Float.NEGATIVE_INFINITY);
            Arrays.fill(w, sum, sum + BQ, 0f);
            int kEnd = causal ? Math.min(lk, q0 + rows) : lk;
            for (int k0 = 0; k0 < kEnd; k0 += BK) {
                int nk = Math.min(BK, kEnd - k0);
                int nkp = Gemm.ceilDiv(nk, 2 * LK) * 2 * LK;
                float[] kv;
                int ktBase;
                int vpBase;
                if (head != null) {
                    kv = head;
                    ktBase = k0 * d;
                    vpBase = d * lkp + k0 * dvp;
                } else {
                    packKeys(w, kt, b, h, k0, nk, nkp, lk, heads, k);
                    packValues(w, vp, b, h, k0, nk, lk, heads, v);
                    kv = w;
                    ktBase = kt;
                    vpBase = vp;
                }
                scores(w, kv, ktBase, nkp);
                for (int i = 0; i < BQ; i++) {
                    int valid = causal ? Math.min(nk, q0 + i - k0 + 1) : nk;
                    Arrays.fill(w, sc + i * BK + Math.max(0, valid), sc + i * BK + nkp, Float.NEGATIVE_INFINITY);
                    if (valid > 0) {
                        softmaxStep(w, i, nkp);
                    } else {
                        Arrays.fill(w, sc + i * BK, sc + i * BK + nkp, 0f);
                    }
                }
                accumulateValues(w, kv, vpBase, nk);
            }
            for (int i = 0; i < rows; i++) {
                float inv = 1f / w[sum + i];
                int dst = (b * lq + q0 + i) * vStride + h * dv;
                for (int c = 0; c < dv; c++) {
                    out[dst + c] = w[o + i * dvp + c] * inv;
                }
            }
        }

        /**
         * This (b, h)'s keys, key block by key block, each transposed as [d][BK] (zero-padded to lkp
         * keys; block-major so a block's rows are BK apart, not lkp: large power-of-two strides
         * would alias in L1), then its values as [lk][dvp].
         */
        void packHead(float[] head, int b, int h, int lk, int lkp, int heads, float[] k, float[] v) {
            for (int k0 = 0; k0 < lkp; k0 += BK) {
                packKeys(head, k0 * d, b, h, k0, Math.min(BK, lk - k0), BK, lk, heads, k);
            }
            packValues(head, d * lkp, b, h, 0, lk, lk, heads, v);
        }

        /** dst[at + c·BK + j] = k[key k0+j, head h, c] for j < nk, zero for nk ≤ j < nkp. */
        private void packKeys(float[] dst, int at, int b, int h, int k0, int nk, int nkp, int lk, int heads, float[] k) {
            int kStride = heads * d;
            for (int j = 0; j < nk; j++) {
                int src = (b * lk + k0 + j) * kStride + h * d;
                for (int c = 0; c < d; c++) {
                    dst[at + c * BK + j] = k[src + c];
                }
            }
            for (int c = 0; c < d; c++) {
                Arrays.fill(dst, at + c * BK + nk, at + c * BK + nkp, 0f);
            }
        }

        /** dst[at + j·dvp + c] = v[key k0+j, head h, c] for j < nk, zero-padded to dvp. */
        private void packValues(float[] dst, int at, int b, int h, int k0, int nk, int lk, int heads, float[] v) {
            int vStride = heads * dv;
            for (int j = 0; j < nk; j++) {
                System.arraycopy(v, (b * lk + k0 + j) * vStride + h * dv, dst, at + j * dvp, dv);
                Arrays.fill(dst, at + j * dvp + dv, at + (j + 1) * dvp, 0f);
            }
        }

        /** sc[i][j] = Σ_c qs[i][c]·kt[c][j] for all BQ rows, j < nkp (kt rows BK apart); 4 rows x 2 vectors per pass. */
        private void scores(float[] w, float[] kv, int ktBase, int nkp) {
            for (int i = 0; i < BQ; i += 4) {
                int q0 = qs + i * d;
                for (int j = 0; j < nkp; j += 2 * LK) {
                    var a00 = FloatVector.zero(SK);
                    var a01 = FloatVector.zero(SK);
                    var a10 = FloatVector.zero(SK);
                    var a11 = FloatVector.zero(SK);
                    var a20 = FloatVector.zero(SK);
                    var a21 = FloatVector.zero(SK);
                    var a30 = FloatVector.zero(SK);
                    var a31 = FloatVector.zero(SK);
                    for (int c = 0, kc = ktBase + j; c < d; c++, kc += BK) {
                        var k0 = FloatVector.fromArray(SK, kv, kc);
                        var k1 = FloatVector.fromArray(SK, kv, kc + LK);
                        var x0 = FloatVector.broadcast(SK, w[q0 + c]);
                        a00 = k0.fma(x0, a00);
                        a01 = k1.fma(x0, a01);
                        var x1 = FloatVector.broadcast(SK, w[q0 + d + c]);
                        a10 = k0.fma(x1, a10);
                        a11 = k1.fma(x1, a11);
                        var x2 = FloatVector.broadcast(SK, w[q0 + 2 * d + c]);
                        a20 = k0.fma(x2, a20);
                        a21 = k1.fma(x2, a21);
                        var x3 = FloatVector.broadcast(SK, w[q0 + 3 * d + c]);
                        a30 = k0.fma(x3, a30);
                        a31 = k1.fma(x3, a31);
                    }
                    int s0 = sc + i * BK + j;
                    a00.intoArray(w, s0);
                    a01.intoArray(w, s0 + LK);
                    a10.intoArray(w, s0 + BK);
                    a11.intoArray(w, s0 + BK + LK);
                    a20.intoArray(w, s0 + 2 * BK);
                    a21.intoArray(w, s0 + 2 * BK + LK);
                    a30.intoArray(w, s0 + 3 * BK);
                    a31.intoArray(w, s0 + 3 * BK + LK);
                }
            }
        }

        /** Row i: new running max, scores → probabilities in place, running sum and output rescaled. */
        private void softmaxStep(float[] w, int i, int nkp) {
            int row = sc + i * BK;
            var mv = FloatVector.broadcast(SK, Float.NEGATIVE_INFINITY);
            for (int j = 0; j < nkp; j += LK) {
                mv = mv.max(FloatVector.fromArray(SK, w, row + j));
            }
            // max is exact and order-free, so a lane reduction is safe here (unlike a sum).
            float mNew = Math.max(w[mx + i], mv.reduceLanes(VectorOperators.MAX));
            float alpha = Exp.exp(w[mx + i] - mNew);
            w[mx + i] = mNew;
            var acc = FloatVector.zero(SK);
            for (int j = 0; j < nkp; j += LK) {
                var p = Exp.exp(FloatVector.fromArray(SK, w, row + j).sub(mNew));
                p.intoArray(w, row + j);
                acc = acc.add(p);
            }
            acc.intoArray(w, lanes);
            float rowSum = 0f;
            for (int l = 0; l < LK; l++) {
                rowSum += w[lanes + l];
            }
            w[sum + i] = w[sum + i] * alpha + rowSum;
            int oi = o + i * dvp;
            for (int c = 0; c < dvp; c += L) {
                FloatVector.fromArray(S, w, oi + c).mul(alpha).intoArray(w, oi + c);
            }
        }

        /** o[i][:] += Σ_j p[i][j]·vp[j][:], 4 rows x 2 vectors (or x 1 for an odd last vector) per pass. */
        private void accumulateValues(float[] w, float[] kv, int vpBase, int nk) {
            for (int i = 0; i < BQ; i += 4) {
                int p0 = sc + i * BK;
                int o0 = o + i * dvp;
                int c = 0;
                for (; c + 2 * L <= dvp; c += 2 * L) {
                    var a00 = FloatVector.fromArray(S, w, o0 + c);
                    var a01 = FloatVector.fromArray(S, w, o0 + c + L);
                    var a10 = FloatVector.fromArray(S, w, o0 + dvp + c);
                    var a11 = FloatVector.fromArray(S, w, o0 + dvp + c + L);
                    var a20 = FloatVector.fromArray(S, w, o0 + 2 * dvp + c);
                    var a21 = FloatVector.fromArray(S, w, o0 + 2 * dvp + c + L);
                    var a30 = FloatVector.fromArray(S, w, o0 + 3 * dvp + c);
                    var a31 = FloatVector.fromArray(S, w, o0 + 3 * dvp + c + L);
                    for (int j = 0, vj = vpBase + c; j < nk; j++, vj += dvp) {
                        var v0 = FloatVector.fromArray(S, kv, vj);
                        var v1 = FloatVector.fromArray(S, kv, vj + L);
                        var x0 = FloatVector.broadcast(S, w[p0 + j]);
                        a00 = v0.fma(x0, a00);
                        a01 = v1.fma(x0, a01);
                        var x1 = FloatVector.broadcast(S, w[p0 + BK + j]);
                        a10 = v0.fma(x1, a10);
                        a11 = v1.fma(x1, a11);
                        var x2 = FloatVector.broadcast(S, w[p0 + 2 * BK + j]);
                        a20 = v0.fma(x2, a20);
                        a21 = v1.fma(x2, a21);
                        var x3 = FloatVector.broadcast(S, w[p0 + 3 * BK + j]);
                        a30 = v0.fma(x3, a30);
                        a31 = v1.fma(x3, a31);
                    }
                    a00.intoArray(w, o0 + c);
                    a01.intoArray(w, o0 + c + L);
                    a10.intoArray(w, o0 + dvp + c);
                    a11.intoArray(w, o0 + dvp + c + L);
                    a20.intoArray(w, o0 + 2 * dvp + c);
                    a21.intoArray(w, o0 + 2 * dvp + c + L);
                    a30.intoArray(w, o0 + 3 * dvp + c);
                    a31.intoArray(w, o0 + 3 * dvp + c + L);
                }
                if (c < dvp) {
                    var a0 = FloatVector.fromArray(S, w, o0 + c);
                    var a1 = FloatVector.fromArray(S, w, o0 + dvp + c);
                    var a2 = FloatVector.fromArray(S, w, o0 + 2 * dvp + c);
                    var a3 = FloatVector.fromArray(S, w, o0 + 3 * dvp + c);
                    for (int j = 0, vj = vpBase + c; j < nk; j++, vj += dvp) {
                        var v0 = FloatVector.fromArray(S, kv, vj);
                        a0 = v0.fma(FloatVector.broadcast(S, w[p0 + j]), a0);
                        a1 = v0.fma(FloatVector.broadcast(S, w[p0 + BK + j]), a1);
                        a2 = v0.fma(FloatVector.broadcast(S, w[p0 + 2 * BK + j]), a2);
                        a3 = v0.fma(FloatVector.broadcast(S, w[p0 + 3 * BK + j]), a3);
                    }
                    a0.intoArray(w, o0 + c);
                    a1.intoArray(w, o0 + dvp + c);
                    a2.intoArray(w, o0 + 2 * dvp + c);
                    a3.intoArray(w, o0 + 3 * dvp + c);
                }
            }
        }
    }
}

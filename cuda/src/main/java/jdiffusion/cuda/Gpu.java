package jdiffusion.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import jdiffusion.tensor.ArrayStorage;
import jdiffusion.tensor.DType;
import jdiffusion.tensor.SegmentStorage;
import jdiffusion.tensor.Tensor;

/**
 * What every CUDA op needs: the context, the compute type, device tensors, scratch space, host
 * uploads and the weight cache with its layout conversions.
 */
final class Gpu {
    final CudaContext ctx;
    final ElemType compute;
    final WeightCache weights = new WeightCache();

    Gpu(CudaContext ctx, ElemType compute) {
        if (compute == ElemType.F32) {
            throw new IllegalArgumentException("the tensor-core compute type must be F16 or BF16");
        }
        this.ctx = ctx;
        this.compute = compute;
    }

    // ---- device tensors -----------------------------------------------------------------------------

    /** A new float32 device tensor (uninitialised). */
    Tensor alloc(int... shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return Tensor.over(new DeviceStorage(ctx, n), 0, shape);
    }

    static boolean onDevice(Tensor t) {
        return t.storage() instanceof DeviceStorage;
    }

    /** Device address of a device tensor's first element. */
    long ptr(Tensor t) {
        if (!(t.storage() instanceof DeviceStorage d)) {
            throw new IllegalArgumentException("tensor " + t + " is not on the GPU");
        }
        if (d.context() != ctx) {
            throw new IllegalArgumentException("tensor " + t + " lives on cuda:" + d.context().ordinal()
                    + ", this backend computes on cuda:" + ctx.ordinal());
        }
        return d.address(t.storageOffset());
    }

    /** The tensor itself when it is on this device, else a float32 device copy. */
    Tensor device(Tensor t) {
        if (t.storage() instanceof DeviceStorage d && d.context() == ctx) {
            return t;
        }
        Tensor f = t.asF32();
        Tensor y = alloc(t.shape());
        ctx.uploadFloats(ptr(y), f.array(), f.offset(), f.size());
        return y;
    }

    /** A float32 host copy. */
    Tensor host(Tensor t) {
        if (!onDevice(t)) {
            return t.asF32();
        }
        float[] d = new float[t.size()];
        ((DeviceStorage) t.storage()).readFloats(t.storageOffset(), d, 0, d.length);
        return Tensor.of(d, t.shape());
    }

    Scratch scratch(long bytes) {
        ctx.makeCurrent();
        return new Scratch(ctx.allocator(), bytes);
    }

    void launch1d(Kernel k, long n, Object... args) {
        if (n > 0) {
            ctx.launch(k, ctx.blocksFor(n, 256), 1, 1, 256, 1, 1, 0, args);
        }
    }

    // ---- host uploads -------------------------------------------------------------------------------

    /**
     * Uploads a host tensor's elements as they are stored (f32, f16 or bf16; other types as f32) into
     * scratch; the caller converts them with a kernel and closes the scratch.
     */
    Scratch uploadRaw(Tensor t, ElemType[] typeOut) {
        ElemType et = ElemType.uploadTypeOf(t.dtype());
        long n = t.size();
        if (t.storage() instanceof SegmentStorage s && s.segment().isNative() && et.name().equals(t.dtype().name())) {
            Scratch sc = scratch(n * et.bytes);
            ctx.upload(sc.pointer, s.segment().asSlice(t.storageOffset() * et.bytes, n * et.bytes), n * et.bytes);
            typeOut[0] = et;
            return sc;
        }
        Tensor f = t.storage() instanceof ArrayStorage ? t : t.toF32();
        Scratch sc = scratch(n * 4);
        ctx.uploadFloats(sc.pointer, f.array(), f.offset(), f.size());
        typeOut[0] = ElemType.F32;
        return sc;
    }

    // ---- weights in kernel layouts (cached for host weights) ---------------------------------------

    /** The compute type for a GEMM with weight {@code w}: its own when bf16/f16, else the default. */
    ElemType computeFor(Tensor w) {
        if (!onDevice(w) && w.dtype() == DType.BF16) {
            return ElemType.BF16;
        }
        if (!onDevice(w) && w.dtype() == DType.F16) {
            return ElemType.F16;
        }
        return compute;
    }

    /** A float32 vector (bias, gamma, beta) on the device; 0 for null. */
    long vectorF32(Tensor v) {
        if (v == null) {
            return 0L;
        }
        if (onDevice(v)) {
            return ptr(v);
        }
        return weights.get(v, "f32", () -> {
            DeviceBuffer b = new DeviceBuffer(ctx, v.size(), ElemType.F32);
            Tensor f = v.asF32();
            ctx.uploadFloats(b.pointer, f.array(), f.offset(), f.size());
            return b;
        }).pointer;
    }

    /** Rows [N][K] of any source as [N][Kp] in type t (Kp = K rounded up to 8, zero padded). */
    private void convertRows(long src, ElemType st, long srcPitch, long dst, ElemType t, long rows, int k, int kp) {
        launch1d(Kernel.CVT_ROWS, rows * kp, src, st.code, srcPitch, dst, t.code, (long) kp, rows, k, kp);
    }

    /** [batch][R][C] of any source as [batch][C][pitch] in type t, zero padded for R <= r < pitch. */
    void transposeInto(long src, ElemType st, long dst, ElemType t, int batch, int r, int c, int pitch) {
        for (int b0 = 0; b0 < batch; b0 += 65535) {
            int nb = Math.min(65535, batch - b0);
            ctx.launch(Kernel.CVT_TRANSPOSE, (pitch + 31) / 32, (c + 31) / 32, nb, 32, 8, 1, 0,
                    src + (long) b0 * r * c * st.bytes, st.code, dst + (long) b0 * c * pitch * t.bytes, t.code, r, c, pitch);
        }
    }

    static int pad8(int k) {
        return (k + 7) & ~7;
    }

    /**
     * Matrix [N][K] (a weight as PyTorch stores Linear, or the transposed operand of a matmul) as
     * [N][Kp] in type t; cached when it is a host weight. Returns the device address.
     */
    long rowsOperand(Tensor w, ElemType t, Scratch[] keep) {
        int n = w.dim(0);
        int k = w.dim(1);
        int kp = pad8(k);
        if (onDevice(w)) {
            Scratch sc = scratch((long) n * kp * t.bytes);
            keep[0] = sc;
            convertRows(ptr(w), ElemType.F32, k, sc.pointer, t, n, k, kp);
            return sc.pointer;
        }
        return weights.get(w, "rows:" + t, () -> {
            DeviceBuffer b = new DeviceBuffer(ctx, (long) n * kp, t);
            ElemType[] st = new ElemType[1];
            try (Scratch raw = uploadRaw(w, st)) {
                convertRows(raw.pointer, st[0], k, b.pointer, t, n, k, kp);
            }
            return b;
        }).pointer;
    }

    /** Matrix [K][N] as [N][Kp] in type t (a matmul's right operand without transB); cached for host weights. */
    long transposedOperand(Tensor w, ElemType t, Scratch[] keep) {
        int k = w.dim(0);
        int n = w.dim(1);
        int kp = pad8(k);
        if (onDevice(w)) {
            Scratch sc = scratch((long) n * kp * t.bytes);
            keep[0] = sc;
            transposeInto(ptr(w), ElemType.F32, sc.pointer, t, 1, k, n, kp);
            return sc.pointer;
        }
        return weights.get(w, "trows:" + t, () -> {
            DeviceBuffer b = new DeviceBuffer(ctx, (long) n * kp, t);
            ElemType[] st = new ElemType[1];
            try (Scratch raw = uploadRaw(w, st)) {
                transposeInto(raw.pointer, st[0], b.pointer, t, 1, k, n, kp);
            }
            return b;
        }).pointer;
    }

    /** Conv weight [O][C][kh][kw] as [O][kh·kw][Cp] in type t (Cp = C rounded up to 8). */
    long convWeight(Tensor w, ElemType t, Scratch[] keep) {
        int o = w.dim(0);
        int c = w.dim(1);
        int taps = w.dim(2) * w.dim(3);
        int cp = pad8(c);
        long n = (long) o * taps * cp;
        if (onDevice(w)) {
            Scratch sc = scratch(n * t.bytes);
            keep[0] = sc;
            launch1d(Kernel.CVT_CONV_WEIGHT, n, ptr(w), ElemType.F32.code, sc.pointer, t.code, o, c, taps, cp);
            return sc.pointer;
        }
        return weights.get(w, "conv:" + t, () -> {
            DeviceBuffer b = new DeviceBuffer(ctx, n, t);
            ElemType[] st = new ElemType[1];
            try (Scratch raw = uploadRaw(w, st)) {
                launch1d(Kernel.CVT_CONV_WEIGHT, n, raw.pointer, st[0].code, b.pointer, t.code, o, c, taps, cp);
            }
            return b;
        }).pointer;
    }

    /** A table kept in its upload type (embedding rows); returns {pointer, type code}. */
    long[] rawTable(Tensor w) {
        if (onDevice(w)) {
            return new long[] {ptr(w), ElemType.F32.code};
        }
        DeviceBuffer b = weights.get(w, "raw", () -> {
            ElemType[] st = new ElemType[1];
            try (Scratch raw = uploadRaw(w, st)) {
                DeviceBuffer d = new DeviceBuffer(ctx, w.size(), st[0]);
                ctx.copyDeviceToDevice(d.pointer, raw.pointer, (long) w.size() * st[0].bytes);
                return d;
            }
        });
        return new long[] {b.pointer, b.type.code};
    }

    /** Activations [rows][k] f32 on the device as [rows][Kp] in type t, in scratch. */
    Scratch activationRows(Tensor x, long rows, int k, ElemType t) {
        Scratch sc = scratch(rows * pad8(k) * t.bytes);
        activationRowsInto(x, rows, k, t, sc.pointer);
        return sc;
    }

    /** Activations [rows][k] f32 on the device as [rows][Kp] in type t at {@code dst}. */
    void activationRowsInto(Tensor x, long rows, int k, ElemType t, long dst) {
        convertRows(ptr(x), ElemType.F32, k, dst, t, rows, k, pad8(k));
    }

    /** Native bytes of an int array on the device, in scratch (embedding ids). */
    Scratch uploadInts(int[] v) {
        Scratch sc = scratch(4L * Math.max(1, v.length));
        if (v.length == 0) {
            return sc;
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(4L * Math.max(1, v.length), 4);
            MemorySegment.copy(v, 0, s, java.lang.foreign.ValueLayout.JAVA_INT, 0, v.length);
            ctx.upload(sc.pointer, s, 4L * v.length);
        }
        return sc;
    }
}

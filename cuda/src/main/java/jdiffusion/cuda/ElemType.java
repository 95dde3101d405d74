package jdiffusion.cuda;

import jdiffusion.tensor.DType;

/**
 * Element types the kernels read and write, with the codes the CUDA sources use ({@code DT_F32},
 * {@code DT_F16}, {@code DT_BF16} in common.cuh). F16 and BF16 are the tensor-core compute types.
 */
public enum ElemType {
    F32(0, 4), F16(1, 2), BF16(2, 2);

    final int code;
    final int bytes;

    ElemType(int code, int bytes) {
        this.code = code;
        this.bytes = bytes;
    }

    /** The element type a tensor of {@code d} is uploaded as: itself for f32/f16/bf16, else f32. */
    static ElemType uploadTypeOf(DType d) {
        return switch (d) {
            case F16 -> F16;
            case BF16 -> BF16;
            default -> F32;
        };
    }

    /** Parses "f16" / "bf16" (case-insensitive) for the compute-type option. */
    public static ElemType computeType(String s) {
        return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "f16", "fp16", "half", "float16" -> F16;
            case "bf16", "bfloat16" -> BF16;
            default -> throw new IllegalArgumentException("CUDA compute type '" + s + "': expected f16 or bf16");
        };
    }
}

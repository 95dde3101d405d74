package jdiffusion.tensor;

/**
 * Element types a tensor's storage may hold. Names follow safetensors' dtype strings, so a header
 * value maps with {@link #fromSafetensors(String)}. Computation is always float32; other types are
 * converted when read (weights stay in their file dtype until a kernel packs them).
 */
public enum DType {
    F32(4), F16(2), BF16(2), F64(8),
    I64(8), I32(4), I16(2), I8(1), U8(1), BOOL(1),
    F8_E4M3(1), F8_E5M2(1);

    private final int byteSize;

    DType(int byteSize) {
        this.byteSize = byteSize;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    public boolean isFloatingPoint() {
        return switch (this) {
            case F32, F16, BF16, F64, F8_E4M3, F8_E5M2 -> true;
            default -> false;
        };
    }

    /** Maps a safetensors dtype string ("F16", "BF16", "F8_E4M3", ...); null when unknown. */
    public static DType fromSafetensors(String name) {
        for (DType t : values()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }
}

package jdiffusion.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Elements of any {@link DType} in a {@link MemorySegment}: typically a slice of a memory-mapped
 * checkpoint, read in place (little-endian, as safetensors and PyTorch store them). The segment's
 * size must be exactly {@code elementCount * dtype.byteSize()}.
 */
public record SegmentStorage(MemorySegment segment, DType dtype, long elementCount) implements Storage {

    static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort I16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt I32_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong I64_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfDouble F64_LE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    public SegmentStorage {
        long expected = Math.multiplyExact(elementCount, (long) dtype.byteSize());
        if (segment.byteSize() != expected) {
            throw new IllegalArgumentException("segment of " + segment.byteSize() + " bytes cannot hold "
                    + elementCount + " elements of " + dtype + " (" + expected + " bytes)");
        }
    }

    @Override
    public float getFloat(long i) {
        return switch (dtype) {
            case F32 -> segment.getAtIndex(F32_LE, i);
            case F16 -> Float.float16ToFloat(segment.getAtIndex(I16_LE, i));
            case BF16 -> Half.bf16ToFloat(segment.getAtIndex(I16_LE, i));
            case F64 -> (float) segment.getAtIndex(F64_LE, i);
            case I64 -> (float) segment.getAtIndex(I64_LE, i);
            case I32 -> (float) segment.getAtIndex(I32_LE, i);
            case I16 -> segment.getAtIndex(I16_LE, i);
            case I8 -> segment.get(ValueLayout.JAVA_BYTE, i);
            case U8 -> segment.get(ValueLayout.JAVA_BYTE, i) & 0xff;
            case BOOL -> segment.get(ValueLayout.JAVA_BYTE, i) != 0 ? 1f : 0f;
            case F8_E4M3 -> Half.f8e4m3ToFloat(segment.get(ValueLayout.JAVA_BYTE, i));
            case F8_E5M2 -> Half.f8e5m2ToFloat(segment.get(ValueLayout.JAVA_BYTE, i));
        };
    }

    /** Reads element {@code i} as a long (integer dtypes; floats are truncated). */
    public long getLong(long i) {
        return switch (dtype) {
            case I64 -> segment.getAtIndex(I64_LE, i);
            case I32 -> segment.getAtIndex(I32_LE, i);
            case I16 -> segment.getAtIndex(I16_LE, i);
            case I8 -> segment.get(ValueLayout.JAVA_BYTE, i);
            case U8 -> segment.get(ValueLayout.JAVA_BYTE, i) & 0xff;
            case BOOL -> segment.get(ValueLayout.JAVA_BYTE, i) != 0 ? 1 : 0;
            case F64 -> (long) segment.getAtIndex(F64_LE, i);
            default -> (long) getFloat(i);
        };
    }
}

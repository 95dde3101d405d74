package jdiffusion.loaders.pickle;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.util.function.Function;
import jdiffusion.loaders.ModelFormatException;

/**
 * The byte stream a pickle is read from: a window of a (possibly memory-mapped) segment. Every
 * read is bounds-checked, and every length taken from the file is checked against what is left
 * before anything is allocated.
 */
final class PickleInput {
    /** Longest line of a text opcode (protocol 0). */
    static final int MAX_LINE = 64 * 1024;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64_BE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final MemorySegment in;
    private final long limit;
    private final Function<String, ModelFormatException> fail;
    private long pos;

    PickleInput(MemorySegment in, long start, long limit, Function<String, ModelFormatException> fail) {
        this.in = in;
        this.pos = start;
        this.limit = limit;
        this.fail = fail;
    }

    long position() {
        return pos;
    }

    long remaining() {
        return limit - pos;
    }

    private ModelFormatException fail(String message) {
        return fail.apply(message);
    }

    private long take(long n) {
        if (n < 0 || n > limit - pos) {
            throw fail("truncated pickle: needs " + n + " more bytes, " + (limit - pos) + " left");
        }
        long at = pos;
        pos += n;
        return at;
    }

    int u8() {
        return in.get(ValueLayout.JAVA_BYTE, take(1)) & 0xff;
    }

    int u16() {
        return in.get(U16, take(2)) & 0xffff;
    }

    int i32() {
        return in.get(I32, take(4));
    }

    long i64() {
        return in.get(I64, take(8));
    }

    /** A length read from the file, checked against what is left and the string cap. */
    int length(long n) {
        if (n < 0 || n > limit - pos || n > PickleMachine.MAX_STRING_BYTES) {
            throw fail("length " + Long.toUnsignedString(n) + " exceeds the " + (limit - pos) + " bytes left (or "
                    + PickleMachine.MAX_STRING_BYTES + ")");
        }
        return (int) n;
    }

    byte[] bytes(int n) {
        long at = take(n);
        return in.asSlice(at, n).toArray(ValueLayout.JAVA_BYTE);
    }

    double f64be() {
        return in.get(F64_BE, take(8));
    }

    /** A newline-terminated line (text opcodes), without the newline. */
    String line() {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int c = u8();
            if (c == '\n') {
                return sb.toString();
            }
            if (sb.length() >= MAX_LINE) {
                throw fail("text line longer than " + MAX_LINE + " bytes");
            }
            sb.append((char) c);
        }
    }

    static Object longOf(byte[] le) {
        byte[] be = new byte[le.length];
        for (int i = 0; i < le.length; i++) {
            be[i] = le[le.length - 1 - i];
        }
        if (be.length == 0) {
            return 0L;
        }
        BigInteger b = new BigInteger(be);
        return b.bitLength() < 64 ? (Object) b.longValue() : b;
    }

    Object textInt(String s) {
        if (s.equals("01")) {
            return Boolean.TRUE;
        }
        if (s.equals("00")) {
            return Boolean.FALSE;
        }
        return textLong(s);
    }

    Object textLong(String s) {
        String t = s.endsWith("L") ? s.substring(0, s.length() - 1) : s;
        if (t.length() > 1000) {
            throw fail("integer literal of " + t.length() + " digits");
        }
        try {
            BigInteger b = new BigInteger(t.strip());
            return b.bitLength() < 64 ? (Object) b.longValue() : b;
        } catch (NumberFormatException e) {
            throw fail("invalid integer literal");
        }
    }

    Object textFloat(String s) {
        try {
            return Double.parseDouble(s.strip());
        } catch (NumberFormatException e) {
            throw fail("invalid float literal");
        }
    }

    long textIndex(String s) {
        Object v = textLong(s);
        if (v instanceof Long l && l >= 0) {
            return l;
        }
        throw fail("invalid memo index");
    }
}

package jdiffusion.loaders;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Random structural mutations of a valid file for fuzzing: bit flips, byte changes to boundary
 * values, truncation, garbage insertion, deletion and duplication of ranges, and (inside a text
 * region such as a JSON header) token-level changes to numbers, strings and punctuation.
 */
public final class Mutator {
    private static final byte[] INTERESTING = {0, 1, (byte) 0xff, 0x7f, (byte) 0x80, (byte) 0xfe, '"', '{', '}',
        '[', ']', ',', ':', '-', '9', '.', 'q', 'h', 'X', '(', 't', 'R', 0x80 - 256, 0x95 - 256, 0x8c - 256};
    private static final String[] NUMBERS = {"0", "-1", "1", "7", "255", "65536", "4294967295", "4294967296",
        "2147483647", "2147483648", "9223372036854775807", "-9223372036854775808", "99999999999999999999999",
        "1e3", "1.5", "-0", "[]", "null", "\"8\""};
    private static final String[] STRINGS = {"\"F16\"", "\"F32\"", "\"BF16\"", "\"I64\"", "\"F8_E4M3\"", "\"BOOL\"",
        "\"XYZ\"", "\"__metadata__\"", "\"dtype\"", "\"shape\"", "\"data_offsets\"", "\"\"", "{}", "[]", "0"};

    private final SplittableRandom rnd;

    public Mutator(SplittableRandom rnd) {
        this.rnd = rnd;
    }

    public SplittableRandom random() {
        return rnd;
    }

    /** Applies 1-3 random mutations; {@code [textFrom, textTo)} is a JSON/text region (may be empty). */
    public byte[] mutate(byte[] seed, int textFrom, int textTo) {
        byte[] b = seed;
        int n = 1 + rnd.nextInt(3);
        for (int i = 0; i < n; i++) {
            int from = Math.min(textFrom, b.length);
            int to = Math.min(textTo, b.length);
            b = switch (rnd.nextInt(to > from ? 8 : 6)) {
                case 0 -> flipBits(b);
                case 1 -> setBytes(b);
                case 2 -> truncate(b);
                case 3 -> insertGarbage(b);
                case 4 -> deleteRange(b);
                case 5 -> duplicateRange(b);
                default -> mutateToken(b, from, to);
            };
        }
        return b;
    }

    public byte[] flipBits(byte[] in) {
        byte[] b = in.clone();
        if (b.length == 0) {
            return b;
        }
        int n = 1 + rnd.nextInt(8);
        for (int i = 0; i < n; i++) {
            int p = rnd.nextInt(b.length);
            b[p] ^= (byte) (1 << rnd.nextInt(8));
        }
        return b;
    }

    public byte[] setBytes(byte[] in) {
        byte[] b = in.clone();
        if (b.length == 0) {
            return b;
        }
        int n = 1 + rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
            b[rnd.nextInt(b.length)] = rnd.nextBoolean() ? INTERESTING[rnd.nextInt(INTERESTING.length)] : (byte) rnd.nextInt(256);
        }
        return b;
    }

    public byte[] truncate(byte[] in) {
        return java.util.Arrays.copyOf(in, in.length == 0 ? 0 : rnd.nextInt(in.length));
    }

    public byte[] insertGarbage(byte[] in) {
        int at = rnd.nextInt(in.length + 1);
        byte[] g = new byte[1 + rnd.nextInt(64)];
        rnd.nextBytes(g);
        return splice(in, at, at, g);
    }

    public byte[] deleteRange(byte[] in) {
        if (in.length == 0) {
            return in;
        }
        int at = rnd.nextInt(in.length);
        int len = 1 + rnd.nextInt(Math.min(64, in.length - at));
        return splice(in, at, at + len, new byte[0]);
    }

    public byte[] duplicateRange(byte[] in) {
        if (in.length == 0) {
            return in;
        }
        int at = rnd.nextInt(in.length);
        int len = 1 + rnd.nextInt(Math.min(128, in.length - at));
        byte[] chunk = java.util.Arrays.copyOfRange(in, at, at + len);
        int to = rnd.nextInt(in.length + 1);
        return splice(in, to, to, chunk);
    }

    /** Replaces a number, a quoted string or a punctuation character inside {@code [from, to)}. */
    public byte[] mutateToken(byte[] in, int from, int to) {
        if (to <= from) {
            return flipBits(in);
        }
        int p = from + rnd.nextInt(to - from);
        int c = in[p];
        if (Character.isDigit(c) || c == '-') {
            int s = p;
            int e = p;
            while (s > from && (Character.isDigit(in[s - 1]) || in[s - 1] == '-')) {
                s--;
            }
            while (e < to && (Character.isDigit(in[e]) || in[e] == '-')) {
                e++;
            }
            return splice(in, s, e, NUMBERS[rnd.nextInt(NUMBERS.length)].getBytes(StandardCharsets.UTF_8));
        }
        if (c == '"') {
            int e = p + 1;
            while (e < to && in[e] != '"') {
                e++;
            }
            if (e < to) {
                return splice(in, p, e + 1, STRINGS[rnd.nextInt(STRINGS.length)].getBytes(StandardCharsets.UTF_8));
            }
        }
        return switch (rnd.nextInt(3)) {
            case 0 -> splice(in, p, p + 1, new byte[0]);
            case 1 -> splice(in, p, p, new byte[] {INTERESTING[rnd.nextInt(INTERESTING.length)]});
            default -> {
                // duplicate a piece of the text (duplicate keys, repeated entries)
                int len = 1 + rnd.nextInt(Math.min(200, to - p));
                yield splice(in, p, p, java.util.Arrays.copyOfRange(in, p, p + len));
            }
        };
    }

    public static byte[] splice(byte[] in, int from, int to, byte[] insert) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(in.length + insert.length);
        o.write(in, 0, from);
        o.writeBytes(insert);
        o.write(in, to, in.length - to);
        return o.toByteArray();
    }
}

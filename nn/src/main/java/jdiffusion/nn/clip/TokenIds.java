package jdiffusion.nn.clip;

import jdiffusion.tensor.SegmentStorage;
import jdiffusion.tensor.Tensor;

/** Reads a token-id tensor (I64/I32 from a file, or a float tensor holding integers) into longs. */
final class TokenIds {
    private TokenIds() {
    }

    /** ids: [B, T] -> B·T ids, each checked to be an integer in [0, vocab). */
    static long[] read(Tensor ids, int vocab) {
        long[] out = new long[ids.size()];
        for (int i = 0; i < out.length; i++) {
            long id;
            if (ids.storage() instanceof SegmentStorage s && !ids.dtype().isFloatingPoint()) {
                id = s.getLong(ids.storageOffset() + i);
            } else {
                float f = ids.getFlat(i);
                if (f != Math.rint(f)) {
                    throw new IllegalArgumentException("input_ids: element " + i + " is " + f + ", not an integer");
                }
                id = (long) f;
            }
            if (id < 0 || id >= vocab) {
                throw new IllegalArgumentException("input_ids: id " + id + " at row " + i / ids.dim(-1) + ", position "
                        + i % ids.dim(-1) + " is outside the vocabulary of " + vocab);
            }
            out[i] = id;
        }
        return out;
    }

    /** Position of the first maximal id of each row (transformers' argmax: the first eos). */
    static int[] firstArgmax(long[] ids, int rows, int len) {
        int[] pos = new int[rows];
        for (int b = 0; b < rows; b++) {
            int best = 0;
            for (int t = 1; t < len; t++) {
                if (ids[b * len + t] > ids[b * len + best]) {
                    best = t;
                }
            }
            pos[b] = best;
        }
        return pos;
    }
}

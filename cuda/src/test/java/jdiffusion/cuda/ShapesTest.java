package jdiffusion.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * The host-side index geometry of the broadcast and permute kernels, checked by emulating the
 * kernels' index arithmetic against a direct multi-index computation.
 */
class ShapesTest {

    /** Offset in a contiguous tensor of shape s (right-aligned to out) for output multi-index idx, broadcasting. */
    private static long directOffset(int[] s, int[] out, int[] idx) {
        long off = 0;
        int shift = out.length - s.length;
        for (int i = 0; i < s.length; i++) {
            int v = s[i] == 1 ? 0 : idx[i + shift];
            off = off * s[i] + v;
        }
        return off;
    }

    private static void checkBinary(int[] a, int[] b) {
        int[] out = Shapes.broadcast(a, b);
        long[][] g = Shapes.collapse4(a, b, out);
        assertNotNull(g);
        long n = Shapes.product(out, 0, out.length);
        assertEquals(n, g[0][0] * g[0][1] * g[0][2] * g[0][3]);
        int[] idx = new int[out.length];
        for (long i = 0; i < n; i++) {
            // the kernel's decomposition (binary_f32)
            long t = i;
            long i3 = t % g[0][3];
            t /= g[0][3];
            long i2 = t % g[0][2];
            t /= g[0][2];
            long i1 = t % g[0][1];
            long i0 = t / g[0][1];
            long oa = i0 * g[1][0] + i1 * g[1][1] + i2 * g[1][2] + i3 * g[1][3];
            long ob = i0 * g[2][0] + i1 * g[2][1] + i2 * g[2][2] + i3 * g[2][3];
            assertEquals(directOffset(a, out, idx), oa, "a offset at " + i);
            assertEquals(directOffset(b, out, idx), ob, "b offset at " + i);
            for (int d = out.length - 1; d >= 0; d--) {
                if (++idx[d] < out[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
    }

    @Test
    void collapsedBroadcastMatchesDirectIndexing() {
        checkBinary(new int[] {2, 5, 3, 4}, new int[] {2, 5, 1, 1});
        checkBinary(new int[] {2, 7, 6}, new int[] {6});
        checkBinary(new int[] {3, 1, 5}, new int[] {1, 4, 1});
        checkBinary(new int[] {1, 4, 1}, new int[] {3, 1, 5});
        checkBinary(new int[] {2, 3, 4, 5, 6}, new int[] {4, 5, 6});
        checkBinary(new int[] {2, 3, 4, 5, 6}, new int[] {3, 1, 1, 1});
        checkBinary(new int[] {5}, new int[] {1});
        checkBinary(new int[] {1}, new int[] {1});
        checkBinary(new int[] {2, 1, 3, 1, 4}, new int[] {2, 1, 3, 1, 4});
    }

    @Test
    void tooManyAlternatingBroadcastsAreReported() {
        int[] a = {2, 1, 2, 1, 2};
        int[] b = {1, 2, 1, 2, 1};
        assertNull(Shapes.collapse4(a, b, Shapes.broadcast(a, b)));
        int[] c = {2, 3, 4, 5, 6};
        int[] d = {3, 1, 5, 1};
        assertNull(Shapes.collapse4(c, d, Shapes.broadcast(c, d)));
    }

    @Test
    void broadcastErrorNamesShapes() {
        var e = assertThrows(IllegalArgumentException.class, () -> Shapes.broadcast(new int[] {2, 3}, new int[] {4}));
        assertEquals("shapes [2, 3] and [4] cannot be broadcast together", e.getMessage());
    }

    @Test
    void permuteGeometryMatchesDirectIndexing() {
        int[] shape = {2, 3, 4, 5};
        int[][] perms = {{0, 2, 3, 1}, {3, 1, 0, 2}, {0, 1, 2, 3}};
        for (int[] p : perms) {
            long[][] g = Shapes.permute6(shape, p);
            int[] out = {shape[p[0]], shape[p[1]], shape[p[2]], shape[p[3]]};
            long n = 120;
            for (long i = 0; i < n; i++) {
                // the kernel's decomposition (permute_f32), six dims with leading ones
                long t = i;
                long off = 0;
                for (int d = 5; d >= 1; d--) {
                    off += (t % g[0][d]) * g[1][d];
                    t /= g[0][d];
                }
                off += t * g[1][0];
                // direct: output multi-index -> input multi-index
                long r = i;
                int[] oi = new int[4];
                for (int d = 3; d >= 0; d--) {
                    oi[d] = (int) (r % out[d]);
                    r /= out[d];
                }
                int[] ii = new int[4];
                for (int d = 0; d < 4; d++) {
                    ii[p[d]] = oi[d];
                }
                long direct = ((ii[0] * 3L + ii[1]) * 4 + ii[2]) * 5 + ii[3];
                assertEquals(direct, off, "permute " + java.util.Arrays.toString(p) + " at " + i);
            }
        }
        assertNull(Shapes.permute6(new int[7], new int[] {0, 1, 2, 3, 4, 5, 6}));
        assertArrayEquals(new long[] {0, 0, 0, 0, 0, 1}, Shapes.permute6(new int[] {9}, new int[] {0})[1]);
    }
}

package jdiffusion.sd.pipeline;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import jdiffusion.sd.image.Decode;
import jdiffusion.sd.image.Image;
import jdiffusion.tensor.Tensor;

/** Small host-side float32 operations on [N, C, H, W] tensors the pipeline glues stages with. */
final class LatentOps {
    private LatentOps() {
    }

    /** [N, Ca, H, W] ++ [N, Cb, H, W] -> [N, Ca + Cb, H, W] (torch.cat on dim 1). */
    static Tensor concatChannels(Tensor a, Tensor b) {
        int[] sa = a.shape();
        int[] sb = b.shape();
        if (sa.length != 4 || sb.length != 4 || sa[0] != sb[0] || sa[2] != sb[2] || sa[3] != sb[3]) {
            throw new IllegalArgumentException("cannot concatenate channels of " + Arrays.toString(sa) + " and "
                    + Arrays.toString(sb) + " (batch and spatial sizes must agree)");
        }
        int plane = sa[2] * sa[3];
        float[] x = a.toFloatArray();
        float[] y = b.toFloatArray();
        float[] out = new float[x.length + y.length];
        int ca = sa[1] * plane;
        int cb = sb[1] * plane;
        for (int n = 0; n < sa[0]; n++) {
            System.arraycopy(x, n * ca, out, n * (ca + cb), ca);
            System.arraycopy(y, n * cb, out, n * (ca + cb) + ca, cb);
        }
        return Tensor.of(out, sa[0], sa[1] + sb[1], sa[2], sa[3]);
    }

    /** Stacks equally shaped tensors on a new leading axis ([...] each -> [k, ...]); [1, ...] items are concatenated. */
    static Tensor stack(List<Tensor> items) {
        int[] s = items.getFirst().shape();
        boolean rows = s.length > 0 && s[0] == 1 && s.length == 4;
        int per = items.getFirst().size();
        float[] out = new float[per * items.size()];
        for (int i = 0; i < items.size(); i++) {
            Tensor t = items.get(i);
            if (!Arrays.equals(t.shape(), s)) {
                throw new IllegalArgumentException("cannot stack " + Arrays.toString(t.shape()) + " with " + Arrays.toString(s));
            }
            System.arraycopy(t.toFloatArray(), 0, out, i * per, per);
        }
        int[] shape;
        if (rows) {
            shape = s.clone();
            shape[0] = items.size();
        } else {
            shape = new int[s.length + 1];
            shape[0] = items.size();
            System.arraycopy(s, 0, shape, 1, s.length);
        }
        return Tensor.of(out, shape);
    }

    /** Row {@code i} of [N, ...] as [1, ...]. */
    static Tensor row(Tensor t, int i) {
        return t.slice(i, i + 1).copy();
    }

    /** Picture {@code i} of a decoded batch [B, 3, H, W] ({@link Decode#toImage}). */
    static Image picture(Tensor decoded, int i) {
        Tensor row = row(decoded, i);
        return Decode.toImage(row.toFloatArray(), row.dim(3), row.dim(2));
    }

    /** x · s in float32. */
    static Tensor scale(Tensor x, float s) {
        float[] a = x.toFloatArray();
        for (int i = 0; i < a.length; i++) {
            a[i] *= s;
        }
        return Tensor.of(a, x.shape());
    }

    /** Equally sized pictures as [B, 3, H, W] of {@code v/255} (float32), the VAE side of an image batch. */
    static Tensor pixels(List<Image> images) {
        List<Tensor> rows = new ArrayList<>();
        for (Image im : images) {
            rows.add(Tensor.of(Decode.toChw01(im), 1, 3, im.height(), im.width()));
        }
        return stack(rows);
    }

    /** [0, 1] pixels → the VAE encoder's [−1, 1] input, {@code 2x − 1} in float32. */
    static Tensor twoXMinusOne(Tensor x) {
        float[] a = x.toFloatArray();
        for (int i = 0; i < a.length; i++) {
            a[i] = a[i] * 2f - 1f;
        }
        return Tensor.of(a, x.shape());
    }

    /** A [C·H·W] per-image array broadcast to [B, C, H, W] from a [H·W] plane tiled over {@code c} channels. */
    static float[] tilePlane(float[] plane, int c) {
        float[] out = new float[plane.length * c];
        for (int k = 0; k < c; k++) {
            System.arraycopy(plane, 0, out, k * plane.length, plane.length);
        }
        return out;
    }
}

package jdiffusion.sampler.brownian;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdiffusion.sampler.rng.GeneratorFactory;
import jdiffusion.sampler.rng.NoiseGenerator;

/**
 * One Brownian motion W over [t0, t1], sampled lazily as torchsde 0.2.6's
 * {@code BrownianTree(t0, w0=0, t1, entropy, tol=1e-6, pool_size=24)} does (a {@code BrownianInterval}
 * with {@code halfway_tree=True} and no Lévy area): the result of a query depends only on the
 * entropy and the query, never on the order of queries.
 *
 * <p>Structure: a binary tree of intervals, each split only at its own midpoint rounded to 6
 * decimals. The root increment is {@code randn(seed0)·sqrt(t1 − t0)}; a split node's children get
 * the Brownian-bridge values {@code W_left = (ld·W)/h + sqrt(ld·rd/h)·randn(s)},
 * {@code W_right = W − W_left}, where {@code s} is the first word of numpy's
 * {@code SeedSequence(entropy, spawn_key=(key, depth))} for the node being split. Every randn is the
 * first draw of a fresh generator of the selected RNG source (the webui's {@code randn_local}).
 * Tensor arithmetic is float32 with the Python scalars rounded to float first, as PyTorch does.
 *
 * <p>Increments are recomputed from their parents when needed; an LRU cache only saves time:
 * recomputation gives the same bits.
 */
public final class BrownianTree {
    /** torchsde's {@code tol=1e-6}: node endpoints are rounded to 6 decimals. */
    private static final int DECIMALS = 6;
    private static final int POOL_SIZE = 24;
    /**
     * Increments kept (LRU). Values never depend on it; torchsde keeps 45 nodes. A query descends ~25
     * levels at both of its ends and we store both children of every split, so we keep enough for the
     * paths of consecutive queries (their upper levels are shared): about 32 MB, 45 to 256 entries.
     */
    private static final long CACHE_BYTES = 32L << 20;

    private final long entropy;
    private final int[] shape;
    private final int size;
    private final GeneratorFactory generators;
    private final Node root;
    private final float[] rootW;
    private final int cacheSize;
    private final Map<Node, float[]> cache = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Node, float[]> eldest) {
            return size() > cacheSize;
        }
    };
    private Node last;

    private static final class Node {
        final double start;
        final double end;
        final Node parent;
        final boolean isLeft;
        double midway = Double.NaN;
        long spawnKey;
        int depth;
        long wSeed;
        Node left;
        Node right;

        Node(double start, double end, Node parent, boolean isLeft) {
            this.start = round(start);
            this.end = round(end);
            this.parent = parent;
            this.isLeft = isLeft;
        }

        boolean isSplit() {
            return !Double.isNaN(midway);
        }
    }

    /**
     * @param t0         start time (the Python float of the float32 sigma); must be &lt;= t1
     * @param t1         end time
     * @param entropy    the image seed
     * @param shape      shape of one sample (per image: C, h, w)
     * @param generators the RNG source whose fresh generators draw the node values
     */
    public BrownianTree(double t0, double t1, long entropy, int[] shape, GeneratorFactory generators) {
        if (!(t0 <= t1)) {
            throw new IllegalArgumentException("Brownian tree needs t0 <= t1, got t0=" + t0 + ", t1=" + t1);
        }
        if (entropy < 0) {
            throw new IllegalArgumentException("Brownian tree seed must be non-negative, got " + entropy);
        }
        this.entropy = entropy;
        this.shape = shape.clone();
        this.size = NoiseGenerator.sizeOf(shape);
        this.cacheSize = (int) Math.max(45, Math.min(256, CACHE_BYTES / (4L * Math.max(1, size))));
        this.generators = generators;
        this.root = new Node(t0, t1, null, false);
        long[] seeds = new SeedSequence(entropy, new long[0], POOL_SIZE).generateState(3);
        // W over the root uses the unrounded endpoints; the H and Lévy-area seeds are unused.
        float[] w = generators.randnLocal(seeds[0], this.shape);
        float scale = (float) Math.sqrt(t1 - t0);
        for (int i = 0; i < w.length; i++) {
            w[i] *= scale;
        }
        this.rootW = w;
        this.last = root;
    }

    /** Python's {@code round(x, 6)}: the exact binary value rounded half-even to 6 decimals. */
    static double round(double x) {
        if (Double.isNaN(x) || Double.isInfinite(x)) {
            return x;
        }
        return new BigDecimal(x).setScale(DECIMALS, RoundingMode.HALF_EVEN).doubleValue();
    }

    /** Root interval, after rounding. */
    public double t0() {
        return root.start;
    }

    public double t1() {
        return root.end;
    }

    /**
     * The increment W(tb) − W(ta) for ta &lt;= tb (times are clamped to the root interval, as torchsde
     * does after a warning). Returns a fresh array of the sample's size.
     */
    public float[] increment(double ta, double tb) {
        ta = Math.min(Math.max(ta, root.start), root.end);
        tb = Math.min(Math.max(tb, root.start), root.end);
        if (ta > tb) {
            throw new IllegalArgumentException("Brownian query needs ta <= tb, got ta=" + ta + ", tb=" + tb);
        }
        ta = round(ta);
        tb = round(tb);
        if (ta == tb) {
            // torchsde returns zeros for equal times; equal only after rounding would make it split forever.
            return new float[size];
        }
        List<Node> out = new ArrayList<>(2);
        locate(last, ta, tb, out);
        last = out.get(out.size() - 1);
        float[] w = increment(out.get(0)).clone();
        for (int k = 1; k < out.size(); k++) {
            float[] wi = increment(out.get(k));
            for (int i = 0; i < size; i++) {
                w[i] += wi[i];
            }
        }
        return w;
    }

    /** torchsde {@code _loc_inner}: the existing nodes covering [ta, tb], left to right, splitting as needed. */
    private void locate(Node node, double ta, double tb, List<Node> out) {
        while (true) {
            // A node only answers for its own interval: anything wider goes to the parent.
            while (ta < node.start || tb > node.end) {
                node = node.parent;
            }
            if (ta == node.start && tb == node.end) {
                out.add(node);
                return;
            }
            if (!node.isSplit()) {
                if (ta == node.start) {
                    split(node, tb);
                    node = node.left;
                } else {
                    split(node, ta);
                    node = node.right;
                }
                continue;
            }
            if (tb <= node.midway) {
                node = node.left;
            } else if (ta >= node.midway) {
                node = node.right;
            } else {
                locate(node.left, ta, node.midway, out);
                ta = node.midway;
                node = node.right;
            }
        }
    }

    /** torchsde {@code _split} of a halfway tree: halve until some boundary lands on {@code point}. */
    private void split(Node node, double point) {
        while (true) {
            splitExact(node, 0.5 * (node.end + node.start));
            if (point > node.midway) {
                node = node.right;
            } else if (point < node.midway) {
                node = node.left;
            } else {
                return;
            }
        }
    }

    private void splitExact(Node node, double midway) {
        node.midway = round(midway);
        if (node.parent == null) {
            node.spawnKey = 0;
            node.depth = 0;
        } else {
            node.spawnKey = 2 * node.parent.spawnKey + (node.isLeft ? 0 : 1);
            node.depth = node.parent.depth + 1;
        }
        SeedSequence seq = new SeedSequence(entropy, new long[] {node.spawnKey, node.depth}, POOL_SIZE);
        node.wSeed = seq.generateState(4)[0];
        node.left = new Node(node.start, midway, node, true);
        node.right = new Node(midway, node.end, node, false);
    }

    /** The increment over a node's interval, from its parent's by the Brownian bridge. */
    private float[] increment(Node node) {
        if (node == root) {
            return rootW;
        }
        float[] cached = cache.get(node);
        if (cached != null) {
            return cached;
        }
        Node parent = node.parent;
        float[] w = increment(parent);
        double hReciprocal = 1 / (parent.end - parent.start);
        double leftDiff = parent.midway - parent.start;
        double rightDiff = parent.end - parent.midway;
        float leftDiffF = (float) leftDiff;
        float hReciprocalF = (float) hReciprocal;
        float stdF = (float) Math.sqrt(leftDiff * rightDiff * hReciprocal);
        float[] noise = generators.randnLocal(parent.wSeed, shape);
        float[] left = new float[size];
        float[] right = new float[size];
        for (int i = 0; i < size; i++) {
            float mean = (w[i] * leftDiffF) * hReciprocalF;
            left[i] = mean + stdF * noise[i];
            right[i] = w[i] - left[i];
        }
        cache.put(parent.left, left);
        cache.put(parent.right, right);
        return node.isLeft ? left : right;
    }
}

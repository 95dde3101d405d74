package jdiffusion.nn;

import java.util.Arrays;
import jdiffusion.loaders.ModelFormatException;
import jdiffusion.loaders.TensorSource;
import jdiffusion.tensor.Backend;
import jdiffusion.tensor.Tensor;

/**
 * A module's view of its weights: a {@link TensorSource} plus the module's key prefix and the
 * backend the module computes on. Modules ask for tensors by their local name with the shape the
 * configuration implies; a missing tensor or a wrong shape is a {@link ModelFormatException} that
 * names the full key, so a checkpoint/config mismatch is reported at construction, not as an index
 * error in the middle of a forward pass.
 *
 * <p>Large weights ({@link #matrix}) stay in the source's storage and dtype (memory-mapped f16/bf16);
 * the backend converts them inside its kernels. Small per-channel vectors ({@link #vector}) are
 * brought to the backend's compute storage once, at construction.
 */
public final class Weights {
    private final Backend backend;
    private final TensorSource source;
    private final String prefix;

    public Weights(Backend backend, TensorSource source) {
        this(backend, source, "");
    }

    private Weights(Backend backend, TensorSource source, String prefix) {
        this.backend = backend;
        this.source = source;
        this.prefix = prefix;
    }

    /** The weights of a sub-module: {@code at("in_layers.0")} reads {@code <prefix>in_layers.0.*}. */
    public Weights at(String module) {
        return new Weights(backend, source, prefix + module + ".");
    }

    public Backend backend() {
        return backend;
    }

    /** The full key of a local name, for messages. */
    public String key(String name) {
        return prefix + name;
    }

    public boolean has(String name) {
        return source.contains(prefix + name);
    }

    /** A weight of exactly {@code shape}, left in its file storage and dtype. */
    public Tensor matrix(String name, int... shape) {
        Tensor t = raw(name);
        if (!Arrays.equals(t.shape(), shape)) {
            throw shapeError(name, t, Arrays.toString(shape));
        }
        return t;
    }

    /**
     * A weight that must have one of two shapes (a 1×1 convolution stored as [O, C, 1, 1] or as a
     * Linear [O, C]), returned as the first shape, without copying.
     */
    public Tensor matrixEither(String name, int[] shape, int[] alternative) {
        Tensor t = raw(name);
        if (Arrays.equals(t.shape(), shape)) {
            return t;
        }
        if (Arrays.equals(t.shape(), alternative)) {
            return t.reshape(shape);
        }
        throw shapeError(name, t, Arrays.toString(shape) + " or " + Arrays.toString(alternative));
    }

    /** A small weight of exactly {@code shape}, in the backend's compute storage. */
    public Tensor vector(String name, int... shape) {
        return backend.load(matrix(name, shape));
    }

    /** The tensor itself, any shape (callers check it). */
    public Tensor raw(String name) {
        Tensor t;
        try {
            t = source.tensor(prefix + name);
        } catch (ModelFormatException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ModelFormatException(source.description() + ": cannot read tensor '" + prefix + name + "': "
                    + e.getMessage(), e);
        }
        if (!t.dtype().isFloatingPoint()) {
            throw new ModelFormatException(source.description() + ": tensor '" + prefix + name + "' has dtype "
                    + t.dtype() + ", expected a floating-point weight");
        }
        return t;
    }

    private ModelFormatException shapeError(String name, Tensor t, String expected) {
        return new ModelFormatException(source.description() + ": tensor '" + prefix + name + "' has shape "
                + Arrays.toString(t.shape()) + ", expected " + expected
                + " (does the model configuration match this checkpoint?)");
    }
}

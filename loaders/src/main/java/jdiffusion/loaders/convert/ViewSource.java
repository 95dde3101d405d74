package jdiffusion.loaders.convert;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import jdiffusion.loaders.MissingTensorException;
import jdiffusion.loaders.ModelFormatException;
import jdiffusion.loaders.TensorSource;
import jdiffusion.tensor.Tensor;

/**
 * Tensors under new names, each produced on demand from another source: a renamed view costs
 * nothing, and derived tensors (stacked q;k;v, transposed projections, 1×1-conv reshapes) are
 * built only when a model asks for them. This is how every layout is mapped onto the one internal
 * naming without copying the checkpoint.
 */
public final class ViewSource implements TensorSource {
    private final Map<String, Supplier<Tensor>> tensors;
    private final String description;

    private ViewSource(Map<String, Supplier<Tensor>> tensors, String description) {
        this.tensors = Collections.unmodifiableMap(tensors);
        this.description = description;
    }

    public static Builder builder(String description) {
        return new Builder(description);
    }

    /** Collects names; a name given twice is an error naming both origins. */
    public static final class Builder {
        private final Map<String, Supplier<Tensor>> tensors = new LinkedHashMap<>();
        private final Map<String, String> origins = new LinkedHashMap<>();
        private final String description;

        private Builder(String description) {
            this.description = description;
        }

        /** {@code name} reads {@code sourceName} of {@code source}. */
        public Builder alias(String name, TensorSource source, String sourceName) {
            return put(name, () -> source.tensor(sourceName), source.description() + " '" + sourceName + "'");
        }

        /** Every tensor of {@code source}, prefixed. */
        public Builder addAll(String prefix, TensorSource source) {
            for (String n : source.names()) {
                alias(prefix + n, source, n);
            }
            return this;
        }

        public Builder put(String name, Supplier<Tensor> tensor, String origin) {
            String prev = origins.putIfAbsent(name, origin);
            if (prev != null) {
                throw new ModelFormatException(description + ": two tensors map to '" + name + "' (" + prev + " and "
                        + origin + ")");
            }
            tensors.put(name, tensor);
            return this;
        }

        public boolean contains(String name) {
            return tensors.containsKey(name);
        }

        public ViewSource build() {
            return new ViewSource(new LinkedHashMap<>(tensors), description);
        }
    }

    @Override
    public Set<String> names() {
        return tensors.keySet();
    }

    @Override
    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    @Override
    public Tensor tensor(String name) {
        Supplier<Tensor> s = tensors.get(name);
        if (s == null) {
            throw new MissingTensorException(description, name);
        }
        return s.get();
    }

    @Override
    public String description() {
        return description;
    }
}

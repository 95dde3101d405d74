package jdiffusion.loaders;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import jdiffusion.tensor.Tensor;

/** Tensors held in a map (tests, merged views, renamed layouts). */
public final class MapTensorSource implements TensorSource {
    private final Map<String, Tensor> tensors;
    private final String description;

    public MapTensorSource(Map<String, Tensor> tensors, String description) {
        this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        this.description = description;
    }

    @Override
    public Set<String> names() {
        return tensors.keySet();
    }

    @Override
    public Tensor tensor(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new MissingTensorException(description, name);
        }
        return t;
    }

    @Override
    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    @Override
    public String description() {
        return description;
    }
}

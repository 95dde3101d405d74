package jdiffusion.loaders.detect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import jdiffusion.loaders.MissingTensorException;
import jdiffusion.loaders.TensorSource;
import jdiffusion.tensor.DType;
import jdiffusion.tensor.Storage;
import jdiffusion.tensor.Tensor;

/** Tensors that have a shape and nothing else: real-size layouts from a manifest, without allocating weights. */
final class ShapeOnlySource implements TensorSource {
    final Map<String, int[]> shapes;
    private final String description;
    private final boolean zeros;

    ShapeOnlySource(Map<String, int[]> shapes, String description) {
        this(shapes, description, false);
    }

    /** {@code zeros}: elements read as 0 (for code that copies data) instead of failing. */
    ShapeOnlySource(Map<String, int[]> shapes, String description, boolean zeros) {
        this.shapes = new LinkedHashMap<>(shapes);
        this.description = description;
        this.zeros = zeros;
    }

    static Map<String, int[]> manifest(Path json) throws IOException {
        JsonNode t = new ObjectMapper().readTree(json.toFile()).get("tensors");
        Map<String, int[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : t.properties()) {
            int[] s = new int[e.getValue().size()];
            for (int i = 0; i < s.length; i++) {
                s[i] = e.getValue().get(i).asInt();
            }
            out.put(e.getKey(), s);
        }
        return out;
    }

    @Override
    public Set<String> names() {
        return shapes.keySet();
    }

    @Override
    public boolean contains(String name) {
        return shapes.containsKey(name);
    }

    @Override
    public Tensor tensor(String name) {
        int[] s = shapes.get(name);
        if (s == null) {
            throw new MissingTensorException(description, name);
        }
        long n = 1;
        for (int d : s) {
            n *= d;
        }
        long count = n;
        return Tensor.over(new Storage() {
            @Override
            public DType dtype() {
                return DType.F16;
            }

            @Override
            public long elementCount() {
                return count;
            }

            @Override
            public float getFloat(long index) {
                if (zeros) {
                    return 0f;
                }
                throw new UnsupportedOperationException("shape-only tensor '" + name + "' has no data");
            }
        }, 0, s);
    }

    @Override
    public String description() {
        return description;
    }
}

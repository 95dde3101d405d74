package jdiffusion.sampler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import jdiffusion.loaders.safetensors.SafetensorsFile;
import jdiffusion.tensor.DType;
import jdiffusion.tensor.SegmentStorage;
import jdiffusion.tensor.Tensor;

/** Reads the golden fixtures copied into the repository's {@code testdata/} folder. */
public final class Fixtures implements AutoCloseable {
    private final SafetensorsFile file;

    private Fixtures(SafetensorsFile file) {
        this.file = file;
    }

    /** {@code testdata/} (system property {@code jdiffusion.testdata}, set by the build). */
    public static Path root() {
        String p = System.getProperty("jdiffusion.testdata");
        Path root = p != null ? Path.of(p) : Path.of("..", "testdata");
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("test data folder not found: " + root.toAbsolutePath());
        }
        return root;
    }

    public static Fixtures open(String relative) {
        try {
            return new Fixtures(SafetensorsFile.open(root().resolve(relative)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean has(String name) {
        return file.contains(name);
    }

    public Iterable<String> names() {
        return file.names();
    }

    public Map<String, String> metadata() {
        return file.metadata();
    }

    public Tensor tensor(String name) {
        return file.tensor(name).toF32();
    }

    public float[] floats(String name) {
        return file.tensor(name).toFloatArray();
    }

    public float scalar(String name) {
        return file.tensor(name).getFlat(0);
    }

    public int[] shape(String name) {
        return file.tensor(name).shape();
    }

    /** An F64 tensor's values without the float conversion of {@link Tensor#getFlat}. */
    public double[] doubles(String name) {
        Tensor t = file.tensor(name);
        if (t.dtype() != DType.F64) {
            throw new IllegalArgumentException(name + " is " + t.dtype() + ", not F64");
        }
        var seg = ((SegmentStorage) t.storage()).segment();
        var layout = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        double[] out = new double[t.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = seg.getAtIndex(layout, i);
        }
        return out;
    }

    /** An integer tensor's values. */
    public long[] longs(String name) {
        Tensor t = file.tensor(name);
        SegmentStorage s = (SegmentStorage) t.storage();
        long[] out = new long[t.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = s.getLong(i);
        }
        return out;
    }

    @Override
    public void close() {
        file.close();
    }
}

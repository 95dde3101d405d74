package jdiffusion.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.Set;
import jdiffusion.loaders.safetensors.SafetensorsFile;
import jdiffusion.tensor.Tensor;

/**
 * A golden file (inputs and expected outputs of one case) and its per-tensor tolerances from
 * {@code __metadata__.tolerance_abs}. Comparisons print the measured error so test logs carry the
 * numbers.
 */
public final class Golden implements AutoCloseable {
    private final String name;
    private final SafetensorsFile file;
    private final JsonNode tolerances;

    private Golden(String name, SafetensorsFile file, JsonNode tolerances) {
        this.name = name;
        this.file = file;
        this.tolerances = tolerances;
    }

    public static Golden open(String relative) {
        SafetensorsFile f = Fixtures.open(relative);
        Map<String, String> meta = f.metadata();
        String tol = meta.get("tolerance_abs");
        if (tol == null) {
            f.close();
            throw new IllegalStateException(relative + " has no tolerance_abs metadata");
        }
        try {
            return new Golden(relative, f, new ObjectMapper().readTree(tol));
        } catch (Exception e) {
            f.close();
            throw new IllegalStateException(relative + ": bad tolerance_abs " + tol, e);
        }
    }

    public Tensor get(String tensor) {
        return file.tensor(tensor);
    }

    public boolean has(String tensor) {
        return file.contains(tensor);
    }

    public Set<String> names() {
        return file.names();
    }

    /** Names that carry a tolerance: the outputs of the case. */
    public Set<String> outputs() {
        java.util.Set<String> out = new java.util.TreeSet<>();
        tolerances.fieldNames().forEachRemaining(out::add);
        return out;
    }

    public double tolerance(String tensor) {
        JsonNode t = tolerances.get(tensor);
        if (t == null || !t.isNumber()) {
            throw new IllegalStateException(name + ": no tolerance for " + tensor);
        }
        return t.asDouble();
    }

    /** Asserts max|actual − golden| ≤ tolerance_abs[tensor] (same shape); returns the error. */
    public double check(String tensor, Tensor actual) {
        Tensor expected = get(tensor);
        assertArrayEquals(expected.shape(), actual.shape(), name + " " + tensor + ": shape");
        double err = maxAbsDiff(expected, actual);
        double tol = tolerance(tensor);
        System.out.printf("%s %-22s max|err| %.3e  tolerance %.3e  (%.0f%%)%n", name, tensor, err, tol, 100 * err / tol);
        assertTrue(err <= tol, name + " " + tensor + ": max error " + err + " > tolerance " + tol);
        return err;
    }

    public static double maxAbsDiff(Tensor a, Tensor b) {
        float[] x = a.toFloatArray();
        float[] y = b.toFloatArray();
        double m = 0;
        for (int i = 0; i < x.length; i++) {
            double d = Math.abs((double) x[i] - y[i]);
            if (!(d <= m)) {
                m = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
            }
        }
        return m;
    }

    @Override
    public void close() {
        file.close();
    }
}

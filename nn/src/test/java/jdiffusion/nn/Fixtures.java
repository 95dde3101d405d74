package jdiffusion.nn;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import jdiffusion.loaders.safetensors.SafetensorsFile;

/** The repository's {@code testdata/} folder (system property {@code jdiffusion.testdata}, set by the build). */
public final class Fixtures {
    private Fixtures() {
    }

    public static Path root() {
        String p = System.getProperty("jdiffusion.testdata");
        Path root = p != null ? Path.of(p) : Path.of("..", "testdata");
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("test data folder not found: " + root.toAbsolutePath());
        }
        return root;
    }

    public static Path file(String relative) {
        return root().resolve(relative);
    }

    /** Opens a safetensors file under testdata/. */
    public static SafetensorsFile open(String relative) {
        try {
            return SafetensorsFile.open(file(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

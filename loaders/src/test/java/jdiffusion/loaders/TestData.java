package jdiffusion.loaders;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the golden fixtures copied into the repository's {@code testdata/} folder. */
public final class TestData {
    private TestData() {
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

    public static Path file(String relative) {
        return root().resolve(relative);
    }
}

package jdiffusion.sd.pipeline;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's {@code testdata/} folder (system property {@code jdiffusion.testdata}, set by the build). */
final class TestFiles {
    private TestFiles() {
    }

    static Path file(String relative) {
        String p = System.getProperty("jdiffusion.testdata");
        Path root = p != null ? Path.of(p) : Path.of("..", "testdata");
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("test data folder not found: " + root.toAbsolutePath());
        }
        return root.resolve(relative);
    }
}

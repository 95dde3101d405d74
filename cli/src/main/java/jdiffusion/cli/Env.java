package jdiffusion.cli;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the command line runs: the working folder (relative paths and {@code outputs/} resolve
 * against it) and the jdiffusion home (the repository or unpacked distribution that holds
 * {@code testdata/models} and {@code examples}), plus whether the process may install a Ctrl-C
 * handler and draw a progress bar. Tests pass their own; {@link #current()} is the real one.
 *
 * @param workDir     the folder outputs and relative paths are resolved against
 * @param home        the jdiffusion home, or null when unknown
 * @param interactive a terminal is attached (progress bar instead of plain lines)
 * @param signals     install a shutdown hook that cancels a running generation on Ctrl-C
 */
public record Env(Path workDir, Path home, boolean interactive, boolean signals) {

    /** The process's own environment: the current folder, the home found from the jar's location. */
    public static Env current() {
        java.io.Console console = System.console();
        // Since JDK 22 System.console() exists even when redirected; isTerminal() says whether a terminal is attached.
        return new Env(Path.of("").toAbsolutePath(), findHome(), console != null && console.isTerminal(), true);
    }

    /** For tests: a working folder, the given home, no terminal, no signal handler. */
    public static Env of(Path workDir, Path home) {
        return new Env(workDir.toAbsolutePath(), home == null ? null : home.toAbsolutePath(), false, false);
    }

    /** Resolves a user-given path against the working folder. */
    public Path resolve(Path p) {
        return p.isAbsolute() ? p : workDir.resolve(p);
    }

    /**
     * {@code -Djdiffusion.home}, {@code $JDIFFUSION_HOME}, else the folder two levels above the code
     * (the launcher's {@code cli/target/jdiffusion.jar}, or {@code cli/target/classes} in a build) when
     * it holds {@code testdata} or {@code examples}.
     */
    static Path findHome() {
        String prop = System.getProperty("jdiffusion.home");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop).toAbsolutePath();
        }
        String env = System.getenv("JDIFFUSION_HOME");
        if (env != null && !env.isBlank()) {
            return Path.of(env).toAbsolutePath();
        }
        try {
            var src = Env.class.getProtectionDomain().getCodeSource();
            if (src == null) {
                return null;
            }
            Path code = Path.of(src.getLocation().toURI()).toAbsolutePath();
            for (Path p = code.getParent(); p != null; p = p.getParent()) {
                if (Files.isDirectory(p.resolve("examples")) || Files.isDirectory(p.resolve("testdata"))) {
                    return p;
                }
            }
            return null;
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    /** The same environment without the Ctrl-C handler (in-process runs must not touch the JVM's hooks). */
    public Env withoutSignals() {
        return new Env(workDir, home, interactive, false);
    }
}

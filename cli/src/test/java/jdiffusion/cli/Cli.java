package jdiffusion.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import jdiffusion.sd.infotext.PngInfotext;

/** Runs the command line in-process in a working folder; small fast defaults for the generating tests. */
final class Cli {
    /** The repository root (tests run in cli/). */
    static final Path HOME = Path.of("..").toAbsolutePath().normalize();

    /** Options that keep a generation on the tiny model fast: 64x64, two steps, the CPU. */
    static final String[] FAST = {"-W", "64", "-H", "64", "--steps", "2", "--device", "cpu", "--no-hash"};

    record Run(int code, String out, String err) {
        List<String> errLines() {
            return err.lines().filter(l -> !l.isBlank()).toList();
        }
    }

    private Cli() {
    }

    static Run run(Path workDir, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(Env.of(workDir, HOME), new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    /** {@code args} followed by {@link #FAST}. */
    static Run fast(Path workDir, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(FAST));
        return run(workDir, all.toArray(String[]::new));
    }

    static Path example(String name) {
        return HOME.resolve("examples").resolve(name);
    }

    static Path testdata(String rel) {
        return HOME.resolve("testdata").resolve(rel);
    }

    /** The files of a folder, sorted by name. */
    static List<Path> files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    static String infotext(Path png) throws IOException {
        return PngInfotext.read(png);
    }
}

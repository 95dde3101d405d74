package jdiffusion.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import jdiffusion.sd.image.Image;
import jdiffusion.sd.image.ImageFiles;

/** Reading the pictures the options name, with one-line errors that say which option was wrong. */
final class Inputs {
    private Inputs() {
    }

    /** Reads an image; a missing file or one that is not an image is a {@link CliException} (exit code 4). */
    static Image image(String option, Env env, Path file) {
        Path p = env.resolve(file);
        if (!Files.exists(p)) {
            throw CliException.file(option + " " + file + ": no such file");
        }
        if (!Files.isRegularFile(p)) {
            throw CliException.file(option + " " + file + ": not a file");
        }
        try {
            return ImageFiles.read(p);
        } catch (IOException e) {
            throw CliException.file(option + " " + e.getMessage());
        }
    }

    /** The bundled example picture {@code examples/NAME} (working folder first, then the jdiffusion home). */
    static Path example(Env env, String name) {
        for (Path base : new Path[] {env.workDir(), env.home()}) {
            if (base != null && Files.isRegularFile(base.resolve("examples").resolve(name))) {
                return base.resolve("examples").resolve(name);
            }
        }
        throw CliException.file("no init image: pass --init-img FILE (the bundled examples/" + name + " was not found)");
    }
}

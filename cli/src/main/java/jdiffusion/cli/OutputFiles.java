package jdiffusion.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * Output names like the webui's: {@code NNNNN-SUFFIX.png}, where NNNNN is one more than the largest
 * leading number of any file already in the folder ({@code get_next_sequence_number}). A name is
 * claimed by creating the file atomically, so an existing file is never overwritten, even by a
 * second process writing to the same folder.
 */
final class OutputFiles {
    private OutputFiles() {
    }

    /** Creates {@code dir} if needed and claims the next numbered file {@code NNNNN-suffix.ext}. */
    static Path claimNumbered(Path dir, String suffix, String ext) {
        String tail = (suffix.isEmpty() ? "" : "-" + suffix) + ext;
        return claim(dir, true, n -> String.format(Locale.ROOT, "%05d", n) + tail);
    }

    /** Claims {@code dir/stem.ext}, or {@code stem-1.ext}, {@code stem-2.ext}, ... when taken. */
    static Path claimNamed(Path dir, String stem, String ext) {
        return claim(dir, false, i -> stem + (i == 0 ? "" : "-" + i) + ext);
    }

    /**
     * Creates {@code dir} if needed and the first file {@code name(i)} that does not exist yet, for
     * i counting up from the folder's next number ({@code numbered}) or from 0.
     */
    private static Path claim(Path dir, boolean numbered, IntFunction<String> name) {
        try {
            Files.createDirectories(dir);
            for (int i = numbered ? nextNumber(dir) : 0; ; i++) {
                Path f = dir.resolve(name.apply(i));
                try {
                    Files.createFile(f);
                    return f;
                } catch (FileAlreadyExistsException e) {
                    // taken (perhaps by another process): try the next one
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create an output file in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** One more than the largest leading number of the folder's file names (0 for none). */
    static int nextNumber(Path dir) throws IOException {
        int max = -1;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                int i = 0;
                while (i < name.length() && i < 9 && Character.isDigit(name.charAt(i))) {
                    i++;
                }
                if (i > 0) {
                    max = Math.max(max, Integer.parseInt(name.substring(0, i)));
                }
            }
        }
        return max + 1;
    }
}

package jdiffusion.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

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
        try {
            Files.createDirectories(dir);
            int n = nextNumber(dir);
            while (true) {
                Path f = dir.resolve(String.format(Locale.ROOT, "%05d", n) + (suffix.isEmpty() ? "" : "-" + suffix) + ext);
                try {
                    Files.createFile(f);
                    return f;
                } catch (FileAlreadyExistsException e) {
                    n++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create an output file in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Claims {@code dir/stem.ext}, or {@code stem-1.ext}, {@code stem-2.ext}, ... when taken. */
    static Path claimNamed(Path dir, String stem, String ext) {
        try {
            Files.createDirectories(dir);
            for (int i = 0; ; i++) {
                Path f = dir.resolve(stem + (i == 0 ? "" : "-" + i) + ext);
                try {
                    Files.createFile(f);
                    return f;
                } catch (FileAlreadyExistsException e) {
                    // taken: try the next suffix
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

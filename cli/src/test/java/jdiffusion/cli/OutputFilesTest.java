package jdiffusion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Output names: webui-style numbering after the folder's largest number, and never an existing file. */
class OutputFilesTest {
    @Test
    void numberedFollowsTheLargestLeadingNumber(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("new");
        assertEquals(out.resolve("00000-42.png"), OutputFiles.claimNumbered(out, "42", ".png"), "created folder starts at 0");
        Files.createFile(out.resolve("00007-1.png"));
        Files.createFile(out.resolve("notes.txt"));
        assertEquals(out.resolve("00008-5.png"), OutputFiles.claimNumbered(out, "5", ".png"));
        assertEquals(out.resolve("00009.txt"), OutputFiles.claimNumbered(out, "", ".txt"), "an empty suffix adds no dash");
        assertTrue(Files.isRegularFile(out.resolve("00009.txt")), "the claimed name exists at once");
    }

    @Test
    void namedAddsACounterWhenTaken(@TempDir Path dir) throws IOException {
        assertEquals(dir.resolve("a.png"), OutputFiles.claimNamed(dir, "a", ".png"));
        assertEquals(dir.resolve("a-1.png"), OutputFiles.claimNamed(dir, "a", ".png"));
        Files.createFile(dir.resolve("a-2.png"));
        assertEquals(dir.resolve("a-3.png"), OutputFiles.claimNamed(dir, "a", ".png"), "an existing file is skipped");
    }
}

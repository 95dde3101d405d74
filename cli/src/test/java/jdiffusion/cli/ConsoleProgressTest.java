package jdiffusion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import jdiffusion.sd.pipeline.Phase;
import jdiffusion.sd.pipeline.StepProgress;
import org.junit.jupiter.api.Test;

/** The progress display: a redrawn bar on a terminal, plain lines otherwise; the exit-code mapping. */
class ConsoleProgressTest {
    private static String show(boolean tty) {
        StringWriter w = new StringWriter();
        ConsoleProgress p = new ConsoleProgress(new PrintWriter(w), tty, false, null, null, 0, null);
        p.phaseStarted(Phase.SAMPLING);
        for (int i = 0; i < 4; i++) {
            p.step(new StepProgress(0, 1, false, i, 4, 1f, null, null, List::of));
        }
        p.phaseFinished(Phase.SAMPLING, 1_000_000);
        p.finish();
        assertEquals(4, p.stepsDone());
        assertEquals(1_000_000, p.timings().nanos(Phase.SAMPLING));
        return w.toString();
    }

    @Test
    void terminalGetsABarRedrawnInPlace() {
        String s = show(true);
        assertTrue(s.startsWith("\r[######------------------] 1/4 "), s);
        assertTrue(s.contains("\r[########################] 4/4 ") && s.contains(" it/s  ETA "), s);
        assertEquals(1, s.chars().filter(c -> c == '\n').count(), "one line, redrawn with carriage returns: " + s);
    }

    @Test
    void pipeGetsPlainLines() {
        List<String> lines = show(false).lines().toList();
        assertEquals(4, lines.size());
        assertTrue(lines.get(2).startsWith("step 3/4  ") && lines.get(2).contains(" it/s  ETA 0:"), lines.get(2));
    }

    @Test
    void clockFormat() {
        assertEquals("0:05", ConsoleProgress.clock(5));
        assertEquals("2:05", ConsoleProgress.clock(125));
        assertEquals("1:00:01", ConsoleProgress.clock(3601));
    }

    @Test
    void unexpectedFailuresAreInternalErrorsWithAHint() {
        RuntimeException bug = new IllegalStateException("boom");
        assertEquals(ExitCodes.INTERNAL, ExitCodes.of(bug));
        assertEquals("internal error: IllegalStateException: boom (run with --debug for the stack trace)", ExitCodes.message(bug));
        assertEquals(ExitCodes.FILE, ExitCodes.of(new java.io.UncheckedIOException("reading x", new java.io.IOException("disk"))));
        assertEquals("reading x: disk", ExitCodes.message(new java.io.UncheckedIOException("reading x", new java.io.IOException("disk"))));
        assertEquals(ExitCodes.MODEL, ExitCodes.of(new jdiffusion.loaders.ModelFormatException("bad")));
    }

    @Test
    void fileFailuresExitWithFileAndNameTheFile() {
        var missing = new java.nio.file.NoSuchFileException("in/a.png");
        var denied = new java.nio.file.AccessDeniedException("out/b.png");
        assertEquals(ExitCodes.FILE, ExitCodes.of(missing));
        assertEquals(ExitCodes.FILE, ExitCodes.of(denied));
        assertEquals(ExitCodes.FILE, ExitCodes.of(new java.io.FileNotFoundException("c.png")));
        assertEquals(ExitCodes.FILE, ExitCodes.of(new java.io.UncheckedIOException(null, missing)));
        assertEquals("in/a.png: no such file or folder", ExitCodes.message(missing));
        assertEquals("out/b.png: permission denied", ExitCodes.message(denied));
    }
}

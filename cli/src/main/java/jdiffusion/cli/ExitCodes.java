package jdiffusion.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import jdiffusion.cuda.CudaUnavailableException;
import jdiffusion.loaders.ModelFormatException;
import jdiffusion.sd.pipeline.GenerationCancelledException;

/**
 * The exit codes of the generating commands ({@code img2img}, {@code txt2img}, {@code upscale},
 * {@code samplers}, {@code infotext}, {@code completion}), one per class of failure so scripts can
 * tell them apart. {@code inspect} and {@code eval} keep their own documented codes.
 */
public final class ExitCodes {
    /** The exit-code line of the img2img and txt2img help. */
    static final String GENERATION_FOOTER = "Exit codes: 0 done; 2 invalid option or value; 4 file missing or not an image; "
            + "5 unusable model file; 6 runtime error; 7 device unavailable; 130 cancelled.";

    public static final int OK = 0;
    /** The command found nothing to report (a PNG without infotext). */
    public static final int NOTHING = 1;
    /** Bad command line: unknown option, invalid or out-of-range value, unknown sampler/upscaler. */
    public static final int USAGE = 2;
    /** A file is missing, unreadable, or not what it should be (an image that is not an image). */
    public static final int FILE = 4;
    /** A model file that cannot be used (malformed, not a Stable Diffusion checkpoint, wrong kind). */
    public static final int MODEL = 5;
    /** Anything else: a runtime failure or a bug (the message says which; --debug shows the trace). */
    public static final int INTERNAL = 6;
    /** The requested device (--device cuda[:N]) is not available. */
    public static final int DEVICE = 7;
    /** Interrupted (Ctrl-C); images finished before are kept. */
    public static final int CANCELLED = 130;

    private ExitCodes() {
    }

    /** The exit code for an exception that reached the command line. */
    public static int of(Throwable e) {
        Throwable t = unwrap(e);
        return switch (t) {
            case CliException c -> c.exitCode();
            case GenerationCancelledException c -> CANCELLED;
            case CudaUnavailableException c -> DEVICE;
            case ModelFormatException m -> MODEL;
            case IOException io -> FILE;
            case IllegalArgumentException i -> USAGE;
            default -> INTERNAL;
        };
    }

    /** One line for the user: the message without the exception's class name. */
    public static String message(Throwable e) {
        Throwable t = unwrap(e);
        String m = t.getMessage();
        String line = switch (t) {
            case NoSuchFileException n -> n.getFile() + ": no such file or folder";
            case AccessDeniedException a -> a.getFile() + ": permission denied";
            case CliException c -> m;
            case ModelFormatException mf -> m;
            case IOException io -> m == null ? "I/O error" : m;
            case IllegalArgumentException i -> m;
            case GenerationCancelledException c -> "cancelled; " + c.partial().images().size() + " image(s) finished before";
            default -> "internal error: " + t.getClass().getSimpleName() + (m == null ? "" : ": " + m)
                    + " (run with --debug for the stack trace)";
        };
        if (line == null) {
            line = t.getClass().getSimpleName();
        }
        return line.replace('\n', ' ').strip();
    }

    private static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while (t instanceof UncheckedIOException && t.getCause() != null) {
            // Keep the outer message when it names the file and the cause does not.
            if (t.getCause() instanceof NoSuchFileException || t.getMessage() == null) {
                t = t.getCause();
            } else {
                return new IOException(t.getMessage() + ": " + t.getCause().getMessage(), t.getCause());
            }
        }
        return t;
    }
}

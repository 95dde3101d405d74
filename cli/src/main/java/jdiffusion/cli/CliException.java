package jdiffusion.cli;

/** A failure the command line itself detected, with its exit code and a one-line message. */
public final class CliException extends RuntimeException {
    private final int exitCode;

    public CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    /** An invalid option value (exit code 2). */
    public static CliException usage(String message) {
        return new CliException(ExitCodes.USAGE, message);
    }

    /** A missing or unreadable file (exit code 4). */
    public static CliException file(String message) {
        return new CliException(ExitCodes.FILE, message);
    }
}

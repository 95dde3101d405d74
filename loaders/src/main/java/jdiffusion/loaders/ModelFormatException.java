package jdiffusion.loaders;

/**
 * A model file (or folder) is malformed, unsupported or incomplete. The message names the file
 * and, where it applies, the tensor or key and what was expected. Unchecked so that model
 * construction code stays readable; callers at the edge (CLI) turn it into one clear line.
 */
public class ModelFormatException extends RuntimeException {
    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}

package jdiffusion.cuda;

/**
 * No usable CUDA device: the driver library is missing, it found no device, or the requested
 * ordinal does not exist. {@link Backends#select(String)} catches it and falls back to the CPU.
 */
public final class CudaUnavailableException extends RuntimeException {
    public CudaUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public CudaUnavailableException(String message) {
        super(message);
    }
}

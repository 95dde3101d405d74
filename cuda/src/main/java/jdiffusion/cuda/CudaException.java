package jdiffusion.cuda;

/** A CUDA driver call failed; the message names the call, the CUresult code and its meaning. */
public class CudaException extends RuntimeException {
    private final int code;

    public CudaException(String call, int code, String name, String description) {
        super(call + " failed: " + name + " (" + code + "): " + description);
        this.code = code;
    }

    public CudaException(String message) {
        super(message);
        this.code = -1;
    }

    /** The driver's CUresult, or -1 when the failure did not come from a driver call. */
    public int code() {
        return code;
    }
}

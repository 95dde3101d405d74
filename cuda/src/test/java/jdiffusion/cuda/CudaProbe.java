package jdiffusion.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;

/** Test helper: whether this machine can run the GPU tests, and if not, why. */
final class CudaProbe {
    private CudaProbe() {
    }

    private static final class Holder {
        static final Object RESULT = probe();
    }

    static boolean driverLibraryPresent() {
        try (Arena a = Arena.ofConfined()) {
            SymbolLookup.libraryLookup("libcuda.so.1", a);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Object probe() {
        try {
            return CudaContext.open(0);
        } catch (CudaUnavailableException e) {
            return e.getMessage();
        }
    }

    /** The shared context, or null. */
    static CudaContext context() {
        return Holder.RESULT instanceof CudaContext c ? c : null;
    }

    /** Why the GPU tests are skipped. */
    static String reason() {
        return Holder.RESULT instanceof String s ? "no CUDA device: " + s : "";
    }
}

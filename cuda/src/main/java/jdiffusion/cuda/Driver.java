package jdiffusion.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * The subset of the CUDA driver API ({@code libcuda.so.1}) the backend uses, bound with
 * {@link Linker} downcalls. Every wrapper checks the CUresult and throws {@link CudaException}
 * naming the call. Versioned entry points ({@code _v2}) are the ones {@code cuda.h} maps the plain
 * names to. No runtime API, no toolkit: only the driver that ships with the NVIDIA display driver.
 */
final class Driver {
    /** System property naming the driver library (default {@code libcuda.so.1}). */
    static final String LIBRARY_PROPERTY = "jdiffusion.cuda.driver";
    static final int CUDA_SUCCESS = 0;
    static final int CUDA_ERROR_OUT_OF_MEMORY = 2;
    static final int CUDA_ERROR_NO_DEVICE = 100;
    static final int ATTR_MULTIPROCESSOR_COUNT = 16;
    static final int ATTR_CC_MAJOR = 75;
    static final int ATTR_CC_MINOR = 76;
    static final int ATTR_MAX_SMEM_OPTIN = 97;
    static final int FUNC_ATTR_NUM_REGS = 4;
    static final int FUNC_ATTR_MAX_DYNAMIC_SMEM = 8;
    static final int JIT_ERROR_LOG_BUFFER = 5;
    static final int JIT_ERROR_LOG_BUFFER_SIZE_BYTES = 6;
    static final int STREAM_NON_BLOCKING = 1;

    private final MethodHandle cuInit, cuDriverGetVersion, cuDeviceGetCount, cuDeviceGet, cuDeviceGetName,
            cuDeviceGetAttribute, cuDeviceTotalMem, cuDevicePrimaryCtxRetain, cuCtxSetCurrent, cuStreamCreate,
            cuStreamSynchronize, cuMemAlloc, cuMemFree, cuMemcpyHtoDAsync, cuMemcpyDtoHAsync, cuMemcpyDtoDAsync,
            cuMemsetD8Async, cuMemGetInfo, cuGetErrorName, cuGetErrorString;
    /** Modules, launches and events. */
    final DriverKernels kernels;

    private Driver(SymbolLookup lib) {
        Linker l = Linker.nativeLinker();
        cuInit = bind(l, lib, "cuInit", JAVA_INT);
        cuDriverGetVersion = bind(l, lib, "cuDriverGetVersion", ADDRESS);
        cuDeviceGetCount = bind(l, lib, "cuDeviceGetCount", ADDRESS);
        cuDeviceGet = bind(l, lib, "cuDeviceGet", ADDRESS, JAVA_INT);
        cuDeviceGetName = bind(l, lib, "cuDeviceGetName", ADDRESS, JAVA_INT, JAVA_INT);
        cuDeviceGetAttribute = bind(l, lib, "cuDeviceGetAttribute", ADDRESS, JAVA_INT, JAVA_INT);
        cuDeviceTotalMem = bind(l, lib, "cuDeviceTotalMem_v2", ADDRESS, JAVA_INT);
        cuDevicePrimaryCtxRetain = bind(l, lib, "cuDevicePrimaryCtxRetain", ADDRESS, JAVA_INT);
        cuCtxSetCurrent = bind(l, lib, "cuCtxSetCurrent", ADDRESS);
        cuStreamCreate = bind(l, lib, "cuStreamCreate", ADDRESS, JAVA_INT);
        cuStreamSynchronize = bind(l, lib, "cuStreamSynchronize", ADDRESS);
        cuMemAlloc = bind(l, lib, "cuMemAlloc_v2", ADDRESS, JAVA_LONG);
        cuMemFree = bind(l, lib, "cuMemFree_v2", JAVA_LONG);
        cuMemcpyHtoDAsync = bind(l, lib, "cuMemcpyHtoDAsync_v2", JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS);
        cuMemcpyDtoHAsync = bind(l, lib, "cuMemcpyDtoHAsync_v2", ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS);
        cuMemcpyDtoDAsync = bind(l, lib, "cuMemcpyDtoDAsync_v2", JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS);
        cuMemsetD8Async = bind(l, lib, "cuMemsetD8Async", JAVA_LONG, JAVA_INT, JAVA_LONG, ADDRESS);
        cuMemGetInfo = bind(l, lib, "cuMemGetInfo_v2", ADDRESS, ADDRESS);
        cuGetErrorName = bind(l, lib, "cuGetErrorName", JAVA_INT, ADDRESS);
        cuGetErrorString = bind(l, lib, "cuGetErrorString", JAVA_INT, ADDRESS);
        kernels = new DriverKernels(this, l, lib);
    }

    /**
     * Opens the driver library and binds the entry points. Fails with a {@link
     * CudaUnavailableException} that says what is missing when the library cannot be loaded.
     */
    static Driver load() {
        String configured = System.getProperty(LIBRARY_PROPERTY);
        String name = configured != null ? configured : "libcuda.so.1";
        SymbolLookup lib = null;
        RuntimeException first = null;
        // The loader's search path first; then where container images and distributions put the
        // driver when it is not registered with ldconfig.
        String[] candidates = configured != null ? new String[] {configured}
                : new String[] {name, "/usr/local/nvidia/lib64/libcuda.so.1", "/usr/lib/x86_64-linux-gnu/libcuda.so.1",
                        "/usr/lib64/libcuda.so.1", "/usr/lib/wsl/lib/libcuda.so.1"};
        for (String c : candidates) {
            try {
                lib = SymbolLookup.libraryLookup(c, Arena.global());
                break;
            } catch (IllegalArgumentException e) {
                first = first == null ? e : first;
            }
        }
        if (lib == null) {
            throw new CudaUnavailableException("the CUDA driver library " + name + " could not be loaded ("
                    + first.getMessage() + "): no NVIDIA driver is installed or it is not on the library path", first);
        }
        try {
            return new Driver(lib);
        } catch (IllegalStateException e) {
            throw new CudaUnavailableException("the CUDA driver library " + name + " lacks an entry point the "
                    + "backend needs (" + e.getMessage() + "); a driver for CUDA 12 or newer is required", e);
        }
    }

    static MethodHandle bind(Linker l, SymbolLookup lib, String symbol, java.lang.foreign.MemoryLayout... args) {
        MemorySegment addr = lib.find(symbol).orElseThrow(() -> new IllegalStateException("missing symbol " + symbol));
        return l.downcallHandle(addr, FunctionDescriptor.of(JAVA_INT, args));
    }

    // ---- error reporting ---------------------------------------------------------------------------

    void check(String call, int rc) {
        if (rc != CUDA_SUCCESS) {
            throw new CudaException(call, rc, errorText(cuGetErrorName, rc), errorText(cuGetErrorString, rc));
        }
    }

    String errorName(int rc) {
        return errorText(cuGetErrorName, rc);
    }

    String errorString(int rc) {
        return errorText(cuGetErrorString, rc);
    }

    private static String errorText(MethodHandle h, int rc) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            int r = (int) h.invokeExact(rc, out);
            MemorySegment s = out.get(ADDRESS, 0);
            return r == 0 && !s.equals(MemorySegment.NULL) ? s.reinterpret(4096).getString(0) : "unknown error";
        } catch (Throwable t) {
            return "unknown error";
        }
    }

    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }

    // ---- wrappers (one per entry point; out-parameters go through a confined arena) ----------------

    /** cuInit; returns the raw CUresult so the caller can tell "no device" from other failures. */
    int init() {
        try {
            return (int) cuInit.invokeExact(0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int driverVersion() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_INT);
            check("cuDriverGetVersion", (int) cuDriverGetVersion.invokeExact(v));
            return v.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int deviceCount() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_INT);
            check("cuDeviceGetCount", (int) cuDeviceGetCount.invokeExact(v));
            return v.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int device(int ordinal) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_INT);
            check("cuDeviceGet(" + ordinal + ")", (int) cuDeviceGet.invokeExact(v, ordinal));
            return v.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    String deviceName(int dev) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(256);
            check("cuDeviceGetName", (int) cuDeviceGetName.invokeExact(s, 256, dev));
            return s.getString(0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int deviceAttribute(int attr, int dev) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_INT);
            check("cuDeviceGetAttribute(" + attr + ")", (int) cuDeviceGetAttribute.invokeExact(v, attr, dev));
            return v.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    long deviceTotalMem(int dev) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_LONG);
            check("cuDeviceTotalMem_v2", (int) cuDeviceTotalMem.invokeExact(v, dev));
            return v.get(JAVA_LONG, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    MemorySegment primaryContextRetain(int dev) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(ADDRESS);
            check("cuDevicePrimaryCtxRetain", (int) cuDevicePrimaryCtxRetain.invokeExact(v, dev));
            return v.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void setCurrent(MemorySegment ctx) {
        try {
            check("cuCtxSetCurrent", (int) cuCtxSetCurrent.invokeExact(ctx));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    MemorySegment streamCreate(int flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(ADDRESS);
            check("cuStreamCreate", (int) cuStreamCreate.invokeExact(v, flags));
            return v.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void streamSynchronize(MemorySegment stream) {
        try {
            check("cuStreamSynchronize", (int) cuStreamSynchronize.invokeExact(stream));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** cuMemAlloc_v2; returns 0 on CUDA_ERROR_OUT_OF_MEMORY so the allocator can reclaim and retry. */
    long memAlloc(long bytes) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_LONG);
            int rc = (int) cuMemAlloc.invokeExact(v, bytes);
            if (rc == CUDA_ERROR_OUT_OF_MEMORY) {
                return 0;
            }
            check("cuMemAlloc_v2(" + bytes + " bytes)", rc);
            return v.get(JAVA_LONG, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void memFree(long ptr) {
        try {
            check("cuMemFree_v2", (int) cuMemFree.invokeExact(ptr));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void memcpyHtoDAsync(long dst, MemorySegment src, long bytes, MemorySegment stream) {
        try {
            check("cuMemcpyHtoDAsync_v2", (int) cuMemcpyHtoDAsync.invokeExact(dst, src, bytes, stream));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void memcpyDtoHAsync(MemorySegment dst, long src, long bytes, MemorySegment stream) {
        try {
            check("cuMemcpyDtoHAsync_v2", (int) cuMemcpyDtoHAsync.invokeExact(dst, src, bytes, stream));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void memcpyDtoDAsync(long dst, long src, long bytes, MemorySegment stream) {
        try {
            check("cuMemcpyDtoDAsync_v2", (int) cuMemcpyDtoDAsync.invokeExact(dst, src, bytes, stream));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void memsetD8Async(long dst, int value, long bytes, MemorySegment stream) {
        try {
            check("cuMemsetD8Async", (int) cuMemsetD8Async.invokeExact(dst, value, bytes, stream));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {free, total} bytes of the current context's device. */
    long[] memInfo() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment f = a.allocate(JAVA_LONG);
            MemorySegment t = a.allocate(JAVA_LONG);
            check("cuMemGetInfo_v2", (int) cuMemGetInfo.invokeExact(f, t));
            return new long[] {f.get(JAVA_LONG, 0), t.get(JAVA_LONG, 0)};
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
